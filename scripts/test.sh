#!/bin/sh
# The whole test suite: type-check (strict), build, then every test (unit, integration, e2e).
set -eu
cd "$(dirname "$0")/.."
sh scripts/ensure-deps.sh
npx tsc -p tsconfig.json --noEmit
npx vitest run "$@"
