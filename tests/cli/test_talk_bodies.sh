#!/usr/bin/env bash
# test_talk_bodies.sh — `read --exchanges` and `--export` on a capture this
# test records (tcpdump on loopback) of real peers: nginx with `gzip on`
# (curl --compressed, nghttp -a fetching a page and its assets), h2o with
# `compress: [br]`, and a Node http2 server sending zstd (made by the zstd
# CLI), br (zlib.brotliCompress), gzip-then-zstd, trailers with grpc-status,
# a reset stream, a corrupt gzip body and a gzip bomb, and taking a POST
# (curl --data-binary @file). Every exported response body must equal the
# file the server served, byte for byte, and the POST body what curl sent;
# the exchanges must agree with tshark (method, path, status, body sizes per
# stream); -j 4 output must equal -j 1; the bomb is reported (body-bomb) and
# not expanded past the limit; the corrupt body gives a decode-error with its
# offset; an existing export file is not overwritten. Needs root, tcpdump,
# nginx, h2o, node, curl, nghttp, zstd; skipped otherwise.
set -euo pipefail
H=${H2SCOPE:?}
src=${H2_SOURCE_DIR:?}
here=$src/tests/cli
for tool in tcpdump nginx h2o node curl nghttp zstd tshark; do
  if ! command -v $tool >/dev/null; then
    echo "skip: needs $tool"
    exit 0
  fi
done
if [ "$(id -u)" != 0 ]; then
  echo "skip: needs root (packet capture)"
  exit 0
fi
. "$here/session_peers.sh"
work=$(mktemp -d)
chmod 755 "$work"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# ---- the files served ----
www=$work/www
mkdir -p "$www"
python3 - "$www" <<'PY'
import os, random, sys
d = sys.argv[1]
r = random.Random(7)
words = ["stream", "frame", "window", "header", "body", "gzip", "brotli", "zstd", "peer", "data"]
with open(os.path.join(d, "text.txt"), "w") as f:
    for i in range(12000):
        f.write(" ".join(r.choice(words) for _ in range(8)) + " %d\n" % i)
with open(os.path.join(d, "data.json"), "w") as f:
    f.write("[" + ",".join('{"id":%d,"name":"item %d","ok":true}' % (i, i) for i in range(5000)) + "]\n")
with open(os.path.join(d, "style.css"), "w") as f:
    f.write("".join("p.c%d { color: #%06x; margin: %dpx }\n" % (i, r.randrange(1 << 24), i) for i in range(2000)))
with open(os.path.join(d, "app.js"), "w") as f:
    f.write("".join("function f%d(x) { return x * %d + %d; }\n" % (i, i, r.randrange(100)) for i in range(3000)))
with open(os.path.join(d, "bin.dat"), "wb") as f:
    f.write(bytes(r.randrange(256) for _ in range(150000)))
with open(os.path.join(d, "upload.bin"), "wb") as f:
    f.write(bytes(r.randrange(256) for _ in range(300000)))
with open(os.path.join(d, "page.html"), "w") as f:
    f.write('<!doctype html><html><head><link rel="stylesheet" href="/style.css">'
            '<script src="/app.js"></script></head><body>' + "<p>hello</p>" * 3000 + "</body></html>\n")
