#!/usr/bin/env bash
# test_filter_tshark.sh — `read -T fields -e stream -e type -e length` prints
# what tshark's `-T fields -e http2.streamid -e http2.type -e http2.length`
# prints, per connection and direction, on every bundled capture
# (compare_fields_tshark.py).
set -euo pipefail
H=${H2SCOPE:?}
C=${H2_SOURCE_DIR:?}/corpus/captures
here=$(cd "$(dirname "$0")" && pwd)
command -v tshark >/dev/null || { echo "tshark is not installed" >&2; exit 1; }
n=0
for f in "$C"/*.pcap "$C"/*.pcapng; do
  [ -e "$f" ] || continue
  out=$(python3 "$here/compare_fields_tshark.py" "$H" "$f" 2>&1 | grep -v "Running as user") ||
    { echo "$out" >&2; echo "FAIL: -T fields and tshark disagree on $f" >&2; exit 1; }
  echo "$out"
  n=$((n + 1))
done
[ "$n" -ge 8 ] || { echo "FAIL: only $n captures found" >&2; exit 1; }
echo ok
