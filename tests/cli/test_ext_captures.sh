#!/usr/bin/env bash
# test_ext_captures.sh — the extension frames of tests/captures/ext-frames.pcap
# (recorded once, tests/captures/README): `read --json` decodes ALTSVC
# (RFC 7838 §4), ORIGIN (RFC 8336 §2.1), PRIORITY_UPDATE (RFC 9218 §7.1) and
# the priority field (RFC 9218 §4) to the values the recorder sent, notes
# each broken rule on its frame, and `read --lint` reports them with the
# observer's SETTINGS findings (NO_RFC7540_PRIORITIES changed, RFC 9218 §2.1;
# ENABLE_CONNECT_PROTOCOL 1 -> 0, RFC 8441 §3); the JSON validates.
set -euo pipefail
H=${H2SCOPE:?}
src=${H2_SOURCE_DIR:?}
cap=$src/tests/captures/ext-frames.pcap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$H" read --json "$cap" >"$work/read.json"
python3 - "$work/read.json" <<'PY' || fail "decoded values"
import json, sys
frames = [json.loads(l) for l in open(sys.argv[1]) if '"type"' in l]
def of(t): return [f for f in frames if f["type"] == t]
def notes(f): return [n["rule"] for n in f.get("notes", [])]
alt = of("ALTSVC")
assert [a["altsvc"] for a in alt] == [
    {"origin": "https://example.test", "value": 'h3=":443"; ma=86400'},
    {"origin": "", "value": 'h2=":8443"'},
    {"origin": "https://example.test", "value": "clear"}], alt
assert [notes(a) for a in alt] == [[], ["altsvc-invalid"], ["altsvc-invalid"]]
assert all(a["type_id"] == 10 for a in alt)
org = of("ORIGIN")
assert [o["origins"] for o in org] == [["https://example.test", "https://cdn.example.test"],
                                       ["https://other.example.test"]], org
assert [notes(o) for o in org] == [[], ["origin-invalid"]]
pu = of("PRIORITY_UPDATE")
assert [p["priority_update"] for p in pu] == [
    {"stream": 1, "value": "u=0, i", "urgency": 0, "incremental": True},
    {"stream": 3, "value": "u=9, i", "urgency": 3, "incremental": True},
    {"stream": 1, "value": "u=2", "urgency": 2, "incremental": False},
    {"stream": 0, "value": "u=2", "urgency": 2, "incremental": False}], pu
assert [notes(p) for p in pu] == [[], ["priority-field-invalid"], ["priority-update-invalid"],
                                  ["priority-update-invalid"]], [notes(p) for p in pu]
get = [f for f in of("HEADERS") if ["priority", "u=5"] in f.get("headers", [])]
assert get and get[0]["priority_field"] == {"urgency": 5, "incremental": False, "valid": True}
settings = [notes(f) for f in of("SETTINGS") if notes(f)]
assert settings == [["priorities-setting-changed"], ["connect-protocol-withdrawn"]], settings
connect = [f for f in of("HEADERS") if [":protocol", "websocket"] in f.get("headers", [])]
assert notes(connect[0]) == ["extended-connect-invalid"], connect
PY
python3 "$src/tests/cli/validate_json.py" "$src/docs/schema/v1" read.schema.json <"$work/read.json" ||
  fail "read --json does not validate"
echo "ok: ALTSVC, ORIGIN, PRIORITY_UPDATE and the priority field decoded, rules noted"

rc=0
"$H" read --lint "$cap" >"$work/lint.txt" || rc=$?
[ $rc = 1 ] || fail "lint exit $rc, want 1 (errors)"
ids=$(sed -n 's/.* \(error\|warning\|info\) \([a-z0-9-]*\): .*/\2/p' "$work/lint.txt" | tr '\n' ' ')
want="altsvc-invalid altsvc-invalid origin-invalid priority-field-invalid priorities-setting-changed \
priority-update-invalid priority-update-invalid connect-protocol-withdrawn extended-connect-invalid "
[ "$ids" = "$want" ] || fail "lint ids: $ids"
grep "priorities-setting-changed: the client changed SETTINGS_NO_RFC7540_PRIORITIES from 1 to 0" \
  "$work/lint.txt" >/dev/null || fail "no NO_RFC7540_PRIORITIES finding: $(cat "$work/lint.txt")"
grep "s2c stream 0 frame 18 #[0-9]* error connect-protocol-withdrawn" "$work/lint.txt" >/dev/null ||
  fail "no ENABLE_CONNECT_PROTOCOL finding"
"$H" read --lint --json "$cap" >"$work/lint.json" || true
python3 "$src/tests/cli/validate_json.py" "$src/docs/schema/v1" lint.schema.json <"$work/lint.json" ||
  fail "lint --json does not validate"
echo "ok: --lint reports the 9 findings, SARIF-able ids from the catalogue"

# A value other than 0 or 1 of either boolean setting is a connection error
# the frame codec reports (RFC 9218 §2.1, RFC 8441 §3).
for id in 8 9; do
  printf '\x00\x00\x06\x04\x00\x00\x00\x00\x00\x00'"\\x0$id"'\x00\x00\x00\x02' >"$work/s.bin"
  "$H" frames --json "$work/s.bin" >"$work/s.json" || true
  want=$([ $id = 9 ] && echo "RFC 9218 §2.1" || echo "RFC 8441 §3")
  grep "\"code\":\"settings-boolean\".*\"rfc_code\":\"PROTOCOL_ERROR\".*\"section\":\"$want\"" \
    "$work/s.json" >/dev/null || fail "setting $id = 2 not rejected: $(cat "$work/s.json")"
done
echo "ok: SETTINGS_NO_RFC7540_PRIORITIES and SETTINGS_ENABLE_CONNECT_PROTOCOL = 2 rejected"

# Malformed extension payloads (ALTSVC of 1 octet, an ORIGIN entry cut off,
# an empty ORIGIN, PRIORITY_UPDATE of 2 octets) print their header and no
# fields, in text and in valid JSON, under the sanitizers.
python3 -c "
import struct, sys
def fr(t, s, p): return struct.pack('>I', len(p))[1:] + struct.pack('>BBI', t, 0, s) + p
sys.stdout.buffer.write(fr(0xa, 0, b'\x00') + fr(0xc, 0, b'\x00\x09ht') + fr(0xc, 0, b'') +
                        fr(0x10, 0, b'\x00\x01') + fr(0x10, 0, b'\x00\x00\x00\x01'))" >"$work/odd.bin"
"$H" frames "$work/odd.bin" >"$work/odd.txt" || fail "frames on malformed extension payloads"
[ "$(grep -c '^\[' "$work/odd.txt")" = 5 ] || fail "frames: $(cat "$work/odd.txt")"
grep -x '    priority_update: stream=1 value="" (urgency=3 incremental=false)' "$work/odd.txt" \
  >/dev/null || fail "empty PRIORITY_UPDATE value: $(cat "$work/odd.txt")"
"$H" frames --json "$work/odd.bin" >"$work/odd.json"
python3 "$src/tests/cli/validate_json.py" "$src/docs/schema/v1" frames.schema.json <"$work/odd.json" ||
  fail "frames --json on malformed payloads does not validate"
echo "ok: malformed extension payloads shown without fields"
