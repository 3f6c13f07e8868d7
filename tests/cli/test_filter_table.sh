#!/usr/bin/env bash
# test_filter_table.sh — `read -Y` against the bundled captures (corpus/captures/,
# whose frames tests/golden/*.txt list): each row is a capture, extra options, an
# expression and the exact frames, events or findings it selects, as
# conn/dir/offset (a frame), conn/event (an event) or lint:conn/dir/stream/id (a
# finding), in output order. Then the errors of bad filters as the user sees them
# (message, echoed expression, caret), -T fields and -E, -r, --har selection and
# the --summary count (docs/filters.md). Columns are separated by '#'.
set -euo pipefail
H=${H2SCOPE:?}
C=${H2_SOURCE_DIR:?}/corpus/captures
command -v jq >/dev/null || { echo "test_filter_table: jq is needed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$C"
fail=0

keys() { # CAPTURE OPTS EXPR
  local o
  read -r -a o <<<"$2"
  local rc=0
  "$H" read "$1" --json -j 1 "${o[@]}" -Y "$3" >"$work/keys" || rc=$?
  # --lint exits 1 on an error finding (shown or not).
  [ "$rc" = 0 ] || [ "$rc" = 1 ] || { echo "exit $rc"; return; }
  jq -r 'if .lint then "lint:\(.conn)/\(.dir)/\(.stream)/\(.lint)"
           elif .type then "\(.conn)/\(.dir)/\(.offset)"
           elif .event then "\(.conn)/\(.event)" else "?" end' "$work/keys" | tr '\n' ' ' | sed 's/ $//'
}

rows=0
while IFS='#' read -r cap opts expr want; do
  [ -n "$cap" ] || continue
  rows=$((rows + 1))
  got=$(keys "$cap" "$opts" "$expr")
  if [ "$got" != "$want" ]; then
    echo "FAIL: $cap $opts -Y '$expr'"
    echo "  want: $want"
    echo "  got:  $got"
    fail=1
  fi
done <<'TABLE'
rst_stream.pcap##type == RST_STREAM#1/s2c/24
rst_stream.pcap##error == PROTOCOL_ERROR#1/s2c/24
rst_stream.pcap##error == 0#1/c2s/180
rst_stream.pcap##error#1/s2c/24 1/c2s/180
rst_stream.pcap##type == GOAWAY and error == NO_ERROR#1/c2s/180
rst_stream.pcap##stream == 13#1/c2s/115 1/s2c/24
rst_stream.pcap##stream >= 9 and stream <= 11#1/c2s/87 1/c2s/101
rst_stream.pcap##type == PRIORITY && stream != 3 && stream != 5#1/c2s/73 1/c2s/87 1/c2s/101
rst_stream.pcap##event == close#1/close
rst_stream.pcap##event == "connection" or event == preface#1/connection 1/preface
rst_stream.pcap##not frame#1/connection 1/detect 1/preface 1/close
rst_stream.pcap#--lint#lint == "connection-specific-field"#lint:1/c2s/13/connection-specific-field
rst_stream.pcap#--lint#lint == "reset-flood"#
rst_stream.pcap#--lint#severity == error and stream == 13 and dir == c2s#lint:1/c2s/13/connection-specific-field
rst_stream.pcap##header["user-agent"] contains "nghttp2"#1/c2s/115
rst_stream.pcap##header["te"]#1/c2s/115
rst_stream.pcap##settings.max_concurrent_streams == 100#1/s2c/0 1/c2s/24
rst_stream.pcap##settings.initial_window_size#1/c2s/24
rst_stream.pcap##flags.ack#1/c2s/171 1/s2c/15
rst_stream.pcap##type == SETTINGS and not flags.ack#1/s2c/0 1/c2s/24
rst_stream.pcap##dir == s2c and frame#1/s2c/0 1/s2c/15 1/s2c/24
rst_stream.pcap##dir == server && type == SETTINGS#1/s2c/0 1/s2c/15
rst_stream.pcap##method == GET#1/c2s/115 1/s2c/24
rst_stream.pcap##path == "/index.html" and type == RST_STREAM#1/s2c/24
rst_stream.pcap##length == 4#1/s2c/24
rst_stream.pcap##length > 5 and length < 12#1/s2c/0 1/c2s/180
rst_stream.pcap##offset == 0x18#1/c2s/24 1/s2c/24
rst_stream.pcap##flags & 0x20#1/c2s/115
rst_stream.pcap##flags == 0x25#1/c2s/115
rst_stream.pcap##flags.priority and flags.end_stream#1/c2s/115
rst_stream.pcap##conn == 2#
rst_stream.pcap##packet == 10#1/s2c/15 1/s2c/24
rst_stream.pcap##packet.first == 6 and type == PRIORITY and stream < 9#1/c2s/45 1/c2s/59 1/c2s/73
rst_stream.pcap##packet >= 0xb#1/c2s/180
rst_stream.pcap#--lint#packet == 6#lint:1/c2s/13/connection-specific-field
rst_stream.pcap#--lint#packet != 6#
rst_stream.pcap##src == "127.0.0.1:34871" and frame#1/s2c/0 1/s2c/15 1/s2c/24
rst_stream.pcap##dst matches ":34871$" and type == 0x7#1/c2s/180
upgrade.pcap##status == 200 and type == DATA#1/s2c/248 1/s2c/367 2/s2c/248
upgrade.pcap##path == "/index.html" && conn == 1#1/c2s/301 1/s2c/148 1/s2c/248
upgrade.pcap##content-type == "text/css"#1/s2c/327 1/s2c/367
upgrade.pcap##content-type matches "^text/(html|css)$" and conn == 2#2/s2c/148 2/s2c/248
upgrade.pcap##event == upgrade#1/upgrade 2/upgrade
upgrade.pcap##settings.initial_window_size >= 0x1000000#1/s2c/127 1/s2c/297 2/s2c/127 2/c2s/206 2/s2c/297
upgrade.pcap##scheme == http and type == HEADERS#1/c2s/315 1/s2c/148 1/s2c/327 2/s2c/148
upgrade.pcap##authority contains ":" and dir == c2s#1/c2s/315
upgrade.pcap##type == WINDOW_UPDATE#2/c2s/242
continuation.pcap##type == CONTINUATION#1/c2s/16517
continuation.pcap##flags.end_headers and dir == c2s#1/c2s/16517
continuation.pcap##header[":path"] == "/style.css"#1/c2s/16517
continuation.pcap##type == HEADERS and not header[":path"]#1/c2s/124 1/s2c/24
continuation.pcap##length >= 16384#1/c2s/124
padding.pcap##flags.padded#1/c2s/124 1/s2c/24 1/s2c/141
padding.pcap##flags.padded and type == DATA#1/s2c/141
padding.pcap##content_type contains "html" && !(type == DATA)#1/s2c/24
sample.pcapng##type == PUSH_PROMISE#1/s2c/24 1/s2c/189
sample.pcapng##path == "/index.html?x=1"#1/c2s/192 1/s2c/214 1/s2c/354
sample.pcapng##path matches "\\?x=[0-9]$"#1/c2s/192 1/s2c/214 1/s2c/354
sample.pcapng##error == CANCEL#1/c2s/235 1/c2s/248
sample.pcapng##stream == 2 or stream == 4#1/s2c/234 1/s2c/254 1/s2c/403 1/s2c/434 1/c2s/235 1/c2s/248
sample.pcapng##(stream == 2 or stream == 4) and not (type == DATA)#1/s2c/234 1/s2c/254 1/c2s/235 1/c2s/248
sample.pcapng##header[":path"] == "/style.css" and dir == s2c#1/s2c/24 1/s2c/189
sample.pcapng##not (type == HEADERS or type == DATA or type == PRIORITY or type == SETTINGS) and frame#1/s2c/24 1/s2c/189 1/c2s/235 1/c2s/248 1/c2s/261
sample.pcapng##method != GET#
sample.pcapng##header["x-nothing"] != "a"#
sample.pcapng##not header["x-nothing"] and type == GOAWAY#1/c2s/261
sample.pcapng##type == 5 || type eq 0x3#1/s2c/24 1/s2c/189 1/c2s/235 1/c2s/248
sample.pcapng##status != 200 and type == DATA#
sample.pcapng##header[":status"] == "200" and stream > 15#1/s2c/214
concurrent.pcap##conn == 2 and stream == 39#2/c2s/513 2/s2c/484 2/s2c/1093
concurrent.pcap##stream > 37 && dir == s2c && type == DATA#2/s2c/1093 1/s2c/1093
concurrent.pcap##status >= 500#
concurrent.pcap##content-type == "text/css" and type == HEADERS and conn == 1 and stream < 5#1/s2c/24 1/s2c/124
concurrent.pcap##type == WINDOW_UPDATE or (event == close and conn == 1)#2/c2s/54 1/c2s/54 1/close
TABLE
[ "$rows" -ge 60 ] || { echo "FAIL: only $rows rows ran"; fail=1; }

# Bad filters: exit 2, the message, the expression and a caret under the column.
bad() { # EXPR MESSAGE CARET-LINE
  local err rc=0
  "$H" read rst_stream.pcap -Y "$1" >"$work/out" 2>"$work/err" || rc=$?
  err=$(cat "$work/err")
  local want
  want=$(printf 'h2scope read: bad filter: %s\n  %s\n  %s\nTry '"'"'h2scope read --help'"'"' (filters: docs/filters.md).' "$2" "$1" "$3")
  if [ "$rc" -ne 2 ] || [ "$err" != "$want" ] || [ -s "$work/out" ]; then
    echo "FAIL: -Y '$1': exit $rc"
    echo "--- want"; echo "$want"; echo "--- got"; echo "$err"
    fail=1
  fi
}
bad 'status >= 500 and' "expected a field name, 'not' or '(', got the end (column 18)" '                 ^'
bad 'stauts == 200' "unknown field 'stauts' (did you mean 'status'?) (column 1)" '^'
bad 'type == HEADER' "unknown frame type 'HEADER' (a number, or a name like HEADERS) (column 9)" '        ^'
bad '(stream == 1' "expected ')' to close the '(' at column 1, got the end (column 13)" '            ^'
bad 'path matches "a(b"' "bad regular expression: missing closing parenthesis (column 18)" '                 ^'
bad 'stream = 1' "'=' is not an operator (did you mean '=='?) (column 8)" '       ^'
bad 'length contains "4"' "'contains' needs a string field; 'length' is a number (column 8)" '       ^'
bad 'dir == up' "unknown direction 'up' (c2s, s2c, client or server) (column 8)" '       ^'
bad 'header[path]' "expected a header name in quotes, got 'path' (column 8)" '       ^'
bad 'path == "abc' "unterminated string (expected a closing quote) (column 9)" '        ^'
bad 'error == NO_ERR' "unknown error code 'NO_ERR' (a number, or a name like PROTOCOL_ERROR) (column 10)" '         ^'
bad 'stream == 1 stream' "expected 'and', 'or' or the end, got 'stream' (column 13)" '            ^'
bad 'method == GET)' "unexpected ')' (no '(' is open) (column 14)" '             ^'

# Option errors: exit 2 with the message.
usage() { # WANT-FIRST-LINE ARGS...
  local want=$1 rc=0
  shift
  "$H" read "$@" >/dev/null 2>"$work/err" || rc=$?
  if [ "$rc" -ne 2 ] || [ "$(head -1 "$work/err")" != "$want" ]; then
    echo "FAIL: read $*: exit $rc, '$(head -1 "$work/err")', want '$want'"
    fail=1
  fi
}
usage "h2scope read: -e needs -T fields" rst_stream.pcap -e type
usage "h2scope read: -T fields needs at least one -e FIELD" rst_stream.pcap -T fields
usage "h2scope read: -e: unknown field 'lenght' (did you mean 'length'?)" rst_stream.pcap -T fields -e lenght
usage "h2scope read: -T takes text, json or fields, not 'pdml'" rst_stream.pcap -T pdml
usage "h2scope read: -E knows header, separator and aggregator, not 'quote'" rst_stream.pcap -T fields -e type -E quote=d
usage "h2scope read: -T fields prints frames: not with --lint" rst_stream.pcap -T fields -e type --lint

# -T fields: names first, separator and aggregator, absent fields empty.
got=$("$H" read -r rst_stream.pcap -T fields -E header=y -E separator=/s -E aggregator=';' \
  -e type -e stream -e settings.max_concurrent_streams -e header.user-agent -Y 'stream == 0 and dir == s2c or type == HEADERS')
want='type stream settings.max_concurrent_streams header.user-agent
SETTINGS 0 100 
HEADERS 13  nghttp2/1.52.0
SETTINGS 0  '
[ "$got" = "$want" ] || { echo "FAIL: -T fields -E"; echo "$got"; fail=1; }
# -r and operands together are one capture; -T fields prints frames only.
n=$("$H" read -r rst_stream.pcap padding.pcap -T fields -e conn | sort -u | tr '\n' ' ')
[ "$n" = "1 2 " ] || { echo "FAIL: -r with an operand: conns '$n'"; fail=1; }
# -T json is --json; -T text the default.
cmp <("$H" read rst_stream.pcap -T json) <("$H" read rst_stream.pcap --json) ||
  { echo "FAIL: -T json differs from --json"; fail=1; }
cmp <("$H" read rst_stream.pcap -T text) <("$H" read rst_stream.pcap) ||
  { echo "FAIL: -T text differs from the default"; fail=1; }

# --har: only the exchanges the filter selects a frame of.
"$H" read sample.pcapng -Y 'path contains "x=1"' --har "$work/a.har" >/dev/null
urls=$(jq -r '.log.entries[].request.url' "$work/a.har")
[ "$urls" = "http://127.0.0.1:30769/index.html?x=1" ] || { echo "FAIL: --har -Y: $urls"; fail=1; }
"$H" read sample.pcapng -Y 'stream == 0' --har "$work/b.har" >/dev/null
[ "$(jq '.log.entries|length' "$work/b.har")" = 0 ] || { echo "FAIL: --har with no stream selected"; fail=1; }

# --summary says how many frames matched (text and JSON).
"$H" read -q --summary rst_stream.pcap -Y 'type == PRIORITY' | grep -x 'display filter: 5 of 12 frames matched' >/dev/null ||
  { echo "FAIL: summary count"; fail=1; }
"$H" read -q --summary --json rst_stream.pcap -Y 'type == PRIORITY' | tail -1 |
  grep -x '{"v":1,"summary":"filter","expression":"type == PRIORITY","frames":12,"matched":5}' >/dev/null ||
  { echo "FAIL: summary JSON count"; fail=1; }
# -j 4 prints what -j 1 prints.
cmp <("$H" read -j 1 concurrent.pcap -Y 'stream > 30 and status == 200') \
  <("$H" read -j 4 concurrent.pcap -Y 'stream > 30 and status == 200') ||
  { echo "FAIL: -j 4 differs"; fail=1; }
cmp <("$H" read -j 4 concurrent.pcap flowcontrol.pcap -T fields -E header=y -e conn -e path -Y 'dir == s2c') \
  <("$H" read -j 1 concurrent.pcap flowcontrol.pcap -T fields -E header=y -e conn -e path -Y 'dir == s2c') ||
  { echo "FAIL: -j 4 -T fields differs"; fail=1; }

[ "$fail" = 0 ] && echo "ok ($rows rows)"
exit "$fail"
