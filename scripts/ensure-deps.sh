#!/bin/sh
# Installs the npm dependencies (when package-lock.json changed or node_modules is missing) and
# bundles src/ into dist/ (npm run build). Idempotent and quiet when there is nothing to do.
set -eu
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
