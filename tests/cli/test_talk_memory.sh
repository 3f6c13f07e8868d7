#!/usr/bin/env bash
# test_talk_memory.sh — bodies stream: `read --exchanges --export DIR` on a
# capture this test records of nginx (h2c) serving one large file (sparse;
# H2SCOPE_TALK_BIG sets its size: 64M by default here, 1g for the full-size
# measurement in bench/README.md) and a gzip bomb (300 MB of zeros gzipped
# twice, content-encoding "gzip, gzip"): the exported large body equals the
# file, the bomb is reported (a body-bomb event, the exchange's decoding
# "body-bomb") and not expanded past the ratio limit, and the peak RSS
# (GNU time) stays under 64 MiB (release build; under ASan, whose shadow
# memory and quarantine count too, under 64 MiB more than the same command on
# a capture of a small file). Needs root, tcpdump, nginx, curl and GNU time.
set -euo pipefail
H=${H2SCOPE:?}
src=${H2_SOURCE_DIR:?}
here=$src/tests/cli
for tool in tcpdump nginx curl; do
  command -v $tool >/dev/null || { echo "skip: needs $tool"; exit 0; }
done
if [ "$(id -u)" != 0 ] || [ ! -x /usr/bin/time ]; then
  echo "skip: needs root (packet capture) and GNU time"
  exit 0
fi
. "$here/session_peers.sh"
work=$(mktemp -d)
chmod 755 "$work"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
asan=0
if ldd "$H" 2>/dev/null | grep libasan >/dev/null; then
  asan=1
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
fi
size=${H2SCOPE_TALK_BIG:-64M}

www=$work/www
mkdir -p "$www"
truncate -s "$size" "$www/big.bin"
printf 'small\n' >"$www/small.txt"
head -c 300M /dev/zero | gzip -1 | gzip -9 >"$www/bomb"
chmod -R a+rX "$www"
port=$(free_port)
NGINX_EXTRA='location = /bomb { default_type application/octet-stream; add_header content-encoding "gzip, gzip"; }' \
  start_nginx "$www" "$port" "$work"
cap=$work/big.pcap
start_capture "$cap" "$port"
curl -s --http2-prior-knowledge -o /dev/null "http://127.0.0.1:$port/big.bin"
curl -s --http2-prior-knowledge -o /dev/null "http://127.0.0.1:$port/bomb"
stop_capture
small=$work/small.pcap
start_capture "$small" "$port"
curl -s --http2-prior-knowledge -o /dev/null "http://127.0.0.1:$port/small.txt"
stop_capture
cleanup_peers
echo "capture: $(stat -c %s "$cap") bytes"

# peak RSS in KiB of a command (GNU time)
start=$(date +%s.%N)
/usr/bin/time -f %M -o "$work/time" "$H" read "$cap" --exchanges --json --export "$work/export" \
  -j 1 >"$work/ex.json" 2>"$work/err" || fail "read: $(cat "$work/err")"
rss=$(tail -1 "$work/time")
secs=$(python3 -c "import sys,time; print('%.1f' % (time.time() - float(sys.argv[1])))" "$start")
/usr/bin/time -f %M -o "$work/time" "$H" read "$small" --exchanges --json \
  --export "$work/export-small" -j 1 >/dev/null
base=$(tail -1 "$work/time")
echo "peak RSS: $rss KiB for $size + bomb ($secs s), $base KiB for a small file"
if [ $asan = 1 ]; then
  [ "$rss" -lt $((base + 65536)) ] || fail "RSS $rss KiB: more than 64 MiB over the small capture's $base KiB"
else
  [ "$rss" -lt 65536 ] || fail "RSS $rss KiB over 64 MiB"
fi
name=$(python3 - "$work/ex.json" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    x = o.get("exchange")
    if x and x.get("path") == "/big.bin":
        print("%d-%d-response" % (x["conn"], x["stream"]))
PY
)
[ -n "$name" ] || fail "no exchange for /big.bin"
cmp "$work/export/$name" "$www/big.bin" >/dev/null || fail "exported big.bin differs"
grep '"event":"body-bomb"' "$work/ex.json" >/dev/null || fail "no body-bomb event"
python3 - "$work/ex.json" <<'PY' || fail "bomb"
import json, sys
for line in open(sys.argv[1]):
    x = json.loads(line).get("exchange")
    if x and x.get("path") == "/bomb":
        r = x["response"]
        assert r["decoding"] == "body-bomb", r
        assert r["decoded"] <= 1000 * r["wire"] + (1 << 20) + 65536, r
        print("ok: bomb stopped at %d decoded bytes from %d on the wire" % (r["decoded"], r["wire"]))
        break
else:
    sys.exit("no /bomb exchange")
PY
echo ok
