#!/usr/bin/env bash
# test_read_roles_secrets.sh — what travels up from the capture as data:
# - the client/server roles: a TLS capture whose handshake packets were lost
#   and whose server has the higher port (so the capture guesses the server
#   for the client, capture_flow_opener() unknown) decodes as the same
#   connection with its handshake: the TLS layer names the client (the
#   ClientHello's sender), read takes it, every frame is on the right side,
#   and -j 2 prints the same;
# - pcapng Decryption Secrets Blocks: the keys a capture file carries reach
#   the TLS layer while the file is read, so a pcapng with injected secrets
#   decodes without --keylog, from a file, from stdin, and with -j 2.
set -euo pipefail
H=${H2SCOPE:?}
T=${H2_SOURCE_DIR:?}/corpus/captures/tls
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The capture without its SYN and SYN-ACK, the server's port moved to 65000.
python3 - "$T/h2-tls13-aes128gcm.pcap" "$work/nosyn.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
out, off, server = [d[:24]], 24, None
while off + 16 <= len(d):
    s1, s2, incl, orig = struct.unpack('<IIII', d[off:off + 16])
    p = bytearray(d[off + 16:off + 16 + incl])
    off += 16 + incl
    tcp = 14 + (p[14] & 15) * 4  # Ethernet, IPv4
    flags = p[tcp + 13]
    if flags & 2:  # SYN or SYN-ACK: dropped
        if server is None:
            server = struct.unpack('!H', p[tcp + 2:tcp + 4])[0]
        continue
    for at in (tcp, tcp + 2):
        if struct.unpack('!H', p[at:at + 2])[0] == server:
            p[at:at + 2] = struct.pack('!H', 65000)
    out.append(struct.pack('<IIII', s1, s2, len(p), len(p)) + bytes(p))
open(sys.argv[2], 'wb').write(b''.join(out))
PY

key=(--keylog "$T/h2-tls13-aes128gcm.keylog")
"$H" read --no-color "${key[@]}" "$work/nosyn.pcap" >"$work/nosyn.txt"
head -1 "$work/nosyn.txt" | grep -F "connection 127.0.0.1:65000 -> 127.0.0.1:60294 (handshake not captured)" >/dev/null ||
  fail "the capture's guess: $(head -1 "$work/nosyn.txt")"
grep -F "127.0.0.1:60294 -> 127.0.0.1:65000 preface (24 bytes)" "$work/nosyn.txt" >/dev/null ||
  fail "the preface is not the client's: $(sed -n 2,4p "$work/nosyn.txt")"
if grep -E "unexpected-preface|bad-preface" "$work/nosyn.txt" >&2; then fail "roles mixed up"; fi
tail -1 "$work/nosyn.txt" | grep -F "127.0.0.1:60294 -> 127.0.0.1:65000 close (rst) 1008+1844 bytes, 4+4 frames, 0 gaps, TLS 1.3 TLS_AES_128_GCM_SHA256 alpn=h2 decrypted" >/dev/null ||
  fail "close: $(tail -1 "$work/nosyn.txt")"
# the same frames, each on the same side, as with the handshake
side_frames() { grep -oE '(c2s|s2c)","offset":[0-9]+,"stream":[0-9]+,"type":"[A-Z_]+"' || true; }
"$H" read --json "${key[@]}" "$work/nosyn.pcap" | side_frames >"$work/nosyn.frames"
"$H" read --json "${key[@]}" "$T/h2-tls13-aes128gcm.pcap" | side_frames >"$work/syn.frames"
[ -s "$work/syn.frames" ] || fail "no frames in the original capture"
diff "$work/syn.frames" "$work/nosyn.frames" >&2 || fail "frames differ without the handshake"
"$H" read -q --summary "${key[@]}" "$work/nosyn.pcap" | grep -F "127.0.0.1:60294 -> 127.0.0.1:65000" >/dev/null ||
  fail "summary row: client first"
for mode in "" "--json" "--lint" "-q --summary"; do
  read -r -a o <<<"$mode"
  cmp -s <("$H" read -j 1 "${o[@]}" "${key[@]}" "$work/nosyn.pcap") \
    <("$H" read -j 2 "${o[@]}" "${key[@]}" "$work/nosyn.pcap") || fail "-j 2 differs ($mode)"
done

# Secrets in the file: the bundled pcapng (editcap --inject-secrets), read
# without --keylog from the file and from stdin.
dsb=$T/h2-tls13-dsb.pcapng
"$H" read --no-color "$dsb" | tail -1 | grep -E ", 4\+4 frames, .* alpn=h2 decrypted$" >/dev/null ||
  fail "DSB capture from the file"
"$H" read --no-color - <"$dsb" | tail -1 | grep -E ", 4\+4 frames, .* alpn=h2 decrypted$" >/dev/null ||
  fail "DSB capture from stdin"
cmp -s <("$H" read -j 1 --json "$dsb") <("$H" read -j 2 --json "$dsb") || fail "DSB: -j 2 differs"
# Secrets injected into other captures (TLS 1.2 and 1.3):
# the same output as with --keylog.
if command -v editcap >/dev/null; then
  for name in h2-tls12-chacha20 h2-tls13-aes256gcm; do
    editcap -F pcapng --inject-secrets "tls,$T/$name.keylog" "$T/$name.pcap" "$work/$name.pcapng"
    cmp -s <("$H" read --json "$work/$name.pcapng") \
      <("$H" read --json --keylog "$T/$name.keylog" "$work/$name.pcapng") ||
      fail "$name: injected secrets decode differently from --keylog"
    "$H" read --no-color "$work/$name.pcapng" | tail -1 | grep -E " decrypted$" >/dev/null ||
      fail "$name: injected secrets not used"
  done
else
  echo "SKIP: editcap missing (secrets injected here)"
fi
echo "roles and secrets: ok"
