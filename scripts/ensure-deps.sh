#!/bin/sh
# Installs the npm dependencies (when package-lock.json changed or node_modules is missing),
# bundles src/ into dist/ (npm run build), and primes the start-up code caches for this Node.js
# (bin/devspace, docs/architecture.md "Start-up"): dist/devspace.cjs's by running `devspace config`
# on the example app once, then dist/commands.cjs's and dist/dockerode.cjs's by running `devspace ps`
# against an engine address where nothing listens (this loads both and fails at once, engine or not).
# Idempotent and quiet when there is nothing to do.
set -eu
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
node bin/devspace config --file fixtures/voting-app/compose.yaml > /dev/null
node bin/devspace ps --file fixtures/voting-app/compose.yaml -H unix:///nonexistent/devspace-prime.sock > /dev/null 2>&1 || true
