#!/usr/bin/env bash
# make-captures.sh — records the inspector benchmark captures on loopback:
#   headers-heavy.pcap  many small requests (h2load → nghttpd, h2c prior knowledge)
#   data-heavy.pcap     64 KiB responses
#   many-conns.pcap     the headers-heavy requests over 200 connections (read -j)
#   one-conn.pcap       the headers-heavy requests over one connection (read -j)
# into $BENCH_CAPTURES (default bench/captures/, git-ignored). Loopback only,
# bounded, kills its server on exit, warns when tcpdump dropped packets (a
# capture with drops has gaps, which h2scope reports and tshark may not).
#   HEADERS_REQUESTS (default 600000), DATA_REQUESTS (default 4800) and
#   JOBS_REQUESTS (default 300000, the last two) size them; CAPTURES (default:
#   all four names) picks which are recorded.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_CAPTURES:-$here/captures}
headers_requests=${HEADERS_REQUESTS:-600000}
data_requests=${DATA_REQUESTS:-4800}
jobs_requests=${JOBS_REQUESTS:-300000}
wanted=" ${CAPTURES:-headers-heavy data-heavy many-conns one-conn} "
mkdir -p "$out"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + RANDOM % 20000))
}

mkdir -p "$work/www"
printf 'ok\n' >"$work/www/small.txt"
head -c 65536 /dev/urandom >"$work/www/64k.bin"
port=$(free_port)
nghttpd --no-tls -d "$work/www" "$port" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  h2load -n 1 "http://127.0.0.1:$port/small.txt" >/dev/null 2>&1 && break
  sleep 0.1
done

record() { # name requests url h2load-args...
  local name=$1 n=$2 url=$3
  shift 3
  case $wanted in *" $name "*) ;; *) return 0 ;; esac
  local pcap="$out/$name.pcap"
  tcpdump -i lo -B 262144 -s 0 --immediate-mode -w "$pcap" "tcp port $port" 2>"$work/$name.tcpdump" &
  local tpid=$!
  sleep 2 # tcpdump needs a moment before it sees packets; the handshakes must be in
  h2load -n "$n" "$@" "$url" >"$work/$name.h2load" 2>&1 || {
    cat "$work/$name.h2load" >&2
    kill "$tpid"
    return 1
  }
  sleep 1
  kill -INT "$tpid"
  wait "$tpid" || true
  grep -E "requests:" "$work/$name.h2load" | head -1
  if grep -qE "[1-9][0-9]* packets? dropped by kernel" "$work/$name.tcpdump"; then
    echo "WARNING: $name: tcpdump dropped packets:" >&2
    grep dropped "$work/$name.tcpdump" >&2
  fi
  ls -l "$pcap"
}

record headers-heavy "$headers_requests" "http://127.0.0.1:$port/small.txt" -c 4 -m 16 \
  -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' \
  -H 'accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' \
  -H 'cookie: sid=0123456789abcdef; theme=dark'
record data-heavy "$data_requests" "http://127.0.0.1:$port/64k.bin" -c 2 -m 8
browser=(-H 'user-agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'
  -H 'accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
  -H 'cookie: sid=0123456789abcdef; theme=dark')
record many-conns "$jobs_requests" "http://127.0.0.1:$port/small.txt" -c 200 -m 4 "${browser[@]}"
record one-conn "$jobs_requests" "http://127.0.0.1:$port/small.txt" -c 1 -m 16 "${browser[@]}"
# the port tshark is told is HTTP/2 (run.sh), for the captures it reads
case $wanted in *" headers-heavy "* | *" data-heavy "*) echo "port=$port" >"$out/port" ;; esac
