#!/usr/bin/env bash
# test_read_jobs.sh — `read -j N` on a capture with many interleaved
# connections (every bundled capture, four times over, shifted in time so
# that they overlap, merged with mergecap; TLS ones decrypted with their key
# logs): text, --json, --hpack, --data, --lint, --summary (text and JSON),
# --conn, --har and --sarif are byte-identical to -j 1, for 2, 3 and 4
# workers; -j takes 1..64.
set -euo pipefail
H=${H2SCOPE:?}
S=${H2_SOURCE_DIR:?}
for tool in editcap mergecap capinfos; do
  command -v $tool >/dev/null || { echo "FAIL: $tool (wireshark-common) is needed" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$S/corpus/captures"
parts=()
i=0
for round in 0 1 2 3; do
  for f in *.pcap tls/*.pcap; do
    first=$(capinfos -a -S "$f" | awk '/First packet time/ {print $NF}')
    # copy i starts at 1000 s + round s + i * 0.2 ms: the connections overlap
    shift=$(awk -v a="$first" -v r="$round" -v i="$i" 'BEGIN {printf "%.6f", 1000 + r + i * 0.0002 - a}')
    editcap -F pcap -t "$shift" "$f" "$work/part$i.pcap"
    parts+=("$work/part$i.pcap")
    i=$((i + 1))
  done
done
mergecap -F pcap -w "$work/many.pcap" "${parts[@]}"
keys=()
for k in tls/*.keylog; do keys+=(--keylog "$k"); done
conns=$("$H" read -q --summary --json "${keys[@]}" "$work/many.pcap" | grep -c '"conn"' || true)
[ "$conns" -ge 40 ] || { echo "FAIL: only $conns connections in the merged capture" >&2; exit 1; }
modes=("" "--json" "--hpack" "--data hex" "--lint" "--lint --json" "-q --summary"
  "-q --summary --json" "--lint --summary" "--conn 17" "--abs-time")
for m in "${modes[@]}"; do
  read -r -a opts <<<"$m"
  rc1=0
  "$H" read -j 1 "${opts[@]}" "${keys[@]}" "$work/many.pcap" >"$work/one" 2>&1 || rc1=$?
  [ -s "$work/one" ] || { echo "FAIL: no output for '$m'" >&2; exit 1; }
  for j in 2 3 4; do
    rc=0
    "$H" read -j "$j" "${opts[@]}" "${keys[@]}" "$work/many.pcap" >"$work/par" 2>&1 || rc=$?
    if [ "$rc" != "$rc1" ] || ! cmp -s "$work/one" "$work/par"; then
      diff "$work/one" "$work/par" | head -20 >&2
      echo "FAIL: read -j $j $m differs from -j 1 (exit $rc vs $rc1)" >&2
      exit 1
    fi
  done
  echo "same with -j 2/3/4: ${m:-text} ($(wc -l <"$work/one") lines)"
done
# A capture cut short: the notice (stderr with -q) and what came before it.
head -c 30000 "$work/many.pcap" >"$work/cut.pcap"
for m in "-q" "" "--json" "--max-connections 3"; do
  read -r -a opts <<<"$m"
  "$H" read -j 1 "${opts[@]}" "$work/cut.pcap" >"$work/one" 2>&1
  "$H" read -j 2 "${opts[@]}" "$work/cut.pcap" >"$work/par" 2>&1
  cmp "$work/one" "$work/par" || { echo "FAIL: cut capture, read -j 2 $m differs" >&2; exit 1; }
done
grep -q "truncated dump file" "$work/one" || { echo "FAIL: no truncation notice" >&2; exit 1; }
echo "same with -j 2: a capture cut short"
for j in 1 4; do
  "$H" read -j "$j" -q --har "$work/har$j" "${keys[@]}" "$work/many.pcap"
  "$H" read -j "$j" -q --sarif "$work/sarif$j" "${keys[@]}" "$work/many.pcap" >/dev/null || true
done
cmp "$work/har1" "$work/har4"
cmp "$work/sarif1" "$work/sarif4"
echo "same with -j 4: --har, --sarif"
for bad in 0 65 x; do
  rc=0
  "$H" read -j "$bad" "$work/many.pcap" >/dev/null 2>&1 || rc=$?
  [ "$rc" = 2 ] || { echo "FAIL: -j $bad: exit $rc, want 2 (usage)" >&2; exit 1; }
done
"$H" read --jobs 2 -q --summary "$work/many.pcap" >/dev/null
echo "read -j: ok"
