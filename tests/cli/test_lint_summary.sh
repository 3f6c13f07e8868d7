#!/usr/bin/env bash
# test_lint_summary.sh — what `h2scope read --lint` says when there is little
# to say, and how --summary tells capture loss from protocol errors, on
# synthetic captures written here: a clean exchange ("no findings (1 HTTP/2
# connection, N frames)" instead of nothing; nothing at all with -q), a file
# of link type 147 (its notice reaches stderr with -q and with --lint: "0
# connections" alone would read as "nothing wrong"), and an exchange whose
# server direction lost a segment in the middle of a DATA frame (the gap, the
# cut frame and the resynchronisation are capture loss: `lost`, not `errors`,
# next to the lint verdict, in text and JSON).
set -euo pipefail
H=${H2SCOPE:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# gen.py OUT KIND (clean|linktype|loss)
cat >"$work/gen.py" <<'PY'
import struct, sys
out, kind = sys.argv[1], sys.argv[2]
f = open(out, "wb")
f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 147 if kind == "linktype" else 1))
seq = [1000, 9000]
ts = [1700000000.0]
def packet(side, flags, payload=b"", skip=0):
    src, dst = (b"\x0a\x00\x00\x01", b"\x0a\x00\x00\x02") if side == 0 else (b"\x0a\x00\x00\x02", b"\x0a\x00\x00\x01")
    sp, dp = (41000, 8080) if side == 0 else (8080, 41000)
    seq[side] = (seq[side] + skip) & 0xffffffff  # bytes the capture never saw
    tcp = struct.pack(">HHIIBBHHH", sp, dp, seq[side], seq[1 - side], 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0, src, dst)
    frame = b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + tcp + payload
    t = ts[0]
    f.write(struct.pack("<IIII", int(t), int(round((t - int(t)) * 1e6)) % 1000000, len(frame), len(frame)))
    f.write(frame)
    ts[0] += 0.001
    seq[side] = (seq[side] + len(payload) + (1 if flags & 0x03 else 0)) & 0xffffffff
def h2(t, fl, sid, p):
    return struct.pack(">I", len(p))[1:] + bytes([t, fl]) + struct.pack(">I", sid) + p
seq[0] -= 1; packet(0, 0x02); seq[1] -= 1; packet(1, 0x12); packet(0, 0x10)
packet(0, 0x18, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + h2(4, 0, 0, b""))
packet(1, 0x18, h2(4, 0, 0, b"") + h2(4, 1, 0, b""))
packet(0, 0x18, h2(4, 1, 0, b""))
req = bytes([0x82, 0x86, 0x84, 0x01, 0x03]) + b"a.b"
packet(0, 0x18, h2(1, 0x5, 1, req))
if kind == "loss":
    data = h2(0, 0, 1, b"d" * 100)
    # The server's HEADERS and half of a DATA frame; the other half is lost;
    # then whole DATA frames the decoder finds its way back to.
    packet(1, 0x18, h2(1, 0x4, 1, b"\x88") + data[:59])
    packet(1, 0x18, b"".join(h2(0, 0, 1, b"e" * 50) for _ in range(6)) + h2(0, 1, 1, b""),
           skip=len(data) - 59)
else:
    packet(1, 0x18, h2(1, 0x5, 1, b"\x88"))
packet(0, 0x11); packet(1, 0x11)
f.close()
PY
for k in clean linktype loss; do python3 "$work/gen.py" "$work/$k.pcap" "$k"; done

# A clean run says so, and on what; -q keeps it quiet.
"$H" read --lint "$work/clean.pcap" >"$work/out" 2>"$work/err" || fail "clean: exit $?"
[ "$(cat "$work/out")" = "no findings (1 HTTP/2 connection, 6 frames)" ] || fail "clean: $(cat "$work/out")"
[ ! -s "$work/err" ] || fail "clean: stderr $(cat "$work/err")"
"$H" read --lint -q "$work/clean.pcap" >"$work/out" 2>&1 || fail "clean -q: exit $?"
[ ! -s "$work/out" ] || fail "clean -q: $(cat "$work/out")"
"$H" read --lint --json "$work/clean.pcap" >"$work/out" || fail "clean --json: exit $?"
[ ! -s "$work/out" ] || fail "clean --json: $(cat "$work/out")"

# An unsupported link type: nothing was analysed, and stderr says why.
for args in "-q" "--lint" "--lint -q" "--lint --json"; do
  # shellcheck disable=SC2086 # the options are words
  "$H" read $args "$work/linktype.pcap" >"$work/out" 2>"$work/err" || fail "linktype $args: exit $?"
  grep -q '^h2scope read: notice: link type 147 is not supported' "$work/err" ||
    fail "linktype $args: stderr '$(cat "$work/err")', stdout '$(cat "$work/out")'"
done
"$H" read --lint "$work/linktype.pcap" 2>/dev/null >"$work/out"
[ "$(cat "$work/out")" = "no findings (0 HTTP/2 connections, 0 frames)" ] || fail "linktype: $(cat "$work/out")"
# Without -q the notice is part of the output as before, not repeated on stderr.
"$H" read "$work/linktype.pcap" >"$work/out" 2>"$work/err"
grep -q 'link type 147 is not supported' "$work/out" || fail "linktype: $(cat "$work/out")"
[ ! -s "$work/err" ] || fail "linktype: stderr $(cat "$work/err")"

# Capture loss is not a protocol error.
"$H" read --lint --summary "$work/loss.pcap" >"$work/out" || fail "loss: exit $?"
row=$(grep '^   1  ' "$work/out") || fail "loss: no row: $(cat "$work/out")"
# columns: ... errors lost  frames-by-type ... lint ...
read -r -a f <<<"${row#*preface}"
if [ "${f[3]}" != 0 ] || [ "${f[4]}" != 3 ]; then fail "loss: errors ${f[3]}, lost ${f[4]}: $row"; fi
grep -q '^total: .*, 0 protocol errors$' "$work/out" || fail "loss: $(cat "$work/out")"
grep -q '^capture loss: 1 gaps (50 bytes), 1 resyncs, 1 cut-off frames, 0 truncated packets$' \
  "$work/out" || fail "loss: $(cat "$work/out")"
grep -q '^lint: pass (0 errors, 0 warnings, 0 info)$' "$work/out" || fail "loss: $(cat "$work/out")"
"$H" read --lint --summary --json "$work/loss.pcap" >"$work/out" || fail "loss --json: exit $?"
for kind in connection total; do
  grep -q "\"summary\":\"$kind\",.*\"errors\":0,\"gaps\":1,\"lost\":{\"gaps\":1,\"resyncs\":1,\"truncated\":1}," \
    "$work/out" || fail "loss --json $kind: $(cat "$work/out")"
done
echo ok
