#!/usr/bin/env bash
# test_fuzz_planted_memory.sh — `h2scope fuzz` finds the planted leak bug of
# tests/fuzz_peers/planted_server.py that `h2scope check` does not reveal,
# as a memory finding whose saved case reproduces it (fuzz_planted.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/fuzz_planted.sh"
planted_test leak memory 1
