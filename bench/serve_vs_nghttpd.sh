#!/usr/bin/env bash
# serve_vs_nghttpd.sh — h2load requests/s against `h2scope serve` and against
# nghttpd in the same run, same machine, same files, same load (the numbers
# of bench/README.md, section "serve vs nghttpd").
# usage: bench/serve_vs_nghttpd.sh [H2SCOPE_BINARY] [REQUESTS]
set -euo pipefail
H=${1:-build/release/h2scope}
N=${2:-200000}
work=$(mktemp -d)
chmod 755 "$work"
. "$(dirname "$0")/../tests/cli/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
mkdir "$work/www"
printf 'hello, h2\n' >"$work/www/small.txt"
head -c 65536 /dev/urandom >"$work/www/64k.bin"

load() { # label url
  local line
  line=$(h2load -n "$N" -c 16 -m 32 -t 1 "$2" 2>&1 | grep -E '^finished in|^requests:' | tr '\n' ' ')
  printf '%-28s %s\n' "$1" "$line"
}
for file in small.txt 64k.bin; do
  p1=$(free_port)
  start_serve "$p1" --dir "$work/www"
  load "h2scope serve  $file" "http://127.0.0.1:$p1/$file"
  cleanup_peers
  p2=$(free_port)
  start_nghttpd "$work/www" "$p2"
  load "nghttpd        $file" "http://127.0.0.1:$p2/$file"
  cleanup_peers
done
