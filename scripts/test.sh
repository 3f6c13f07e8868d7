#!/usr/bin/env bash
# Builds and runs every test: installs dependencies, configures the ASan+UBSan
# build, runs all Check suites, CLI tests, interop tests and corpus replays
# through ctest, then a short libFuzzer smoke run of every fuzz target.
# H2_FUZZ_SECONDS=0 skips the fuzz smoke.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --browsers
cmake --workflow --preset test
if [ -x scripts/fuzz-smoke.sh ] && [ "${H2_FUZZ_SECONDS:-30}" != 0 ]; then
  scripts/fuzz-smoke.sh "${H2_FUZZ_SECONDS:-30}"
fi
