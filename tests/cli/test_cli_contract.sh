#!/usr/bin/env bash
# test_cli_contract.sh — one user contract across every command: a table of
# command × (--opt=value, --opt value, missing value, bad number, unknown
# option, `help CMD`) with the exit status and message each must give (a
# usage error is one message line plus exactly one hint line); bundled short
# flags, `--`, sizes and durations with units; NO_COLOR and colour on a
# terminal (a pty) with no stray reset sequence; check with selectors that
# match nothing, output files checked before any work, `-` as stdout, the
# failed cases listed; the same connection numbers in read, get -v and
# serve -v; a capture given to frames or hpack decode. Loopback only; every
# peer is bounded in time and killed at exit.
set -euo pipefail
H=$(realpath "${H2SCOPE:?}")
src=$(realpath "${H2_SOURCE_DIR:?}")
C=$src/corpus/captures
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=session_peers.sh
source "$here/session_peers.sh"
work=$(mktemp -d)
trap 'cleanup_peers; rm -rf "$work"' EXIT
cd "$work" # whatever a command writes by mistake (a file named "-") lands here
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# run STATUS ARGS...: runs h2scope with stdin from /dev/null; out, err kept;
# ran_ok says whether the status was the expected one.
ran_ok=true
run() {
  local want=$1 rc=0
  shift
  timeout 20 "$H" "$@" </dev/null >"$work/out" 2>"$work/err" || rc=$?
  ran_ok=true
  if [ "$rc" != "$want" ]; then
    fail "h2scope $* exited $rc, expected $want: $(head -3 "$work/err")"
    ran_ok=false
  fi
}
# usage CMD MESSAGE ARGS...: exit 2, stderr is "h2scope CMD: MESSAGE" (a
# substring) and then exactly one hint line.
usage() {
  local cmd=$1 msg=$2
  shift 2
  run 2 "$@"
  $ran_ok || return 0
  local first hint lines
  first=$(sed -n 1p "$work/err") hint=$(sed -n 2p "$work/err") lines=$(wc -l <"$work/err")
  [[ $first == "h2scope $cmd: "*"$msg"* ]] || fail "h2scope $*: message '$first', expected '$msg'"
  [ "$hint" = "Try 'h2scope $cmd --help'." ] || fail "h2scope $*: hint line '$hint'"
  [ "$lines" = 2 ] || fail "h2scope $*: $lines lines on stderr, expected 2"
}

# ---- the table: every command, each way of writing or mistyping an option ----
dead=127.0.0.1:1 # refused at once: parsing went through when the status is 3
bin=$src/corpus/samples/get-client.bin
cap=$C/sample.pcapng
# read
run 0 read --max-packets=2 "$cap"
run 0 read "$cap" --max-packets 2
usage read "option '--max-packets' needs a value" read "$cap" --max-packets
usage read "--max-packets needs a number from 1 to 4294967295, not '2x'" read --max-packets 2x "$cap"
usage read "unknown option '--no-such'" read --no-such "$cap"
usage read "unknown option '-Z'" read -qZ "$cap"
usage read "option '--json' takes no value" read --json=yes "$cap"
# frames
run 0 frames --max-frame-size=16k "$bin"
run 0 frames "$bin" --max-frame-size 16384
usage frames "option '--max-frame-size' needs a value" frames "$bin" --max-frame-size
usage frames "--max-frame-size needs a size from 16384" frames --max-frame-size 16q "$bin"
usage frames "unknown option '--no-such'" frames --no-such "$bin"
# hpack
printf '82\n' | "$H" hpack decode --table-size=4k >"$work/out" || fail "hpack --table-size=4k"
grep -qF '[":method","GET"]' "$work/out" || fail "hpack decode --table-size=4k: $(cat "$work/out")"
printf '82\n' | "$H" hpack --table-size 4096 decode >/dev/null || fail "hpack --table-size 4096"
usage hpack "option '--table-size' needs a value" hpack decode --table-size
usage hpack "--table-size needs a size" hpack decode --table-size 1.5k
usage hpack "unknown option '--no-such'" hpack decode --no-such
usage hpack "decode or encode expected" hpack
# get (no number option: -X/--data take text)
run 3 get --request=GET "http://$dead/"
run 3 get -X GET -vk "http://$dead/"
usage get "option '-X' needs a value" get "http://$dead/" -X
usage get "unknown option '--no-such'" get --no-such "http://$dead/"
usage get "a URL is needed" get -v
usage get "not an http:// or https:// URL: ftp://x/" get ftp://x/
run 3 get --data "@$work/missing.txt" "http://$dead/"
grep -qF -- "--data @$work/missing.txt: No such file or directory" "$work/err" ||
  fail "get --data @missing: $(cat "$work/err")"
