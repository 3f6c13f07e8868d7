#!/usr/bin/env bash
# test_tlsdec_live.sh — `h2scope read --keylog` on HTTPS traffic recorded here
# and now on loopback between real peers: nghttpd, h2o and nginx over TLS 1.2
# and 1.3, fetched by curl (SSLKEYLOGFILE) and by Node's http2 client (its
# 'keylog' event), one tcpdump for all. Every connection must decrypt (ALPN
# h2, the negotiated version), and the frames and decoded header lists must
# equal what tshark decodes with the same key log (compare_tshark.py).
# Peers missing from the machine are reported and skipped
# (scripts/install-deps.sh installs them).
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
chmod 755 "$work"
. "$here/session_peers.sh"
trap 'cleanup_peers; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
for t in tcpdump tshark curl openssl; do
  have $t || { echo "SKIP: $t not installed"; exit 0; }
done

www=$work/www
mkdir -p "$www"
printf 'hello, h2 over tls\n' >"$www/small.txt"
head -c 200000 /dev/urandom >"$www/big.bin"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 2 -subj /CN=localhost 2>/dev/null
chmod 644 "$work/key.pem"

have nghttpd || { echo "SKIP: nghttpd not installed"; exit 0; }
start_tls_peers "$www" "$work" "$work/key.pem" "$work/cert.pem" nghttpd h2o nginx
ports=("${tls_ports[@]}")
p_nghttpd=${ports[0]}

start_capture "$work/tls.pcap" "${ports[@]}"
export SSLKEYLOGFILE=$work/keys.log
big_sum=$(sha256sum <"$www/big.bin" | cut -d' ' -f1)
conns=0
for port in "${ports[@]}"; do
  for v in 1.2 1.3; do
    got=$(timeout 30 curl -sk --http2 --tlsv$v --tls-max $v "https://127.0.0.1:$port/big.bin" | sha256sum | cut -d' ' -f1)
    [ "$got" = "$big_sum" ] || fail "curl TLS $v from port $port: body differs"
    timeout 30 curl -sk --http2 --tlsv$v --tls-max $v -H 'x-probe: tls' \
      "https://127.0.0.1:$port/small.txt" "https://127.0.0.1:$port/missing" >/dev/null
    conns=$((conns + 2))
  done
done
if have node; then
  cat >"$work/client.js" <<'JS'
// One HTTP/2 request over TLS, writing the TLS secrets in NSS key log format
// (the listener is on the TLS socket from the start, before the handshake).
const http2 = require('http2');
const tls = require('tls');
const fs = require('fs');
const port = Number(process.argv[2]);
const c = http2.connect('https://127.0.0.1:' + port, {
  createConnection: () => {
    const s = tls.connect({ host: '127.0.0.1', port, ALPNProtocols: ['h2'], rejectUnauthorized: false });
    s.on('keylog', (line) => fs.appendFileSync(process.env.SSLKEYLOGFILE, line));
    return s;
  },
});
const r = c.request({ ':path': '/small.txt', 'x-client': 'node' });
r.on('data', () => {});
r.on('end', () => c.close());
r.end();
JS
  timeout 30 node "$work/client.js" "$p_nghttpd" || fail "node client"
  conns=$((conns + 1))
else
  echo "SKIP: node not installed"
fi
stop_capture

# Frames and header lists equal tshark's with the same key log
# (compare_decoders in session_peers.sh).
out=$(compare_decoders "$H" "$work/tls.pcap" --keylog "$SSLKEYLOGFILE") || {
  keep=${TMPDIR:-/tmp}/h2scope-tlsdec-live-failure
  mkdir -p "$keep" && cp "$work/tls.pcap" "$SSLKEYLOGFILE" "$keep/"
  fail "h2scope and tshark differ (capture and key log kept in $keep): $out"
}
echo "$out"
# Every connection decrypted, ALPN h2.
"$H" read --json --keylog "$SSLKEYLOGFILE" "$work/tls.pcap" >"$work/read.json"
n_ok=$(grep -c '"event":"close".*"alpn":"h2".*"decrypted":true,"problem":null' "$work/read.json" || true)
[ "$n_ok" = "$conns" ] || fail "$n_ok of $conns connections decrypted with ALPN h2"
n12=$(grep -c '"event":"close".*"version":"TLS 1.2"' "$work/read.json" || true)
n13=$(grep -c '"event":"close".*"version":"TLS 1.3"' "$work/read.json" || true)
[ "$n12" -ge "${#ports[@]}" ] && [ "$n13" -ge "${#ports[@]}" ] ||
  fail "versions: $n12 TLS 1.2, $n13 TLS 1.3 connections"
if grep -q '"event":"notice"' "$work/read.json"; then
  grep '"event":"notice"' "$work/read.json" >&2
  fail "unexpected notice"
fi
# The request field sent by each client is there, decrypted and decoded.
grep -q '\["x-probe","tls"\]' "$work/read.json" || fail "curl's x-probe field not decoded"
if have node; then grep -q '\["x-client","node"\]' "$work/read.json" || fail "node's field"; fi
echo "ok: $conns TLS connections (${#ports[@]} servers, TLS 1.2 and 1.3, curl and node) decrypted, equal to tshark"
