#!/usr/bin/env bash
# fuzz-peers.sh — the measured runs of docs/fuzz.md: `h2scope fuzz` against
# nghttpd, h2o, nginx, Node's http2 module, `h2scope serve` and gRPC's C core
# (python3-grpcio) on loopback, each started and watched by fuzz itself
# (-- CMD), SECONDS per peer, with --json output and the findings under
# OUT/PEER/. The gRPC server is also seeded with a capture of real gRPC calls
# (grpc_peer.py's client, recorded with tcpdump before the run).
#   scripts/fuzz-peers.sh [SECONDS] [OUT] [PEER...]   (default 600 s, fuzz-peers/, all)
# H2SCOPE names the binary (default build/release/h2scope).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-600}
out=${2:-fuzz-peers}
shift $(($# > 2 ? 2 : $#))
peers=("$@")
[ ${#peers[@]} -gt 0 ] || peers=(nghttpd h2o nginx node serve grpc)
H=${H2SCOPE:-$root/build/release/h2scope}
mkdir -p "$out"
out=$(cd "$out" && pwd)
www=$out/www
mkdir -p "$www"
echo "hello" >"$www/index.html"
. "$root/tests/cli/session_peers.sh"

# record_grpc_seeds FILE: unary, streaming and failing calls between
# grpc_peer.py's client and server, captured with tcpdump into FILE.
record_grpc_seeds() {
  local sp spid
  mkdir -p "$(dirname "$1")"
  sp=$(free_port)
  /usr/bin/python3 "$root/tests/cli/grpc_peer.py" serve "$sp" 2>/dev/null &
  spid=$!
  wait_port "$sp"
  start_capture "$1" "$sp"
  timeout 60 /usr/bin/python3 "$root/tests/cli/grpc_peer.py" client "$sp" >/dev/null 2>&1 || true
  stop_capture || true
  kill "$spid" 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
}

for peer in "${peers[@]}"; do
  p=$(free_port)
  w=$out/$peer
  rm -rf "$w"
  mkdir -p "$w"
  peer_command "$peer" "$p" "$www" "$w" || { echo "unknown peer $peer" >&2; exit 2; }
  seeds=()
  if [ "$peer" = grpc ]; then
    record_grpc_seeds "$w/grpc-seeds.pcap"
    seeds=(--seeds "$w/grpc-seeds.pcap")
  fi
  echo "== $peer (port $p, ${secs}s)"
  rc=0
  "$H" fuzz "127.0.0.1:$p" --seed 1 --time "$secs" --json --out "$w/findings" "${seeds[@]}" -- "${peer_cmd[@]}" \
    >"$w/fuzz.json" 2>"$w/fuzz.err" || rc=$?
  echo "exit $rc: $(tail -1 "$w/fuzz.json")"
done