# serve: values are accepted, then the missing certificate is named (status 3)
run 3 serve --port=0 --max-conns=8 --tls "$work/missing.pem" "$work/missing.key"
grep -qF -- "--tls certificate $work/missing.pem: No such file or directory" "$work/err" ||
  fail "serve --tls with a missing certificate: $(cat "$work/err")"
run 3 serve --port 0 --tls "$src/README.md" --tls-key "$work/missing.key"
grep -qF -- "--tls key $work/missing.key: No such file or directory" "$work/err" ||
  fail "serve --tls-key missing: $(cat "$work/err")"
run 3 serve --port 0 --tls "$src/README.md" "$src/README.md" # readable, not PEM
grep -qF -- "--tls $src/README.md $src/README.md: cannot load the certificate" "$work/err" ||
  fail "serve --tls with a file that is not PEM: $(cat "$work/err")"
usage serve "option '--port' needs a value" serve --port
usage serve "--port needs a number from 0 to 65535, not 'abc'" serve --port abc
usage serve "--port needs a number from 0 to 65535, not '80x'" serve --port=80x
usage serve "--port needs a number from 0 to 65535, not '70000'" serve --port 70000
usage serve "--max-conns needs a number" serve --max-conns 4000000000000000000
usage serve "unknown option '--no-such'" serve --no-such
usage serve "--host needs an IPv4 address, not 'nope'" serve --host nope
usage serve "--tls needs the key too" serve --tls "$src/README.md"
# replay
run 3 replay "$cap" --to="$dead" --timeout=2s
run 3 replay --timeout 250ms "$cap" --to "$dead"
run 3 replay "$cap" --to "$dead" --timeout 3000 # the old milliseconds
grep -q "read as milliseconds" "$work/err" || fail "replay --timeout 3000: no note"
usage replay "option '--to' needs a value" replay "$cap" --to
usage replay "--timeout needs a duration" replay "$cap" --to "$dead" --timeout 5x
usage replay "--conn needs a number" replay "$cap" --to "$dead" --conn=abc
usage replay "unknown option '--no-such'" replay --no-such "$cap" --to "$dead"
# check
run 3 check "$dead" --timeout=0.5 6.7
run 3 check --timeout 500ms "$dead" 6.7
usage check "option '--timeout' needs a value" check "$dead" --timeout
usage check "--timeout needs a duration" check "$dead" --timeout 1x
usage check "--timeout needs a duration" check "$dead" --timeout 11m
usage check "--listen needs a number" check --client --listen=http
usage check "unknown option '--no-such'" check --no-such "$dead"
usage check "bad target '127.0.0.1:80x'" check 127.0.0.1:80x
usage check "bad target '127.0.0.1:70000'" check 127.0.0.1:70000
usage check "--color needs always, never or auto, not 'sometimes'" check "$dead" --color=sometimes
# help CMD is CMD --help, for every command
for cmd in read frames hpack get serve replay check fuzz; do
  run 0 help "$cmd"
  cp "$work/out" "$work/help1"
  run 0 "$cmd" --help
  cmp -s "$work/out" "$work/help1" || fail "help $cmd differs from $cmd --help"
  [ -s "$work/help1" ] || fail "help $cmd printed nothing"
done
run 2 help nosuch
[ "$(sed -n 2p "$work/err")" = "Try 'h2scope --help'." ] || fail "help nosuch: $(cat "$work/err")"
run 2
[ "$(wc -l <"$work/err")" = 2 ] || fail "no command: $(cat "$work/err")"
[ $failed = 0 ] && echo "ok: the option table of every command"

# ---- bundled flags, --, options after operands ----
run 0 read -qt a "$cap" --summary
grep -q '^#' "$work/out" && fail "read -qt a: frames printed despite -q"
grep -q '^total:' "$work/out" || fail "read -qt a --summary: no summary"
run 3 frames -- --hex
grep -qF "cannot open --hex" "$work/err" || fail "frames -- --hex: $(cat "$work/err")"
run 0 read "$cap" --conn 1 --json
[ "$(grep -c '"conn":1' "$work/out")" -gt 10 ] || fail "read FILE --conn 1 --json"
[ $failed = 0 ] && echo "ok: bundled short flags, --, options after operands"

