#!/usr/bin/env bash
# test_read_files.sh — several capture files read as one capture: every
# bundled capture (and the TLS ones with their key logs, or the secrets in
# the pcapng) cut into files of 3 packets by editcap -c 3 gives, read as a
# directory and as files named in shuffled order, byte for byte the output of
# the whole capture in text, --json and --lint modes (connections, TCP
# reassembly, HPACK and TLS state carry across the files), but for the packet
# numbers, which count per file as Wireshark shows each file and name the
# file (pkt_per_file.py turns the whole capture's into those). A set with a
# middle file removed reports the gap and names the files around it; a file
# that is not a capture among the named ones is refused; a directory's
# non-capture files (key logs) are skipped.
set -euo pipefail
H=${H2SCOPE:?}
src=${H2_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
caps=$src/corpus/captures
if ! command -v editcap >/dev/null; then
  echo "FAIL: needs editcap (wireshark-common, scripts/install-deps.sh)"
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# same LABEL WHOLE SET_ARGS... (after --): output and exit status equal
same() {
  local label=$1 whole=$2 rc1=0 rc2=0 mode
  shift 2
  for mode in "" --json --lint; do
    "$H" read $mode "$@" "$whole" 2>&1 | python3 "$src/tests/cli/pkt_per_file.py" 3 \
      >"$work/whole.out" || rc1=${PIPESTATUS[0]}
    # the set replaces the whole capture in the argument list
    "$H" read $mode "${opts[@]}" "${set[@]}" >"$work/set.out" 2>&1 || rc2=$?
    cmp -s "$work/whole.out" "$work/set.out" ||
      fail "$label ${mode:-text}: the set differs from the whole: $(diff "$work/whole.out" "$work/set.out" | head -20)"
    [ "$rc1" = "$rc2" ] || fail "$label ${mode:-text}: exit $rc1 vs $rc2"
  done
}

n=0
for cap in "$caps"/*.pcap "$caps"/*.pcapng "$caps"/tls/*.pcap "$caps"/tls/*.pcapng; do
  [ -f "$cap" ] || continue
  base=$(basename "$cap")
  stem=${base%.*}
  ext=${base##*.}
  dir=$work/$stem
  mkdir "$dir"
  if ! editcap -c 3 "$cap" "$dir/part.$ext" 2>"$work/editcap.err"; then
    # editcap 4.0 cannot write a pcapng with Decryption Secrets Blocks again
    case $base in *-dsb.pcapng) echo "note: editcap cannot split $base"; continue ;; esac
    fail "editcap -c 3 $base: $(cat "$work/editcap.err")"
  fi
  files=$(find "$dir" -type f | wc -l)
  opts=()
  keylog=${cap%.*}.keylog
  [ -f "$keylog" ] && opts=(--keylog "$keylog")
  # as a directory
  set=("$dir")
  same "$base (directory of $files files)" "$cap" "${opts[@]}"
  # as files, shuffled
  mapfile -t set < <(find "$dir" -type f | shuf)
  same "$base ($files files, shuffled)" "$cap" "${opts[@]}"
  n=$((n + 1))
done
[ "$n" -ge 8 ] || fail "only $n captures found in $caps"
echo "ok: $n captures read as sets of 3-packet files equal the whole (text, --json, --lint)"

# The summary says how many files made the capture.
"$H" read -q --summary "$work/concurrent" >"$work/sum.out"
nf=$(find "$work/concurrent" -type f | wc -l)
grep -q "^files: $nf, read as one capture$" "$work/sum.out" || fail "no files line: $(cat "$work/sum.out")"
"$H" read -q --summary --json "$work/concurrent" >"$work/sum.json"
grep -q "\"files\":${nf}[,}]" "$work/sum.json" || fail "no files key in the JSON summary"
if python3 -c 'import jsonschema' 2>/dev/null; then
  python3 "$src/tests/cli/validate_json.py" "$src/docs/schema/v1" read.schema.json --min 3 \
    <"$work/sum.json" || fail "the summary of a set does not validate"
fi

# A middle file missing: the gap is reported and the files around it named.
mid=$(find "$work/concurrent" -type f | sort | sed -n 3p)
rm "$mid"
"$H" read "$work/concurrent" >"$work/gap.out"
grep -q ' gap .* were not captured' "$work/gap.out" || fail "no gap without $mid"
grep -qE 'notice .* bytes missing at offset [0-9]+ between files .*/part_0000[0-2]_[^ ]* and .*/part_0000[3-9]_[^ ]* \(a file of the set may be missing\)' \
  "$work/gap.out" || fail "no file-gap notice: $(grep -E 'gap|notice' "$work/gap.out")"
"$H" read --json "$work/concurrent" >"$work/gap.json"
grep -q '"kind":"file-gap"' "$work/gap.json" || fail "no file-gap kind in JSON"
if python3 -c 'import jsonschema' 2>/dev/null; then
  python3 "$src/tests/cli/validate_json.py" "$src/docs/schema/v1" read.schema.json --min 10 \
    <"$work/gap.json" || fail "the output of a set with a gap does not validate"
fi
echo "ok: a missing middle file is a gap naming the files around it"

# A directory's other files are skipped; a named non-capture is refused.
cp "$caps/tls/h2-tls12-chacha20.keylog" "$work/concurrent/keys.log"
"$H" read "$work/concurrent" >"$work/skip.out" || fail "a key log in the directory was not skipped"
cmp -s "$work/gap.out" "$work/skip.out" || fail "the key log changed the output"
set +e
"$H" read "$work/concurrent"/part_* "$work/concurrent/keys.log" >"$work/bad.out" 2>"$work/bad.err"
rc=$?
set -e
[ $rc = 3 ] || fail "a named non-capture gave exit $rc"
grep -q "keys.log" "$work/bad.err" || fail "the refused file is not named: $(cat "$work/bad.err")"
mkdir "$work/empty"
set +e
"$H" read "$work/empty" 2>"$work/empty.err"
rc=$?
set -e
{ [ $rc = 3 ] && grep -q "no capture files" "$work/empty.err"; } || fail "empty directory: exit $rc $(cat "$work/empty.err")"
echo "ok: non-captures skipped in a directory, refused by name"

# Files recorded at the same time are not a rotating set: said, not merged.
cp "$caps/concurrent.pcap" "$work/copy.pcap"
"$H" read --json "$caps/concurrent.pcap" "$work/copy.pcap" >"$work/two.out"
grep -q '"kind":"file-overlap"' "$work/two.out" || fail "no file-overlap notice"
echo "ok: overlapping files are reported"
