#!/usr/bin/env bash
# fuzz-peers.sh — the measured runs of docs/fuzz.md: `h2scope fuzz` against
# nghttpd, h2o, nginx, Node's http2 module and `h2scope serve` on loopback,
# each started and watched by fuzz itself (-- CMD), SECONDS per peer, with
# --json output and the findings under OUT/PEER/.
#   scripts/fuzz-peers.sh [SECONDS] [OUT] [PEER...]   (default 600 s, fuzz-peers/, all)
# H2SCOPE names the binary (default build/release/h2scope).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-600}
out=${2:-fuzz-peers}
shift $(($# > 2 ? 2 : $#))
peers=("$@")
[ ${#peers[@]} -gt 0 ] || peers=(nghttpd h2o nginx node serve)
H=${H2SCOPE:-$root/build/release/h2scope}
mkdir -p "$out"
out=$(cd "$out" && pwd)
www=$out/www
mkdir -p "$www"
echo "hello" >"$www/index.html"
. "$root/tests/cli/session_peers.sh"

for peer in "${peers[@]}"; do
  p=$(free_port)
  w=$out/$peer
  rm -rf "$w"
  peer_command "$peer" "$p" "$www" "$w" || { echo "unknown peer $peer" >&2; exit 2; }
  echo "== $peer (port $p, ${secs}s)"
  rc=0
  "$H" fuzz "127.0.0.1:$p" --seed 1 --time "$secs" --json --out "$w/findings" -- "${peer_cmd[@]}" \
    >"$w/fuzz.json" 2>"$w/fuzz.err" || rc=$?
  echo "exit $rc: $(tail -1 "$w/fuzz.json")"
done
