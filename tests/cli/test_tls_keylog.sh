#!/usr/bin/env bash
# test_tls_keylog.sh — SSLKEYLOGFILE makes h2scope's own TLS peers write an
# NSS key log (tls_conn.c), which `h2scope read --keylog` then uses: `serve
# --tls` and `get -k` each log their secrets while tcpdump records the
# connection, and either key log alone decrypts the capture (request path,
# response status, the close event's decryption verdict). `check --tls` and
# `replay --tls` log theirs too; the files are created mode 0600.
set -euo pipefail
H=${H2SCOPE:?}
C=${H2_SOURCE_DIR:?}/corpus/captures
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
for t in tcpdump openssl; do
  command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: tcpdump needs root"; exit 0; }

mkdir -p "$work/www"
printf 'secret body\n' >"$work/www/small.txt"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 2 -subj /CN=localhost 2>/dev/null
port=$(free_port)
SSLKEYLOGFILE=$work/serve.keys start_serve "$port" --dir "$work/www" \
  --tls "$work/cert.pem" "$work/key.pem"
start_capture "$work/tls.pcap" "$port"
got=$(SSLKEYLOGFILE=$work/get.keys timeout 30 "$H" get -k "https://127.0.0.1:$port/small.txt")
stop_capture
[ "$got" = "secret body" ] || fail "get over TLS: '$got'"

for who in get serve; do
  keys=$work/$who.keys
  [ -s "$keys" ] || fail "$who wrote no key log"
  [ "$(stat -c %a "$keys")" = 600 ] || fail "$who's key log has mode $(stat -c %a "$keys")"
  grep -qE '^(CLIENT_RANDOM|CLIENT_TRAFFIC_SECRET_0) [0-9a-f]{64} [0-9a-f]+$' "$keys" ||
    fail "$who's key log is not in the NSS format: $(head -2 "$keys")"
  "$H" read --json --keylog "$keys" "$work/tls.pcap" >"$work/$who.json"
  grep -q '"event":"close".*"alpn":"h2".*"decrypted":true,"problem":null' "$work/$who.json" ||
    fail "the capture does not decrypt with $who's key log"
  grep -q '"type":"HEADERS".*\[":path","/small.txt"\]' "$work/$who.json" ||
    fail "$who's key log: the request path is not decoded"
  grep -q '"type":"HEADERS".*\[":status","200"\]' "$work/$who.json" ||
    fail "$who's key log: the response status is not decoded"
done
echo "ok: the key logs of get and serve each decrypt the recorded connection"

# check and replay create their TLS contexts in the same place.
SSLKEYLOGFILE=$work/check.keys timeout 60 "$H" check --tls "127.0.0.1:$port" 9113/3.4 \
  >/dev/null || true
[ "$(grep -c . "$work/check.keys" 2>/dev/null || echo 0)" -gt 0 ] || fail "check wrote no key log"
SSLKEYLOGFILE=$work/replay.keys timeout 60 "$H" replay "$C/sample.pcapng" --tls -k \
  --to "127.0.0.1:$port" >/dev/null || true
[ "$(grep -c . "$work/replay.keys" 2>/dev/null || echo 0)" -gt 0 ] || fail "replay wrote no key log"
echo "ok: check and replay write key logs"

# An unwritable SSLKEYLOGFILE is said, and the fetch still works.
got=$(SSLKEYLOGFILE=/nonexistent-dir/k timeout 30 "$H" get -k "https://127.0.0.1:$port/small.txt" \
  2>"$work/err")
[ "$got" = "secret body" ] || fail "get with an unwritable key log: '$got'"
grep -q 'cannot open SSLKEYLOGFILE' "$work/err" || fail "no word about the unwritable key log"
echo "ok: an unwritable key log is reported"