# ---- colour: a terminal (pty), NO_COLOR, lint severities, no stray reset ----
on_pty() { # on_pty ARGS...: runs h2scope on a pty, prints what it wrote
  python3 - "$H" "$@" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        d = os.read(fd, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
PY
}
esc=$'\x1b'
on_pty read "$cap" >"$work/tty.txt"
grep -q "$esc" "$work/tty.txt" || fail "read on a terminal: no colour"
NO_COLOR=1 on_pty read "$cap" >"$work/tty.txt"
grep -q "$esc" "$work/tty.txt" && fail "read on a terminal with NO_COLOR=1: colour"
grep -q HEADERS "$work/tty.txt" || fail "read with NO_COLOR: no output"
NO_COLOR= on_pty frames "$bin" >"$work/tty.txt"
grep -q "$esc" "$work/tty.txt" || fail "NO_COLOR empty must not disable colour (no-color.org)"
NO_COLOR=1 on_pty frames "$bin" >"$work/tty.txt"
grep -q "$esc" "$work/tty.txt" && fail "frames with NO_COLOR=1: colour"
NO_COLOR=1 on_pty read "$cap" --color >"$work/tty.txt"
grep -q "$esc" "$work/tty.txt" || fail "--color must beat NO_COLOR"
on_pty read --lint "$C/rst_stream.pcap" >"$work/tty.txt"
grep -qE "$esc\[[0-9;]*m(error|warning|info)$esc\[0m [a-z-]+: " "$work/tty.txt" ||
  fail "read --lint on a terminal: severity not coloured: $(head -2 "$work/tty.txt")"
NO_COLOR=1 on_pty read --lint "$C/rst_stream.pcap" >"$work/tty.txt"
grep -q "$esc" "$work/tty.txt" && fail "read --lint with NO_COLOR: colour"
# Every reset closes a colour that the line opened; no colour off a terminal.
for args in "read $cap --color=always" "read $C/rst_stream.pcap --color=always" \
  "frames --color $bin" "read --lint $C/rst_stream.pcap --color"; do
  # shellcheck disable=SC2086
  "$H" $args >"$work/c.txt" || true
  python3 - "$work/c.txt" "$args" <<'PY' || failed=1
import re, sys
bad = 0
for n, line in enumerate(open(sys.argv[1], encoding="utf-8", errors="replace"), 1):
    opens = len(re.findall(r"\x1b\[(?!0m)[0-9;]*m", line))
    resets = line.count("\x1b[0m")
    if resets > opens:
        print(f"FAIL: {sys.argv[2]}: line {n} has a stray reset: {line!r}")
        bad = 1
        break
sys.exit(bad)
PY
done
"$H" read "$cap" >"$work/c.txt"
grep -q "$esc" "$work/c.txt" && fail "read to a file: colour"
[ $failed = 0 ] && echo "ok: colour on terminals, NO_COLOR, lint severities, no stray reset"

# ---- check: no matching case, outputs checked first, '-' is stdout, failed list ----
usage check "no server case matches the selectors" check "$dead" no-such-section
usage check "no server case matches the selectors" check --list 6.5 --exclude 6.5
# A peer that accepts and closes at once: every case fails quickly.
python3 - >"$work/closer.port" <<'PY' &
import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0)); s.listen(64); s.settimeout(0.2)
print(s.getsockname()[1], flush=True)
end = time.time() + 60
while time.time() < end:
    try:
        c, _ = s.accept()
        c.close()
    except socket.timeout:
        pass
PY
peer_pids+=($!)
for _ in $(seq 50); do [ -s "$work/closer.port" ] && break; sleep 0.1; done
closer=127.0.0.1:$(cat "$work/closer.port")
run 3 check "$closer" --junit "$work/no-dir/j.xml" 6.7
grep -qF -- "--junit $work/no-dir/j.xml: No such file or directory" "$work/err" ||
  fail "check --junit unwritable: $(cat "$work/err")"
grep -q FAIL "$work/out" && fail "check ran cases before finding --junit unwritable"
run 3 check "$closer" --sarif "$work" 6.7
grep -qF -- "--sarif $work: Is a directory" "$work/err" || fail "check --sarif dir: $(cat "$work/err")"
run 1 check "$closer" --timeout 1 9113/6.7/1 9113/6.5.2/1
python3 - "$work/out" <<'PY' || failed=1
import sys
lines = open(sys.argv[1]).read().splitlines()
try:
    i = lines.index("Failed cases:")
except ValueError:
    sys.exit("FAIL: check output has no 'Failed cases:' list")
