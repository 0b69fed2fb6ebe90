#!/bin/sh
# Installs the npm dependencies (when package-lock.json changed or node_modules is missing) and
# compiles src/ to dist/. Idempotent and quiet when there is nothing to do.
set -eu
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npx tsc -p tsconfig.build.json
