#!/usr/bin/env bash
# test_session_conformance_live.sh — the RFC 9113 conformance cases of
# tests/session_conformance_cases.h sent over TCP to a running
# `h2scope serve` (the Check suite test_session_conformance in live mode,
# H2_CONFORMANCE_TARGET=host:port): the server must react to each violation
# exactly as the RFC requires.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
suite=$(dirname "$H")/tests/test_session_conformance
[ -x "$suite" ] || { echo "SKIP: $suite not built"; exit 0; }
. "$here/session_peers.sh"
trap cleanup_peers EXIT
port=$(free_port)
start_serve "$port"
H2_CONFORMANCE_TARGET=127.0.0.1:$port timeout 300 "$suite"
echo "PASS"
