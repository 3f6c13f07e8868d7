#!/usr/bin/env bash
# test_lint_memory.sh — memory of `h2scope read --lint` stays bounded with
# many streams on one connection: synthetic captures (written here) with 1000
# and 100000 streams, once completed (request and response, each stream closed)
# and once only opened (never closed); the peak RSS (GNU time) of the large
# capture may exceed the small one's by a bounded amount only. Findings are
# checked too: none for the completed streams, excessive-streams (a warning:
# no limit announced) for the open ones. Then HPACK bombs: 200 blocks of 16 KB
# that each decode to 64 MB take no more memory than one (read -q, and read
# --lint, which measures each and reports one hpack-bomb).
set -euo pipefail
H=${H2SCOPE:?}
if [ ! -x /usr/bin/time ]; then
  echo "skip: needs GNU time (/usr/bin/time)"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# h2pcap.py: one client/server connection on 10.0.0.1:41000 -> 10.0.0.2:8080
# in a pcap (TCP handshake, prefaces and SETTINGS exchanged); packet() and
# h2frame() add to it. Shared by gen.py and bomb.py.
cat >"$work/h2pcap.py" <<'PY'
import struct, sys
out = sys.argv[1]
f = open(out, "wb")
f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
seq = [1000, 9000]
ts = [1700000000.0]
def packet(side, flags, payload=b""):
    src, dst = (b"\x0a\x00\x00\x01", b"\x0a\x00\x00\x02") if side == 0 else (b"\x0a\x00\x00\x02", b"\x0a\x00\x00\x01")
    sp, dp = (41000, 8080) if side == 0 else (8080, 41000)
    tcp = struct.pack(">HHIIBBHHH", sp, dp, seq[side], seq[1 - side], 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0, src, dst)
    frame = b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + tcp + payload
    t = ts[0]
    f.write(struct.pack("<IIII", int(t), int((t - int(t)) * 1e6), len(frame), len(frame)))
    f.write(frame)
    ts[0] += 0.00001
    seq[side] = (seq[side] + len(payload) + (1 if flags & 0x03 else 0)) & 0xffffffff
def h2frame(t, fl, sid, p):
    return struct.pack(">I", len(p))[1:] + bytes([t, fl]) + struct.pack(">I", sid) + p
seq[0] -= 1; packet(0, 0x02); seq[1] -= 1; packet(1, 0x12); packet(0, 0x10)
packet(0, 0x18, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + h2frame(4, 0, 0, b""))
packet(1, 0x18, h2frame(4, 0, 0, b"") + h2frame(4, 1, 0, b""))
packet(0, 0x18, h2frame(4, 1, 0, b""))
PY

# gen.py OUT STREAMS MODE (closed|open)
cat >"$work/gen.py" <<'PY'
import struct, sys
out, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
from h2pcap import *
req = bytes([0x82, 0x86, 0x84, 0x01, 0x03]) + b"a.b"
cbuf, sbuf = [], []
for i in range(n):
    sid = 1 + 2 * i
    cbuf.append(h2frame(1, 0x5, sid, req))
    if mode == "closed":
        sbuf.append(h2frame(1, 0x5, sid, b"\x88"))
    if len(cbuf) == 200 or i == n - 1:
        packet(0, 0x18, b"".join(cbuf)); cbuf = []
        if sbuf:
            packet(1, 0x18, b"".join(sbuf)); sbuf = []
packet(0, 0x11); packet(1, 0x11)
f.close()
PY

rss() { # rss CAPTURE -> peak RSS in KiB; output in $work/out
  /usr/bin/time -f '%M' -o "$work/rss" "$H" read --lint --json "$1" >"$work/out" || true
  tail -n 1 "$work/rss"
}

for mode in closed open; do
  python3 "$work/gen.py" "$work/small.pcap" 1000 "$mode"
  python3 "$work/gen.py" "$work/large.pcap" 100000 "$mode"
  small=$(rss "$work/small.pcap")
  large=$(rss "$work/large.pcap")
  if [ "$mode" = closed ]; then
    [ ! -s "$work/out" ] || fail "closed streams: findings $(head -c 2000 "$work/out")"
  else
    [ "$(cut -d, -f2 "$work/out")" = '"lint":"excessive-streams"' ] ||
      fail "open streams: $(head -c 2000 "$work/out")"
    grep -q '"severity":"warning"' "$work/out" || fail "open streams: $(cat "$work/out")"
  fi
  echo "$mode: 1000 streams ${small} KiB, 100000 streams ${large} KiB"
  # 100x the streams: at most 48 MiB more (ASan's shadow and quarantine included).
  [ $((large - small)) -lt $((48 * 1024)) ] || fail "$mode: peak RSS grew by $((large - small)) KiB"
done

# HPACK bombs: one 4 KB table entry referred to 16000 times per block
# (about 64 MB each as RFC 9113 §6.5.2 counts it). The decoder measures
# past its 256 KiB limit without expanding: 200 bombs take no more memory
# than one, with read and with read --lint (which reports one hpack-bomb).
cat >"$work/bomb.py" <<'PY'
import struct, sys
out, bombs = sys.argv[1], int(sys.argv[2])
from h2pcap import *
req = bytes([0x82, 0x86, 0x84, 0x01, 0x03]) + b"a.b"
big = req + b"\x40\x05x-big\x7f" + bytes([0x80 | (3873 & 0x7f), 3873 >> 7]) + b"b" * 4000
packet(0, 0x18, h2frame(1, 0x5, 1, big))
packet(1, 0x18, h2frame(1, 0x5, 1, b"\x88"))
for i in range(bombs):
    packet(0, 0x18, h2frame(1, 0x5, 3 + 2 * i, req + b"\xbe" * 16000))
    packet(1, 0x18, h2frame(1, 0x5, 3 + 2 * i, b"\x88"))
packet(0, 0x11); packet(1, 0x11)
f.close()
PY
python3 "$work/bomb.py" "$work/bomb1.pcap" 1
python3 "$work/bomb.py" "$work/bomb200.pcap" 200
for args in "-q" "--lint --json"; do
  # shellcheck disable=SC2086 # the options are words
  /usr/bin/time -f '%M' -o "$work/rss" "$H" read $args "$work/bomb1.pcap" >"$work/out" || true
  small=$(tail -n 1 "$work/rss")
  # shellcheck disable=SC2086
  /usr/bin/time -f '%M' -o "$work/rss" "$H" read $args "$work/bomb200.pcap" >"$work/out" || true
  large=$(tail -n 1 "$work/rss")
  echo "bombs, read $args: 1 bomb ${small} KiB, 200 bombs ${large} KiB"
  [ $((large - small)) -lt $((16 * 1024)) ] || fail "bombs $args: peak RSS grew by $((large - small)) KiB"
done
[ "$(grep -c '"lint":"hpack-bomb"' "$work/out")" = 1 ] || fail "bombs: $(head -c 2000 "$work/out")"
grep -q '"message":"a header block of 16008 octets on the wire decodes to 64592168 octets' "$work/out" ||
  fail "bombs: $(head -c 2000 "$work/out")"
echo ok
