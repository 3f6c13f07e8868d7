#!/usr/bin/env bash
# test_tlsdec_read.sh — `h2scope read --keylog` end to end on the TLS captures
# recorded by scripts/record-tls-captures.sh: for every suite of TLS 1.2 and
# 1.3 the frames (sender, type, length) equal tshark's with the same key log
# (NAME.tshark) and the h2c run of the same exchange; the close event names
# version, suite, ALPN; pcapng Decryption Secrets Blocks decrypt without
# --keylog; missing keys are reported; a missing key log file is an error.
set -euo pipefail
H=${H2SCOPE:?}
T=${H2_SOURCE_DIR:?}/corpus/captures/tls
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# "c 4 18" lines from h2scope's JSON (c2s = client: the captures have the SYN).
frames() {
  python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if "type_id" in o:
        print("c" if o["dir"] == "c2s" else "s", o["type_id"], o["length"])
'
}
sorted_by_side() { grep "^c" "$1" || true; grep "^s" "$1" || true; }

"$H" read --json "$T/h2c-same.pcap" | frames >"$work/h2c"
sorted_by_side "$work/h2c" >"$work/h2c.sides"
sorted_by_side "$T/h2c-same.tshark" >"$work/h2c.tshark"
cmp -s "$work/h2c.sides" "$work/h2c.tshark" || fail "h2c frames differ from tshark"

for name in h2-tls12-aes128gcm h2-tls12-aes256gcm h2-tls12-chacha20 \
  h2-tls13-aes128gcm h2-tls13-aes256gcm h2-tls13-chacha20; do
  "$H" read --json "$T/$name.pcap" --keylog "$T/$name.keylog" >"$work/$name.json" ||
    fail "$name: exit $?"
  frames <"$work/$name.json" >"$work/$name.frames"
  sorted_by_side "$work/$name.frames" >"$work/$name.sides"
  sorted_by_side "$T/$name.tshark" >"$work/$name.tshark"
  diff "$work/$name.sides" "$work/$name.tshark" || fail "$name: frames differ from tshark"
  cmp -s "$work/$name.sides" "$work/h2c.sides" || fail "$name: frames differ from h2c"
  grep -q '"event":"close".*"tls":{"version":"TLS 1\.[23]","suite":"TLS_[A-Z0-9_]*","alpn":"h2","sni":"","decrypted":true,"problem":null,"app_data_bytes":\[[1-9][0-9]*,[1-9][0-9]*\],"early_data":"none"}' \
    "$work/$name.json" || fail "$name: close event without TLS facts"
  if grep -q '"event":"notice"' "$work/$name.json"; then fail "$name: unexpected notice"; fi
done

# Text output: the close line says what the connection was.
"$H" read --no-color "$T/h2-tls12-chacha20.pcap" --keylog "$T/h2-tls12-chacha20.keylog" \
  >"$work/text"
grep -q "close (rst) .*, TLS 1.2 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 alpn=h2 decrypted$" "$work/text" ||
  fail "text close line"

# A handshake and nothing after it (a browser's unused preconnect): the
# captures cut after the last handshake packet (TLS 1.3: the client's
# Finished is packet 10, after a HelloRetryRequest; TLS 1.2: the server's
# Finished is packet 9). The keys opened the handshake: "decrypted, no
# application data", not "not decrypted".
if command -v editcap >/dev/null; then
  for cut in h2-tls13-aes128gcm:10:1.3 h2-tls12-aes128gcm:9:1.2; do
    IFS=: read -r name last v <<<"$cut"
    editcap -r "$T/$name.pcap" "$work/hs-only.pcap" "1-$last"
    "$H" read --no-color "$work/hs-only.pcap" --keylog "$T/$name.keylog" >"$work/hs.text"
    grep -q "close (end-of-capture) .*, TLS $v TLS_[A-Z0-9_]* alpn=h2 decrypted, no application data$" \
      "$work/hs.text" || fail "TLS $v handshake only: $(tail -1 "$work/hs.text")"
    "$H" read --json "$work/hs-only.pcap" --keylog "$T/$name.keylog" >"$work/hs.json"
    grep -q '"decrypted":true,"problem":null,"app_data_bytes":\[0,0\],"early_data":"none"}' "$work/hs.json" ||
      fail "TLS $v handshake only (JSON): $(grep '"close"' "$work/hs.json")"
    # without the keys it is not decrypted
    "$H" read --no-color "$work/hs-only.pcap" | grep " not decrypted: tls-no-keys$" >/dev/null ||
      fail "TLS $v handshake only, no keys"
  done
else
  echo "SKIP: editcap missing (handshake-only cut)"
fi

# Keys embedded in pcapng (editcap --inject-secrets): no --keylog needed.
"$H" read --json "$T/h2-tls13-dsb.pcapng" | frames >"$work/dsb.frames"
sorted_by_side "$work/dsb.frames" >"$work/dsb.sides"
cmp -s "$work/dsb.sides" "$work/h2-tls13-aes128gcm.tshark" || fail "DSB capture frames"

# --keylog repeated: the right file among others.
"$H" read --json "$T/h2-tls13-aes256gcm.pcap" --keylog "$T/h2-tls12-chacha20.keylog" \
  --keylog "$T/h2-tls13-aes256gcm.keylog" | frames | wc -l | grep -x 8 >/dev/null || fail "repeated --keylog"

# No keys: reported, the connection is still listed, nothing decoded.
"$H" read --json "$T/h2-tls13-aes128gcm.pcap" >"$work/nokeys.json"
grep -q '"event":"notice".*"kind":"tls-no-keys"' "$work/nokeys.json" || fail "no tls-no-keys notice"
grep -q '"decrypted":false,"problem":"tls-no-keys"' "$work/nokeys.json" || fail "no-keys close"
[ "$(frames <"$work/nokeys.json" | wc -l)" = 0 ] || fail "frames decoded without keys"

# A key log that does not exist is an input error (exit 3).
set +e
"$H" read "$T/h2-tls13-aes128gcm.pcap" --keylog "$work/missing.keylog" >/dev/null 2>"$work/err"
rc=$?
set -e
[ $rc = 3 ] || fail "missing key log: exit $rc"
grep -q "cannot open key log" "$work/err" || fail "missing key log message"
echo "ok"
