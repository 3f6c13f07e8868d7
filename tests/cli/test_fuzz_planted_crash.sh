#!/usr/bin/env bash
# test_fuzz_planted_crash.sh — `h2scope fuzz` finds the planted crash bug of
# tests/fuzz_peers/planted_server.py that `h2scope check` does not reveal,
# as a crash finding whose saved case reproduces it (fuzz_planted.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/fuzz_planted.sh"
planted_test crash crash 1
