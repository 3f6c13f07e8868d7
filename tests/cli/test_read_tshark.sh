#!/usr/bin/env bash
# test_read_tshark.sh — `h2scope read --json` agrees with Wireshark's HTTP/2
# dissector on every recorded capture in corpus/captures/: per connection
# (tshark's tcp.stream) and direction, the sequence of (stream, type, flags,
# length) frames, the decoded header lists and each frame's packet number
# (tshark's frame.number of the packet where the frame ends) are equal
# (compare_tshark.py); the TLS captures of corpus/captures/tls/ too, both
# decrypting with the capture's key log.
set -euo pipefail
H=${H2SCOPE:?}
C=${H2_SOURCE_DIR:?}/corpus/captures
here=$(cd "$(dirname "$0")" && pwd)
command -v tshark >/dev/null || { echo "tshark is not installed" >&2; exit 1; }
n=0
for f in "$C"/*.pcap "$C"/*.pcapng; do
  [ -e "$f" ] || continue
  out=$(python3 "$here/compare_tshark.py" "$H" "$f" 2>&1 | grep -v "Running as user") ||
    { echo "$out" >&2; echo "FAIL: tshark disagrees on $f" >&2; exit 1; }
  echo "$out"
  n=$((n + 1))
done
[ "$n" -ge 8 ] || { echo "FAIL: only $n captures found" >&2; exit 1; }
t=0
for k in "$C"/tls/*.keylog; do
  [ -e "$k" ] || continue
  f=${k%.keylog}.pcap
  out=$(python3 "$here/compare_tshark.py" "$H" "$f" --keylog "$k" 2>&1 | grep -v "Running as user") ||
    { echo "$out" >&2; echo "FAIL: tshark disagrees on $f" >&2; exit 1; }
  echo "$out"
  t=$((t + 1))
done
[ "$t" -ge 6 ] || { echo "FAIL: only $t TLS captures found" >&2; exit 1; }
echo ok
