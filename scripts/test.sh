#!/usr/bin/env bash
# `npm test`: installs what is missing, builds, then runs the unit tests (beside the code) and the
# end-to-end suites (test/e2e: real k1s server, containerd, runc, CNI and kubectl) in one node:test run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
# The linter (.oxlintrc.json: typescript-eslint's no-floating-promises, no-misused-promises and await-thenable, run
# type-aware by oxlint on TypeScript 7's checker) fails the run on any finding.
npm run --silent lint
start=$(date +%s)
# Only *.test.js files: given a directory, node --test would also run every .js under a folder named test
# (the benchmark, the harness, the image builders).
# Unit tests (fakes, in-process API servers: no containerd, iptables or netns) run two files at a time. The
# runtime integration tests and the e2e suites run one file at a time: they share this machine's containerd
# binaries and CNI, and their figures are only meaningful undisturbed. Both runs happen; either failing fails.
mapfile -t unit < <(find dist/src dist/test -name '*.test.js' ! -path 'dist/test/e2e/*' ! -name '*integration*' | sort)
# The fault back-off suite watches ten failing pods for five minutes and is idle most of that time: it runs on its
# own cluster beside the serial lane (clusters have their own bridge, CNI state, iptables chains and netns dir),
# and what it prints follows the serial lane's output.
beside=dist/test/e2e/fault-backoff.test.js
mapfile -t serial < <(find dist/src dist/test -name '*.test.js' \( -path 'dist/test/e2e/*' -o -name '*integration*' \) ! -path "$beside" | sort)
rc=0
node --test --test-concurrency=2 "${unit[@]}" || rc=$?
beside_log=$(mktemp /tmp/k1s-test-beside.XXXXXX)
node --test "$beside" >"$beside_log" 2>&1 &
beside_pid=$!
trap '[ -z "$beside_pid" ] || kill "$beside_pid" 2>/dev/null || true; rm -f "$beside_log"' EXIT
node --test --test-concurrency=1 "${serial[@]}" || rc=$?
wait "$beside_pid" || rc=$?
beside_pid=
cat "$beside_log"
echo "k1s: tests took $(( $(date +%s) - start ))s"
exit "$rc"
