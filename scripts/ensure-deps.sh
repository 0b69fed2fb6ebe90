#!/bin/sh
# Installs the npm dependencies (when package-lock.json changed or node_modules is missing),
# bundles src/ into dist/ (npm run build), and primes the start-up code cache for this Node.js by
# running `devspace config` on the example app once (bin/devspace, docs/architecture.md "Start-up").
# Idempotent and quiet when there is nothing to do.
set -eu
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
node bin/devspace config --file fixtures/voting-app/compose.yaml > /dev/null