listed = [l.split()[0] for l in lines[i + 1:] if l.startswith("  ")]
if sorted(listed) != ["9113/6.5.2/1", "9113/6.7/1"]:
    sys.exit(f"FAIL: failed list {listed}")
if "PING is answered" not in lines[i + 1] + lines[i + 2]:
    sys.exit("FAIL: the failed list has no titles")
if " failed, " not in lines[-1]:
    sys.exit("FAIL: the summary is not the last line")
PY
run 1 check "$closer" --timeout 1 9113/6.7/1 --junit -
head -c 5 "$work/out" | grep '<?xml' >/dev/null || fail "check --junit -: stdout is not the XML"
grep -q 'FAIL' "$work/err" || fail "check --junit -: the report did not move to stderr"
[ $failed = 0 ] && echo "ok: check selectors, output files, --junit -, failed list"

# ---- read: outputs checked before the capture is read, '-' is stdout ----
run 3 read "$cap" --har "$work/no-dir/x.har"
grep -qF -- "--har $work/no-dir/x.har: No such file or directory" "$work/err" ||
  fail "read --har unwritable: $(cat "$work/err")"
[ -s "$work/out" ] && fail "read printed frames before finding --har unwritable"
run 3 read "$cap" --sarif "$work"
grep -qF -- "--sarif $work: Is a directory" "$work/err" || fail "read --sarif dir: $(cat "$work/err")"
mkdir "$work/cwd"
(cd "$work/cwd" && "$H" read "$cap" --har - >"$work/har.json" 2>"$work/frames.txt") ||
  fail "read --har -: exit $?"
[ -e "$work/cwd/-" ] && fail "read --har - wrote a file named '-'"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["log"]["entries"], d' \
  "$work/har.json" || fail "read --har -: stdout is not a HAR with entries"
grep -q HEADERS "$work/frames.txt" || fail "read --har -: the frames did not move to stderr"
(cd "$work/cwd" && "$H" read --lint "$C/rst_stream.pcap" --sarif - >"$work/sarif.json" 2>/dev/null) || true
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["runs"], d' \
  "$work/sarif.json" || fail "read --sarif -: stdout is not SARIF"
usage read "cannot both be '-'" read "$cap" --har - --sarif -
[ $failed = 0 ] && echo "ok: read output files checked first, - is stdout"

# ---- frames / hpack given a capture ----
usage frames "is a capture file (pcap or pcapng): use 'h2scope read $C/rst_stream.pcap'" \
  frames "$C/rst_stream.pcap"
rc=0
"$H" frames <"$cap" >/dev/null 2>"$work/err" || rc=$?
[ $rc = 2 ] && grep -qF "use 'h2scope read -'" "$work/err" || fail "frames <pcapng: $rc $(cat "$work/err")"
rc=0
"$H" hpack decode <"$C/rst_stream.pcap" >"$work/out" 2>"$work/err" || rc=$?
[ $rc = 2 ] && grep -q "capture file" "$work/err" || fail "hpack decode <pcap: $rc"
[ -s "$work/out" ] && fail "hpack decode <pcap printed JSON lines"
rc=0
"$H" hpack decode <"$cap" >/dev/null 2>"$work/err" || rc=$?
[ $rc = 2 ] || fail "hpack decode <pcapng: $rc"
[ $failed = 0 ] && echo "ok: a capture given to frames or hpack decode"

# ---- connection numbers: read, get -v and serve -v all start at #1 ----
run 0 read "$cap"
[ "$(grep -m1 -o '^#[0-9]*' "$work/out")" = "#1" ] || fail "read does not start at #1"
# the file exists before the reads below: the server's shell opens it
# after the fork, and a failing sed in $(...) would end the script (set -e)
: >"$work/serve.err"
"$H" serve --port 0 -v 2>"$work/serve.err" &
serve_pid=$!
peer_pids+=("$serve_pid")
port=
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.err")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || fail "serve did not start"
if [ -n "$port" ]; then
  timeout 20 "$H" get -v "http://127.0.0.1:$port/" >/dev/null 2>"$work/get.err" || fail "get -v"
  kill "$serve_pid"
  wait "$serve_pid" 2>/dev/null || true
  for f in get serve; do
    nums=$(grep -o '^#[0-9]*' "$work/$f.err" | sort -u | tr '\n' ' ')
    [ "$nums" = "#1 " ] || fail "$f -v numbers its connection '$nums', expected '#1'"
  done
fi
[ $failed = 0 ] && echo "ok: connection numbers from #1 in read, get -v, serve -v"

[ $failed = 0 ] && echo "all CLI contract tests passed"
exit $failed
