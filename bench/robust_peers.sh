#!/usr/bin/env bash
# robust_peers.sh — the robustness verdicts of `h2scope check --robustness`
# for real servers, each started by check itself (`-- CMD`) so the target's
# CPU time and resident size are measured next to the canary: h2scope serve,
# nghttpd, nginx, h2o and Node's http2 module (those installed). Prints one
# table row per peer and case (verdict, canary medians before/during/after,
# CPU seconds, RSS growth) — the table of docs/check.md.
# usage: bench/robust_peers.sh [H2SCOPE_BINARY] [CHECK_OPTIONS...]
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

# conf_nginx PORT / conf_h2o PORT: a foreground configuration in $work
conf_nginx() {
  local w=$work/nginx-$1
  mkdir -p "$w/tmp"
  cat >"$w/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $w/nginx.pid;
error_log $w/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $w/tmp/body;
  proxy_temp_path $w/tmp/proxy;
  fastcgi_temp_path $w/tmp/fastcgi;
  uwsgi_temp_path $w/tmp/uwsgi;
  scgi_temp_path $w/tmp/scgi;
  server { listen 127.0.0.1:$1 http2; root $work/www; }
}
CONF
  echo "$w"
}
conf_h2o() {
  local c=$work/h2o-$1.conf
  {
    echo "listen: {host: 127.0.0.1, port: $1}"
    [ "$(id -u)" = 0 ] && echo "user: nobody"
    echo "error-log: $work/h2o-$1.err"
    echo "access-log: /dev/null"
    echo "hosts: {default: {paths: {/: {file.dir: $work/www}}}}"
  } >"$c"
  echo "$c"
}

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
p=$(free_port)
run_peer serve "$p" "$H" serve --port "$p"
if command -v nghttpd >/dev/null; then
  p=$(free_port)
  run_peer nghttpd "$p" nghttpd --no-tls -d "$work/www" "$p"
fi
if command -v nginx >/dev/null; then
  p=$(free_port)
  w=$(conf_nginx "$p")
  run_peer nginx "$p" nginx -p "$w" -e "$w/error.log" -c "$w/nginx.conf"
fi
if command -v h2o >/dev/null; then
  p=$(free_port)
  run_peer h2o "$p" h2o -c "$(conf_h2o "$p")"
fi
if command -v node >/dev/null; then
  p=$(free_port)
  run_peer node "$p" node "$here/../tests/cli/check_node_server.js" "$p"
fi
