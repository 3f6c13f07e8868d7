#!/usr/bin/env bash
# test_schema.sh — the JSON output of every subcommand validates against its
# JSON Schema in docs/schema/v1 (draft 2020-12, python3-jsonschema): read on
# every capture in corpus/captures (plain, --hpack/--data/--summary, --lint,
# --har, --exchanges, TLS with key logs), frames on every sample stream and error case, hpack
# decode on the RFC 7541 Appendix C blocks and hpack-test-case stories (and its
# error lines), hpack encode --story, get/serve -v --json traces, check --json
# and replay --json and fuzz --json against a live `h2scope serve`. Deliberately broken lines (a wrong
# type, a missing required key, a wrong version) must be rejected.
set -euo pipefail
shopt -s lastpipe # `... | validate` sets fail in this shell
src=${H2_SOURCE_DIR:?}
h2scope=${H2SCOPE:?}
shared=${H2_SHARED_DIR:-$src/../shared}
schemas=$src/docs/schema/v1
if ! python3 -c 'import jsonschema' 2>/dev/null; then
  echo "FAIL: needs python3-jsonschema (scripts/install-deps.sh)"
  exit 1
fi
work=$(mktemp -d)
serve_pid=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail=0
validated=0

# validate SCHEMA LABEL [validator options] < output
validate() {
  local schema=$1 label=$2; shift 2
  if ! python3 "$src/tests/cli/validate_json.py" "$schemas" "$schema" "$@" >"$work/why"; then
    echo "FAIL: $label"; cat "$work/why"; fail=1
  fi
  validated=$((validated + 1))
}
# run_ok CMD...: output of a command whose exit status must be 0 or 1 (findings).
run_ok() {
  local rc=0
  "$@" || rc=$?
  if [ $rc -gt 1 ]; then echo "FAIL: exit $rc from: $*" >&2; fail=1; fi
}

# ---- read ----
for cap in "$src"/corpus/captures/*.pcap "$src"/corpus/captures/*.pcapng; do
  name=$(basename "$cap")
  run_ok "$h2scope" read "$cap" --json >"$work/out"
  validate read.schema.json "read --json $name" --min 5 <"$work/out"
  run_ok "$h2scope" read "$cap" --json --hpack --data text --summary >"$work/out"
  validate read.schema.json "read --json --hpack --data text --summary $name" --min 5 <"$work/out"
  run_ok "$h2scope" read "$cap" --json --summary -Y 'type == HEADERS or event == close' >"$work/out"
  validate read.schema.json "read --json --summary -Y $name" --min 3 <"$work/out"
  run_ok "$h2scope" read "$cap" -q --har "$work/out.har"
  validate har.schema.json "read --har $name" --document <"$work/out.har"
  run_ok "$h2scope" read "$cap" --json --redact --data hex --data-max 8 >"$work/out"
  validate read.schema.json "read --json --redact --data hex $name" --min 5 <"$work/out"
  run_ok "$h2scope" read "$cap" --json --lint --summary >"$work/out"
  validate read.schema.json "read --json --lint --summary $name" --min 3 <"$work/out"
  grep '"lint"' "$work/out" | grep -v '"summary"' >"$work/lint" || true
  if [ -s "$work/lint" ]; then validate lint.schema.json "lint findings $name" <"$work/lint"; fi
  run_ok "$h2scope" read "$cap" --json --exchanges >"$work/out"
  validate read.schema.json "read --json --exchanges $name" --min 1 <"$work/out"
done
# At least one capture must give lint findings, so lint.schema.json is exercised.
for cap in "$src"/corpus/captures/*.pcap "$src"/corpus/captures/*.pcapng; do
  "$h2scope" read "$cap" --json --lint 2>/dev/null | grep '"lint"' || true
done >"$work/all-lint"
validate lint.schema.json "lint findings of all captures" --min 1 <"$work/all-lint"
for cap in "$src"/corpus/captures/tls/*.pcap*; do
  keylog=${cap%.*}.keylog
  [ -e "$keylog" ] || continue
  run_ok "$h2scope" read "$cap" --keylog "$keylog" --json --summary >"$work/out"
  validate read.schema.json "read --keylog $(basename "$cap")" --min 5 <"$work/out"
  grep -q '"tls":{' "$work/out" || { echo "FAIL: no tls object in $(basename "$cap")"; fail=1; }
done

# ---- frames ----
for bin in "$src"/corpus/samples/*.bin; do
  run_ok "$h2scope" frames "$bin" --json >"$work/out"
  validate frames.schema.json "frames --json $(basename "$bin")" --min 2 <"$work/out"
  run_ok "$h2scope" frames "$bin" --json --hpack --data text --redact >"$work/out"
  validate frames.schema.json "frames --json --hpack $(basename "$bin")" --min 2 <"$work/out"
done
for hex in "$src"/corpus/samples/errors/*.hex; do
  run_ok "$h2scope" frames --hex "$hex" --json >"$work/out"
  validate frames.schema.json "frames --hex --json $(basename "$hex")" <"$work/out"
done
# A stream cut inside a frame: the truncated event with "need".
head -c 40 "$src/corpus/samples/get-client.bin" >"$work/cut.bin"
run_ok "$h2scope" frames "$work/cut.bin" --json >"$work/out"
grep -q '"event":"truncated".*"need":' "$work/out" || { echo "FAIL: no truncated event"; fail=1; }
validate frames.schema.json "frames --json truncated stream" <"$work/out"

# ---- hpack ----
python3 - "$shared/vectors/rfc7541-appendix-c.json" >"$work/c.hex" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
for ex in data["examples"]:
    if ex.get("sequence") == "C.3" or str(ex.get("id", "")).startswith("C.3"):
        print(ex["wire_hex"])
PY
[ -s "$work/c.hex" ] || { echo "FAIL: no C.3 blocks found in the vectors"; fail=1; }
run_ok "$h2scope" hpack decode <"$work/c.hex" >"$work/out"
validate hpack-decode.schema.json "hpack decode RFC 7541 C.3" --min 3 <"$work/out"
story=$(ls "$shared"/vectors/hpack-test-case/*/story_00.json | head -1)
python3 -c 'import json,sys; [print(c["wire"]) for c in json.load(open(sys.argv[1]))["cases"]]' \
  "$story" | run_ok "$h2scope" hpack decode >"$work/out"
