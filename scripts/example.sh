#!/bin/sh
# Runs devspace on the example app (fixtures/voting-app): makes sure a Docker engine answers
# (installing and starting Debian's docker.io only when none does) and that the base image is
# present (made offline, cached), then `devspace up -d` — or the devspace command given, e.g.
# `npm run example -- down -v`, `npm run example -- up` (attached, Ctrl-C stops),
# `npm run example -- ps`.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
sh "$root/scripts/ensure-deps.sh"
bash "$root/scripts/docker-engine.sh" start >&2
bash "$root/scripts/base-images.sh" >&2
cd "$root/fixtures/voting-app"
if [ "$#" -eq 0 ]; then
  "$root/bin/devspace" up -d
  echo
  echo "Vote at http://127.0.0.1:${FRONT_PORT:-8080}  ·  status: npm run example -- ps  ·  stop and clean up: npm run example -- down -v"
else
  exec "$root/bin/devspace" "$@"
fi
