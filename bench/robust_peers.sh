#!/usr/bin/env bash
# robust_peers.sh — the robustness verdicts of `h2scope check --robustness`
# for real servers, each started by check itself (`-- CMD`) so the target's
# CPU time and resident size are measured next to the canary: h2scope serve,
# nghttpd, nginx, h2o, Node's http2 module and gRPC's C core (python3-grpcio;
# those installed). Prints one
# table row per peer and case (verdict, canary medians before/during/after,
# CPU seconds, RSS growth) — the table of docs/check.md.
# usage: bench/robust_peers.sh [H2SCOPE_BINARY] [CHECK_OPTIONS...]
#   PEERS (default: all six) names the peers to run
set -euo pipefail
H=${1:-build/release/h2scope}
shift || true
H=$(realpath "$H")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
chmod 755 "$work"
. "$here/../tests/cli/session_peers.sh"
trap 'rm -rf "$work"' EXIT
mkdir "$work/www"
echo hello >"$work/www/index.html"
chmod -R a+rX "$work/www"

run_peer() { # NAME PORT CMD...
  local name=$1 p=$2
  shift 2
  echo "== $name" >&2
  "$H" check "127.0.0.1:$p" robust --json "${CHECK_OPTS[@]}" -- "$@" >"$work/$name.json" || true
  python3 - "$name" "$work/$name.json" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
for line in open(path):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    m = r.get("measure")
    if not m:
        continue
    c = m.get("canary", {})
    t = m.get("target") or {}
    def med(ph):
        v = c.get(ph, {})
        return "%.1f" % v.get("median_ms", 0) if v.get("sent") else "-"
    print("| %s | %s | %s | %s / %s / %s | %.2f | %+.1f |" % (
        name, r.get("id", "?"), r.get("verdict", "?"), med("before"), med("during"),
        med("after"), t.get("cpu_s", 0.0),
        max(0, t.get("rss_peak", 0) - t.get("rss_before", 0)) / 1048576.0))
PY
}

CHECK_OPTS=("$@")
echo "| peer | case | verdict | canary median ms before / during / after | CPU s | RSS growth MiB |"
echo "|---|---|---|---|---|---|"
for peer in ${PEERS:-serve nghttpd nginx h2o node grpc}; do
  case $peer in
  serve) ;;
  grpc) /usr/bin/python3 -c 'import grpc' 2>/dev/null || continue ;;
  *) command -v "$peer" >/dev/null || continue ;;
  esac
  p=$(free_port)
  mkdir -p "$work/$peer"
  peer_command "$peer" "$p" "$work/www" "$work/$peer"
  run_peer "$peer" "$p" "${peer_cmd[@]}"
done
