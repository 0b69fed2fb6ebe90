#!/bin/sh
# Runs the benchmarks under bench/ and prints their figures.
set -eu
cd "$(dirname "$0")/.."
sh scripts/ensure-deps.sh
node bench/startup.mjs