PY
zstd -q -19 "$www/text.txt" -o "$www/text.txt.zst"
zstd -q "$www/bin.dat" -o "$www/bin.dat.zst"
gzip -c "$www/data.json" | zstd -q -o "$www/data.json.gz.zst"
head -c 300M /dev/zero | gzip -1 | gzip -9 >"$www/bomb.gz.gz"
gzip -c "$www/text.txt" >"$www/corrupt.gz"
python3 - "$www/corrupt.gz" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
for i in range(len(b) // 2, len(b) // 2 + 200):
    b[i] ^= 0xA5
open(p, "wb").write(bytes(b))
PY
chmod -R a+rX "$www"

# ---- the peers ----
p_nginx=$(free_port)
p_h2o=$(free_port)
p_node=$(free_port)
NGINX_EXTRA="gzip on; gzip_types text/plain application/json text/css application/javascript; gzip_min_length 1;" \
  start_nginx "$www" "$p_nginx" "$work"
cat >"$work/h2o.conf" <<CONF
listen:
  host: 127.0.0.1
  port: $p_h2o
user: nobody
error-log: $work/h2o.err
access-log: /dev/null
hosts:
  default:
    paths:
      /:
        file.dir: $www
        compress: [br]
CONF
h2o -c "$work/h2o.conf" >/dev/null 2>&1 &
peer_pids+=($!)
wait_port "$p_h2o"
node "$here/talk_server.js" "$p_node" "$www" >"$work/node.out" 2>&1 &
peer_pids+=($!)
wait_port "$p_node"

cap=$work/talk.pcap
start_capture "$cap" "$p_nginx" "$p_h2o" "$p_node"
n="http://127.0.0.1:$p_nginx"
c() { curl -s --http2-prior-knowledge -o /dev/null "$@"; }
for f in text.txt data.json style.css bin.dat page.html; do c --compressed "$n/$f"; done
nghttp -n -a "$n/page.html" >/dev/null
c -H 'accept-encoding: br' "http://127.0.0.1:$p_h2o/text.txt"
c -H 'accept-encoding: br' "http://127.0.0.1:$p_h2o/app.js"
o="http://127.0.0.1:$p_node"
for u in zstd/text.txt zstd/bin.dat br/text.txt chain/data.json trailers bomb corrupt; do c "$o/$u"; done
c --data-binary "@$www/upload.bin" "$o/reset" || true
c --data-binary "@$www/upload.bin" -H 'content-type: application/octet-stream' "$o/upload"
stop_capture
[ -n "${TALK_KEEP_CAPTURE:-}" ] && cp "$cap" "$TALK_KEEP_CAPTURE"

# ---- exchanges and exported bodies ----
"$H" read "$cap" --exchanges --json -j 1 --export "$work/export" >"$work/ex.json" 2>"$work/ex.err" ||
  fail "read --exchanges --export: exit $?: $(cat "$work/ex.err")"
"$H" read "$cap" --exchanges --json -j 4 >"$work/ex4.json" 2>/dev/null
grep -v '"event"' "$work/ex.json" >"$work/ex1.only"
grep -v '"event"' "$work/ex4.json" >"$work/ex4.only"
cmp "$work/ex1.only" "$work/ex4.only" >/dev/null || fail "-j 4 exchanges differ from -j 1"
cmp "$work/ex.json" "$work/ex4.json" >/dev/null || fail "-j 4 output differs from -j 1"
# every exchange names the packets of its stream's first and last frame
"$H" read "$cap" --json -j 1 >"$work/frames.json" 2>/dev/null
python3 - "$work/ex.json" "$work/frames.json" <<'PY' || fail "exchange packet numbers"
import json, sys
# A record ends with its stream (docs/read-output.md: END_STREAM both ways or
# RST_STREAM from either side); frames still in flight after that (a client
# uploading while the server resets, say) are not part of it.
span, ended, ends = {}, set(), {}
for line in open(sys.argv[2]):
    o = json.loads(line)
    if "type" not in o or not o.get("stream"):
        continue
    k = (o["conn"], o["stream"])
    if k in ended:
        continue
    p = o["pkt"] if isinstance(o["pkt"], list) else [o["pkt"], o["pkt"]]
    a, b = span.get(k, (p[0], p[1]))
    span[k] = (min(a, p[0]), max(b, p[1]))
    if o["type"] == "RST_STREAM":
        ended.add(k)
    elif o["type"] in ("DATA", "HEADERS") and o["flags"] & 1:  # END_STREAM
        ends.setdefault(k, set()).add(o["dir"])
        if len(ends[k]) == 2:
            ended.add(k)
n = 0
for line in open(sys.argv[1]):
    x = json.loads(line).get("exchange")
    if not x:
        continue
    want = span[(x["conn"], x["stream"])]
    assert tuple(x["pkt"]) == want, (x["conn"], x["stream"], x["pkt"], want)
    n += 1
assert n > 10, n
PY
python3 - "$work/ex.json" "$work/export" "$www" "$p_nginx" "$p_h2o" "$p_node" <<'PY' || fail "exported bodies"
import json, os, sys
exf, exp, www, p_nginx, p_h2o, p_node = sys.argv[1:]
ex, events = [], []
for line in open(exf):
    o = json.loads(line)
    (ex if "exchange" in o else events).append(o.get("exchange", o))
bad = []
checked = {"nginx": 0, "h2o": 0, "node": 0}
encodings = set()
def same(name, want_file):
    got = open(os.path.join(exp, name), "rb").read()
    want = open(os.path.join(www, want_file), "rb").read()
    if got != want:
        bad.append("%s: %d bytes, %s has %d" % (name, len(got), want_file, len(want)))
    return got == want
for x in ex:
    port = x["server"].rsplit(":", 1)[1]
    name = "%d-%d-response" % (x["conn"], x["stream"])
    path, resp = x.get("path", ""), x["response"]
    if resp.get("content_encoding"):
        encodings.add(resp["content_encoding"])
    if not x["complete"]:
        bad.append("incomplete: %s" % path)
    if port in (p_nginx, p_h2o) and x.get("status") == 200:
        if same(name, path.lstrip("/")):
            checked["nginx" if port == p_nginx else "h2o"] += 1
    elif port == p_node:
        kind = path.split("/")[1]
        if kind in ("zstd", "br", "chain") and same(name, path.split("/", 2)[2]):
            checked["node"] += 1
        elif kind == "upload":
            if same("%d-%d-request" % (x["conn"], x["stream"]), "upload.bin"):
                checked["node"] += 1
            if x["request"]["wire"] != os.path.getsize(os.path.join(www, "upload.bin")):
                bad.append("upload wire size %d" % x["request"]["wire"])
        elif kind == "bomb":
            if resp["decoding"] != "body-bomb":
                bad.append("bomb: decoding %s" % resp["decoding"])
            if resp["decoded"] > 64 << 20:
                bad.append("bomb expanded to %d bytes" % resp["decoded"])
            checked["node"] += 1
        elif kind == "corrupt":
            if resp["decoding"] != "decode-error" or "decoding_offset" not in resp:
                bad.append("corrupt: %s" % resp)
            checked["node"] += 1
        elif kind == "trailers":
            if x.get("grpc_status") != "3" or x.get("grpc_message") != "bad thing" or len(x["trailers"]) != 2:
                bad.append("trailers: %s" % x)
            checked["node"] += 1
        elif kind == "reset":
            if x.get("reset", {}).get("name") != "CANCEL" or x["reset"]["by"] != "server":
                bad.append("reset: %s" % x.get("reset"))
            checked["node"] += 1
for e in ("gzip", "br", "zstd", "gzip, zstd", "gzip, gzip"):
    if e not in encodings:
        bad.append("no response with content-encoding %s" % e)
kinds = {e.get("event") for e in events}
for k in ("body-bomb", "decode-error"):
    if k not in kinds:
        bad.append("no %s event" % k)
if checked["nginx"] < 8 or checked["h2o"] < 2 or checked["node"] < 9:
    bad.append("too few bodies checked: %s" % checked)
if bad:
    print("\n".join(bad))
    sys.exit(1)
print("ok: %s bodies equal to the files served; encodings %s" % (checked, sorted(encodings)))
PY

# ---- agreement with tshark: method, path, status, body sizes per stream ----
python3 "$here/compare_talk_tshark.py" "$H" "$cap" "$p_nginx" "$p_h2o" "$p_node" ||
  fail "exchanges differ from tshark's"

# ---- the text table, --export-raw, files never overwritten, --follow ----
"$H" read "$cap" --exchanges >"$work/table" 2>&1
grep -E '^ +[0-9]+ +[0-9]+ +200 GET .* gzip .*/text.txt \[#[0-9]+-[0-9]+\]$' "$work/table" >/dev/null ||
  fail "no gzip text.txt line in the table: $(head -5 "$work/table")"
grep -E 'body-bomb' "$work/table" >/dev/null || fail "the table does not show the bomb"
"$H" read "$cap" -q --export "$work/raw" --export-raw
zline=$(grep '"path":"/zstd/text.txt"' "$work/ex.json")
zname=$(echo "$zline" | python3 -c 'import json,sys; x=json.load(sys.stdin)["exchange"]; print("%d-%d-response" % (x["conn"], x["stream"]))')
cmp "$work/raw/$zname" "$www/text.txt.zst" >/dev/null || fail "--export-raw of zstd/text.txt is not the .zst file"
if "$H" read "$cap" -q --export "$work/raw" --export-raw 2>"$work/again.err"; then
  fail "exporting over existing files succeeded"
fi
grep 'File exists (not overwritten)' "$work/again.err" >/dev/null || fail "no clear error: $(head -2 "$work/again.err")"
cmp "$work/raw/$zname" "$www/text.txt.zst" >/dev/null || fail "an existing file was changed"
conn=${zname%%-*}
stream=${zname#*-}
stream=${stream%%-*}
"$H" read "$cap" --follow "$conn:$stream" --data-max 200 >"$work/follow"
grep -E '^> :path: /zstd/text.txt$' "$work/follow" >/dev/null || fail "follow: no request: $(head "$work/follow")"
grep -E '^< content-encoding: zstd$' "$work/follow" >/dev/null || fail "follow: no response headers"
head -c 100 "$www/text.txt" | head -1 >"$work/first"
grep -F "$(cat "$work/first")" "$work/follow" >/dev/null || fail "follow: body not shown as text"
bline=$(grep '"path":"/zstd/bin.dat"' "$work/ex.json")
bconn=$(echo "$bline" | python3 -c 'import json,sys; x=json.load(sys.stdin)["exchange"]; print("%d:%d" % (x["conn"], x["stream"]))')
"$H" read "$cap" --follow "$bconn" --data-max 64 >"$work/follow.bin"
grep -E '^00000030  ' "$work/follow.bin" >/dev/null || fail "follow: binary body not a hex dump: $(cat "$work/follow.bin")"
echo "ok: table, --export-raw, no overwrite, --follow text and hex"

# HAR: the response bodies (text, or base64 for binary) equal the files, and
# the log validates against its schema.
"$H" read "$cap" -q --har "$work/talk.har"
python3 "$here/validate_json.py" "$src/docs/schema/v1" har.schema.json --document <"$work/talk.har" ||
  fail "HAR does not validate"
python3 - "$work/talk.har" "$www" <<'PY' || fail "HAR bodies"
import base64, json, os, sys
har, www = sys.argv[1:]
seen = set()
for e in json.load(open(har))["log"]["entries"]:
    url, c = e["request"]["url"], e["response"]["content"]
    for name in ("text.txt", "bin.dat", "data.json"):
        if url.endswith("/" + name) and "text" in c:
            body = base64.b64decode(c["text"]) if c.get("encoding") == "base64" else c["text"].encode()
            if body != open(os.path.join(www, name), "rb").read():
                sys.exit("HAR body of %s differs" % url)
            seen.add((name, c.get("encoding", "text")))
    if url.endswith("/bomb") and "text" in c:
        sys.exit("the bomb's body is in the HAR")
if not {("text.txt", "text"), ("bin.dat", "base64")} <= seen:
    sys.exit("HAR bodies missing: %s" % seen)
print("ok: HAR bodies %s" % sorted(seen))
PY

# The JSON lines validate against the schema.
python3 "$here/validate_json.py" "$src/docs/schema/v1" read.schema.json --min 20 <"$work/ex.json" ||
  fail "exchange lines do not validate"
echo ok
