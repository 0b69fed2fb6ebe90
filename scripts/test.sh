#!/bin/sh
# The whole test suite: type-check (strict), build, then every test (unit, integration, e2e).
# Ends with one "N passed, N failed" line so that CI logs can be read at a glance.
set -eu
cd "$(dirname "$0")/.."
sh scripts/ensure-deps.sh
npx tsc -p tsconfig.json --noEmit
report="$(mktemp)"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`\ntests (node ${process.version}): ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$report" || true
rm -f "$report"
exit "$status"