validate hpack-decode.schema.json "hpack decode $story" --min 2 <"$work/out"
printf '82\n80\n8 2zz\n' | run_ok "$h2scope" hpack decode >"$work/out"
grep -q '"code":"bad-hex"' "$work/out" || { echo "FAIL: no bad-hex line"; fail=1; }
validate hpack-decode.schema.json "hpack decode error lines" --min 3 <"$work/out"
run_ok "$h2scope" hpack encode --story "$story" >"$work/out"
validate hpack-story.schema.json "hpack encode --story" --document <"$work/out"

# ---- get / serve -v --json traces, check --json (live, loopback) ----
# the file exists before the reads below: the server's shell opens it
# after the fork, and a failing sed in $(...) would end the script (set -e)
: >"$work/serve.err"
"$h2scope" serve --port 0 -v --json 2>"$work/serve.err" &
serve_pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' "$work/serve.err" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "FAIL: serve did not start"; cat "$work/serve.err"; fail=1
else
  run_ok "$h2scope" get -v --json "http://127.0.0.1:$port/a" "http://127.0.0.1:$port/b" \
    >/dev/null 2>"$work/get.err"
  validate read.schema.json "get -v --json trace" --min 5 <"$work/get.err"
  # with a case of each extension RFC (8441, 9218, 8336): their "rfc" is in the schema too
  run_ok "$h2scope" check "127.0.0.1:$port" --json --timeout 1 6.5 6.9.1 8441/4/1 9218/2.1 \
    8336 >"$work/check.out"
  validate check.schema.json "check --json" --min 3 <"$work/check.out"
  grep -q '"summary":{' "$work/check.out" || { echo "FAIL: check --json has no summary"; fail=1; }
  for rfc in 8441 9218 8336; do
    [ "$(grep -c "\"rfc\":$rfc," "$work/check.out" || true)" -gt 0 ] ||
      { echo "FAIL: check --json ran no RFC $rfc case"; fail=1; }
  done
  for cap in sample.pcapng upgrade.pcap; do
    run_ok "$h2scope" replay "$src/corpus/captures/$cap" --to "127.0.0.1:$port" --json \
      --timeout 3000 >"$work/replay.out"
    validate replay.schema.json "replay --json $cap" --min 3 <"$work/replay.out"
  done
  run_ok "$h2scope" fuzz "127.0.0.1:$port" --runs 300 --json --out "$work/fuzz" >"$work/fuzz.out"
  validate fuzz.schema.json "fuzz --json" --min 5 <"$work/fuzz.out"
  grep -q '"type":"summary"' "$work/fuzz.out" || { echo "FAIL: fuzz --json has no summary"; fail=1; }
  kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=""
  grep -v '^listening on\|^h2scope serve' "$work/serve.err" >"$work/serve.json" || true
  validate read.schema.json "serve -v --json trace" --min 5 <"$work/serve.json"
fi

