#!/bin/sh
# Runs the benchmarks under bench/ and prints their figures: start-up (bench/startup.mjs), then
# the local run against docker-compose (bench/run-local.mjs; starts the engine, installs docker-compose),
# then hot reload: sync and rebuild latency, watcher memory on a 50,000-file tree (bench/watch.mjs),
# then an unchanged push against docker push (bench/push.mjs; starts the test registries).
set -eu
cd "$(dirname "$0")/.."
sh scripts/ensure-deps.sh
node bench/startup.mjs
node bench/run-local.mjs
node bench/watch.mjs
node bench/push.mjs
