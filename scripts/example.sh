#!/bin/sh
# Runs devspace on the example app (fixtures/voting-app).
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
sh "$root/scripts/ensure-deps.sh"
cd "$root/fixtures/voting-app"
exec "$root/bin/devspace" config
