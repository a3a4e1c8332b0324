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
mapfile -t serial < <(find dist/src dist/test -name '*.test.js' \( -path 'dist/test/e2e/*' -o -name '*integration*' \) | sort)
rc=0
node --test --test-concurrency=2 "${unit[@]}" || rc=$?
node --test --test-concurrency=1 "${serial[@]}" || rc=$?
echo "k1s: tests took $(( $(date +%s) - start ))s"
exit "$rc"
