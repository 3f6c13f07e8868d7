#!/usr/bin/env bash
# record-samples.sh — re-records the raw HTTP/2 byte streams in corpus/samples/
# (one file per direction: <name>-client.bin, <name>-server.bin) from real
# peers on loopback: nghttp against nghttpd (h2c, prior knowledge) while
# tcpdump captures; tshark's "follow tcp raw" splits the two directions.
# Needs nghttp2-client, nghttp2-server, tcpdump, tshark. Loopback only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# H2_SAMPLES_OUT: another directory (e.g. to compare a re-recording first).
out=${H2_SAMPLES_OUT:-$root/corpus/samples}
mkdir -p "$out"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$((20000 + RANDOM % 20000))
mkdir -p "$work/www"
printf '<html><body>hello h2scope</body></html>\n' >"$work/www/index.html"
printf 'body { color: #123; }\n' >"$work/www/style.css"
head -c 40000 /dev/zero | tr '\0' 'x' >"$work/www/big.txt"
printf 'name=h2scope&value=%s\n' "$(head -c 300 /dev/zero | tr '\0' 'v')" >"$work/post.txt"
nghttpd --no-tls -p /index.html=/style.css -d "$work/www" "$port" >/dev/null 2>&1 &
pids+=($!)
sleep 0.5

record() { # name nghttp-args...
  local name=$1
  shift
  tcpdump -i lo -s 0 -U --immediate-mode -w "$work/$name.pcap" "tcp port $port" 2>/dev/null &
  local t=$!
  pids+=("$t")
  sleep 0.5
  nghttp "$@" >/dev/null || echo "warning: nghttp $* failed" >&2
  sleep 0.3
  kill -INT $t
  wait $t 2>/dev/null || true
  # follow,tcp,raw: client bytes unindented, server bytes indented by a tab.
  tshark -r "$work/$name.pcap" -q -z follow,tcp,raw,0 2>/dev/null | sed -n '/^Node 1:/,/^=====/p' |
    sed '1d;$d' >"$work/$name.follow"
  grep -v $'^\t' "$work/$name.follow" | xxd -r -p >"$out/$name-client.bin"
  grep $'^\t' "$work/$name.follow" | tr -d '\t' | xxd -r -p >"$out/$name-server.bin"
  ls -l "$out/$name-client.bin" "$out/$name-server.bin"
}

base=http://127.0.0.1:$port
record get -n "$base/index.html"
record multi -n -m 5 "$base/style.css"
record post -n -d "$work/post.txt" "$base/index.html"
record continuation -n --continuation "$base/style.css"
record padding -n -b 7 "$base/style.css"
record push -n "$base/index.html"
record big -n "$base/big.txt"
