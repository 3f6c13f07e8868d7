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
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

for peer in "${peers[@]}"; do
  p=$(port)
  w=$out/$peer
  rm -rf "$w"
  mkdir -p "$w/tmp"
  case $peer in
  nghttpd) cmd=(nghttpd --no-tls -d "$www" "$p") ;;
  h2o)
    {
      printf 'listen:\n  host: 127.0.0.1\n  port: %s\n' "$p"
      [ "$(id -u)" = 0 ] && echo "user: nobody"
      printf 'error-log: %s/h2o.err\naccess-log: /dev/null\n' "$w"
      printf 'hosts:\n  default:\n    paths:\n      /:\n        file.dir: %s\n' "$www"
    } >"$w/h2o.conf"
    cmd=(h2o -c "$w/h2o.conf") ;;
  nginx)
    cat >"$w/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $w/nginx.pid;
error_log $w/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $w/tmp/body;
  proxy_temp_path $w/tmp/proxy;
  fastcgi_temp_path $w/tmp/fastcgi;
  uwsgi_temp_path $w/tmp/uwsgi;
  scgi_temp_path $w/tmp/scgi;
  server { listen 127.0.0.1:$p http2; root $www; }
}
CONF
    cmd=(nginx -p "$w" -e "$w/error.log" -c "$w/nginx.conf") ;;
  node) cmd=(node "$root/tests/cli/check_node_server.js" "$p") ;;
  serve) cmd=("$H" serve --port "$p") ;;
  *) echo "unknown peer $peer" >&2; exit 2 ;;
  esac
  echo "== $peer (port $p, ${secs}s)"
  rc=0
  "$H" fuzz "127.0.0.1:$p" --seed 1 --time "$secs" --json --out "$w/findings" -- "${cmd[@]}" \
    >"$w/fuzz.json" 2>"$w/fuzz.err" || rc=$?
  echo "exit $rc: $(tail -1 "$w/fuzz.json")"
done
