#!/usr/bin/env bash
# test_hpack_cli.sh — `h2scope hpack decode|encode` end to end: RFC 7541 C.3
# and C.4 blocks decode to the exact JSON lines, errors give the error JSON and
# exit 1, encode → decode gives the input lists back, --story produces a
# story whose wires decode to its headers, and invalid UTF-8 comes out as
# \u00XX in valid JSON.
set -euo pipefail
H=${H2SCOPE:?}
shared=${H2_SHARED_DIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# RFC 7541 C.3.1-C.3.3 (no Huffman) and C.4.1-C.4.3 (Huffman): same lists.
cat >"$work/expected" <<'OUT'
{"v":1,"headers":[[":method","GET"],[":scheme","http"],[":path","/"],[":authority","www.example.com"]]}
{"v":1,"headers":[[":method","GET"],[":scheme","http"],[":path","/"],[":authority","www.example.com"],["cache-control","no-cache"]]}
{"v":1,"headers":[[":method","GET"],[":scheme","https"],[":path","/index.html"],[":authority","www.example.com"],["custom-key","custom-value"]]}
OUT
printf '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d\n\n8286 84be 5808 6e6f 2d63 6163 6865\n8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65\n' |
  "$H" hpack decode >"$work/c3"
diff -u "$work/expected" "$work/c3" || fail "C.3"
printf '828684418cf1e3c2e5f23a6ba0ab90f4ff\n828684be5886a8eb10649cbf\n828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf\n' |
  "$H" hpack decode >"$work/c4"
diff -u "$work/expected" "$work/c4" || fail "C.4"

# Errors: index 0, then a block that is fine again; exit status 1.
set +e
printf '82\n80\n' | "$H" hpack decode >"$work/err"
rc=$?
set -e
[ $rc = 1 ] || fail "index 0 must exit 1, got $rc"
[ "$(sed -n 1p "$work/err")" = '{"v":1,"headers":[[":method","GET"]]}' ] || fail "first line"
[ "$(sed -n 2p "$work/err")" = '{"v":1,"error":"HPACK index 0","offset":0,"code":"hpack-index-zero","section":"RFC 7541 §6.1"}' ] ||
  fail "index 0 error line: $(sed -n 2p "$work/err")"
set +e
printf '82\n 8 2zz\n' | "$H" hpack decode >"$work/badhex"
rc=$?
set -e
[ $rc = 1 ] || fail "bad hex must exit 1"
[ "$(sed -n 2p "$work/badhex")" = '{"v":1,"error":"not hex: unexpected character","offset":4,"code":"bad-hex","line":2}' ] ||
  fail "bad hex line: $(cat "$work/badhex")"

# '#' comments and comment-only lines; an odd digit count is named as such.
set +e
printf '# C.3.1 without the :authority\n8286 84 # :method GET, :scheme http, :path /\n  # more\n828\n' |
  "$H" hpack decode >"$work/comments"
rc=$?
set -e
[ $rc = 1 ] || fail "odd digits must exit 1"
cat >"$work/comments-expected" <<'OUT'
{"v":1,"headers":[[":method","GET"],[":scheme","http"],[":path","/"]]}
{"v":1,"error":"not hex: odd number of digits","offset":4,"code":"bad-hex","line":4}
OUT
diff -u "$work/comments-expected" "$work/comments" || fail "comments"

# Encode → decode round trip, with and without Huffman, with a table change.
cat >"$work/lists" <<'IN'
[[":method","GET"],[":path","/a?b=c"],["user-agent","h2scope-test/1.0"],["cookie","sid=0123456789abcdef0123"]]
{"v":1,"headers":[[":status","200"],["content-type","text/html; charset=utf-8"],["x-empty",""]]}
[{":method":"POST"},{"user-agent":"h2scope-test/1.0"},{"cookie":"sid=0123456789abcdef0123"}]
IN
cat >"$work/lists-expected" <<'OUT'
{"v":1,"headers":[[":method","GET"],[":path","/a?b=c"],["user-agent","h2scope-test/1.0"],["cookie","sid=0123456789abcdef0123"]]}
{"v":1,"headers":[[":status","200"],["content-type","text/html; charset=utf-8"],["x-empty",""]]}
{"v":1,"headers":[[":method","POST"],["user-agent","h2scope-test/1.0"],["cookie","sid=0123456789abcdef0123"]]}
OUT
for opts in "" "--no-huffman" "--table-size 256"; do
  # shellcheck disable=SC2086
  "$H" hpack encode $opts <"$work/lists" >"$work/hex"
  [ "$(wc -l <"$work/hex")" = 3 ] || fail "encode $opts: 3 lines expected"
  grep -qvE '^[0-9a-f]+$' "$work/hex" && fail "encode $opts: not lowercase hex"
  dopts=${opts/--no-huffman/}
  # shellcheck disable=SC2086
  "$H" hpack decode $dopts <"$work/hex" >"$work/back"
  diff -u "$work/lists-expected" "$work/back" || fail "round trip $opts"
done
# The third list reuses the dynamic table: :method POST (static 3), then
# user-agent and cookie as dynamic-table indexes 65 and 64 (after list 2
# inserted two entries).
[ "$("$H" hpack encode <"$work/lists" | sed -n 3p)" = 83c1c0 ] || fail "no dynamic table reuse"

# --story on a raw-data story: the wires decode back to the listed headers.
story=$(ls "$shared"/vectors/hpack-test-case/raw-data/story_*.json | head -1)
"$H" hpack encode --story "$story" >"$work/story.json"
python3 - "$work/story.json" "$story" "$H" <<'PY'
import json, subprocess, sys
ours, orig, h2 = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
assert ours["description"].startswith("h2scope"), ours["description"]
assert len(ours["cases"]) == len(orig["cases"])
wires = "\n".join(c["wire"] for c in ours["cases"]) + "\n"
out = subprocess.run([h2, "hpack", "decode"], input=wires.encode(), capture_output=True, check=True)
for line, case in zip(out.stdout.decode().splitlines(), orig["cases"]):
    got = json.loads(line)["headers"]
    want = [list(h.items())[0] for h in case["headers"]]
    assert [tuple(x) for x in got] == [tuple(x) for x in want], (got, want)
print("story ok:", len(orig["cases"]), "cases")
PY

# Invalid UTF-8 in a value: literal without indexing, name "x", value ff c3 28 41.
printf '000178 04ffc32841\n' | "$H" hpack decode >"$work/utf8"
[ "$(cat "$work/utf8")" = '{"v":1,"headers":[["x","\u00ff\u00c3(A"]]}' ] || fail "utf8: $(cat "$work/utf8")"
python3 -m json.tool "$work/utf8" >/dev/null || fail "not valid JSON"

# Lines that are not header lists: a message naming the line on stderr, exit 1,
# the other lines still encoded.
set +e
printf '[[":method","GET"]]\n{"x":1}\n[[\n' | "$H" hpack encode >"$work/enc" 2>"$work/enc-err"
rc=$?
set -e
[ $rc = 1 ] || fail "bad encode input must exit 1, got $rc"
[ "$(cat "$work/enc")" = 82 ] || fail "good line still encoded: $(cat "$work/enc")"
grep -qF 'line 2: expected a header list' "$work/enc-err" || fail "line 2 message"
grep -qF 'line 3: JSON error at offset 3' "$work/enc-err" || fail "line 3 message"

# Usage errors exit 2.
set +e
"$H" hpack >/dev/null 2>&1; [ $? = 2 ] || fail "no action must exit 2"
"$H" hpack decode --table-size x >/dev/null 2>&1; [ $? = 2 ] || fail "bad number must exit 2"
set -e
echo "ok"