# ---- the schemas must reject what is wrong ----
frame='{"v":1,"conn":1,"ts":1.5,"src":"127.0.0.1:1","dst":"127.0.0.1:2","dir":"c2s",'
frame+='"offset":9,"stream":1,"type":"WINDOW_UPDATE","type_id":8,"flags":0,"flag_names":[],'
frame+='"length":4,"increment":10}'
echo "$frame" | validate read.schema.json "a good frame line (control)"
validate read.schema.json "broken read lines" --expect-invalid <<EOF
${frame/\"stream\":1/\"stream\":\"1\"}
${frame/,\"length\":4/}
${frame/\"v\":1/\"v\":2}
${frame/,\"increment\":10/}
${frame/\"dir\":\"c2s\"/\"dir\":\"up\"}
${frame/\"type\":\"WINDOW_UPDATE\"/\"type\":\"WINDOW\"}
${frame/\"conn\":1,/}
${frame/\}/,\"surprise\":true\}}
{"v":1,"conn":1,"ts":1.5,"src":"a:1","dst":"b:2","dir":"c2s","event":"close","offset":0}
{"v":1,"summary":"capture","packets":1}
EOF
# Summary rows: capture loss ("lost") and the lint counts by id are required.
run_ok "$h2scope" read "$src/corpus/captures/concurrent.pcap" --json --lint --summary >"$work/out"
grep '"summary":"connection"' "$work/out" | head -1 >"$work/row"
validate read.schema.json "a summary row with lost and lint.by_id (control)" --min 1 <"$work/row"
python3 -c 'import json, sys
row = json.loads(open(sys.argv[1]).read())
for change in ("no-lost", "lost-string", "no-by-id", "by-id-zero"):
    r = json.loads(json.dumps(row))
    if change == "no-lost": del r["lost"]
    if change == "lost-string": r["lost"]["gaps"] = "0"
    if change == "no-by-id": del r["lint"]["by_id"]
    if change == "by-id-zero": r["lint"]["by_id"]["rapid-reset"] = 0
    print(json.dumps(r, separators=(",", ":")))' "$work/row" |
  validate read.schema.json "broken summary rows" --expect-invalid
validate frames.schema.json "broken frames lines" --expect-invalid <<'EOF'
{"v":1,"offset":0,"stream":0,"type":"SETTINGS","type_id":4,"flags":0,"flag_names":[],"length":6,"settings":[{"id":3,"name":"SETTINGS_MAX_CONCURRENT_STREAMS"}]}
{"v":1,"offset":0,"stream":0,"type":"PING","type_id":6,"flags":1,"flag_names":["ACK"],"length":8,"opaque":"xyz"}
{"v":1,"conn":1,"offset":0,"stream":0,"type":"PING","type_id":6,"flags":1,"flag_names":["ACK"],"length":8,"opaque":"0000000000000000"}
{"v":1,"event":"truncated"}
EOF
validate hpack-decode.schema.json "broken hpack lines" --expect-invalid <<'EOF'
{"v":1,"headers":[["a"]]}
{"v":1,"headers":[["a",1]]}
{"v":1,"error":"x","code":"y","section":"z"}
EOF
validate lint.schema.json "broken lint lines" --expect-invalid <<'EOF'
{"v":1,"lint":"rapid-reset","severity":"fatal","conn":1,"ts":1.0,"dir":"c2s","stream":1,"frame":1,"section":"x","message":"m"}
{"v":1,"lint":"rapid-reset","severity":"error","conn":1,"ts":1.0,"dir":"c2s","stream":1,"section":"x","message":"m"}
EOF
validate check.schema.json "broken check lines" --expect-invalid <<'EOF'
{"v":1,"id":"9113/6.5/1","group":"server","rfc":9113,"section":"6.5","title":"t","verdict":"passed","expected":"","actual":"","reason":"","ms":1}
{"v":1,"summary":{"target":"x","passed":1,"lenient":0,"failed":0,"skipped":0}}
EOF
python3 -c 'import json, sys; d = json.load(sys.stdin)
d["log"]["entries"][0]["response"]["status"] = "200"; print(json.dumps(d))' <"$work/out.har" |
  validate har.schema.json "a HAR with a string status" --document --expect-invalid
validate replay.schema.json "broken replay lines" --expect-invalid <<'EOF'
{"v":1,"conn":1,"stream":1,"live_stream":1,"method":"GET","path":"/","verdict":"same","recorded":null,"live":null,"differences":[],"violations":[],"notes":[]}
{"v":1,"summary":{"connections":1,"streams":5,"match":0,"differ":3,"skipped":2,"unreachable":0}}
EOF

[ $fail = 0 ] &&
  echo "ok: $validated outputs validate against docs/schema/v1, broken lines are rejected"
exit $fail
