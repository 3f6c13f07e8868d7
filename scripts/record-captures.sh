#!/usr/bin/env bash
# record-captures.sh — re-records the test and README captures in
# corpus/captures/ from real peers on loopback (tcpdump -i lo while nghttp,
# curl and h2load talk to nghttpd). Loopback only, bounded, cleans up.
#   sample.pcapng       prior knowledge: several requests, push, SETTINGS/ACK, GOAWAY
#   continuation.pcap   a request header block split into CONTINUATION frames
#   padding.pcap        padded HEADERS/DATA (nghttp -b, nghttpd -b)
#   flowcontrol.pcap    a 300 KB body needing WINDOW_UPDATEs
#   concurrent.pcap     h2load: 2 connections x 20 concurrent streams
#   midstream.pcap      flowcontrol.pcap without its first 14 packets (no preface)
#   upgrade.pcap        HTTP/1.1 Upgrade: h2c (nghttp -u, curl --http2) against h2o
#   rst_stream.pcap     a request with "te: gzip": nghttpd answers RST_STREAM
#                       PROTOCOL_ERROR (RFC 9113 §8.2.2)
# Usage: record-captures.sh [FILE...]   (default: all of them)
# Needs nghttp2-client, nghttp2-server, curl, h2o, tcpdump, tshark (editcap).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/corpus/captures
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out" "$work/www"
chmod 755 "$work" # h2o serves files as nobody
printf '<html><body>hello h2scope</body></html>\n' >"$work/www/index.html"
printf 'body { color: #123; }\n' >"$work/www/style.css"
head -c 300000 /dev/zero | tr '\0' 'd' >"$work/www/big.bin"
port=$((20000 + RANDOM % 20000))
pport=$((port + 1))
nghttpd --no-tls -p /index.html=/style.css -d "$work/www" "$port" >/dev/null 2>&1 &
pids+=($!)
nghttpd --no-tls -b 16 -d "$work/www" "$pport" >/dev/null 2>&1 &
pids+=($!)
hport=$((port + 2))
cat >"$work/h2o.conf" <<EOF
listen:
  host: 127.0.0.1
  port: $hport
error-log: $work/h2o.log
hosts:
  default:
    paths:
      /:
        file.dir: $work/www
EOF
h2o -c "$work/h2o.conf" >/dev/null 2>&1 &
pids+=($!)
sleep 0.8

wanted() { [ ${#only[@]} -eq 0 ] || [[ " ${only[*]} " == *" $1 "* ]]; }
only=("$@")
record() { # file command...
  local file=$1
  shift
  wanted "$file" || return 0
  tcpdump -i lo -s 0 -U --immediate-mode -w "$work/cap.pcap" "tcp port $port or tcp port $pport or tcp port $hport" 2>/dev/null &
  local t=$!
  pids+=("$t")
  sleep 0.5
  "$@" >/dev/null 2>&1 || echo "warning: $* failed" >&2
  sleep 0.3
  kill -INT $t
  wait $t 2>/dev/null || true
  case $file in
  *.pcapng) editcap -F pcapng "$work/cap.pcap" "$out/$file" ;;
  *) cp "$work/cap.pcap" "$out/$file" ;;
  esac
  ls -l "$out/$file"
}

base=http://127.0.0.1:$port
record sample.pcapng nghttp -n "$base/index.html" "$base/style.css" "$base/index.html?x=1"
record continuation.pcap nghttp -n --continuation "$base/style.css"
record padding.pcap nghttp -n -b 7 "http://127.0.0.1:$pport/index.html"
record flowcontrol.pcap nghttp -n -w 16 -W 16 "$base/big.bin"
record concurrent.pcap h2load -n 40 -c 2 -m 20 "$base/style.css"
if wanted midstream.pcap; then
  editcap -r "$out/flowcontrol.pcap" "$out/midstream.pcap" 15-100000
  ls -l "$out/midstream.pcap"
fi
hbase=http://127.0.0.1:$hport
record upgrade.pcap sh -c "nghttp -nu '$hbase/index.html' '$hbase/style.css' &&
  curl -s --http2 -o /dev/null '$hbase/index.html'"
record rst_stream.pcap nghttp -n -H 'te: gzip' "$base/index.html"
