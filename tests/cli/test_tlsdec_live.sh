#!/usr/bin/env bash
# test_tlsdec_live.sh — `h2scope read --keylog` on HTTPS traffic recorded here
# and now on loopback between real peers: nghttpd, h2o and nginx over TLS 1.2
# and 1.3, fetched by curl (SSLKEYLOGFILE) and by Node's http2 client (its
# 'keylog' event; a second connection that resumes the TLS session) and by
# openssl's client resuming with TLS 1.3 0-RTT data (nginx accepts it), one
# tcpdump for all. Every connection must decrypt (ALPN h2, the negotiated
# version), and the frames and decoded header lists must equal what tshark
# decodes with the same key log (compare_decoders in session_peers.sh).
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
# nginx accepts TLS 1.3 0-RTT data (for the openssl client below)
NGINX_EXTRA="ssl_early_data on;" start_tls_peers "$www" "$work" "$work/key.pem" "$work/cert.pem" \
  nghttpd h2o nginx
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
// HTTP/2 requests over TLS VERSION on two connections, the second resuming
// the first one's TLS session (an abbreviated TLS 1.2 handshake, a TLS 1.3
// PSK), as browsers do; the TLS secrets of both go to the key log in NSS
// format (the listener is on the TLS socket from the start). Prints
// "resumed" when the second connection did resume.
const http2 = require('http2');
const tls = require('tls');
const fs = require('fs');
const port = Number(process.argv[2]), version = process.argv[3];
let session;
function request(n) {
  return new Promise((resolve, reject) => {
    let sock;
    const c = http2.connect('https://127.0.0.1:' + port, {
      createConnection: () => {
        sock = tls.connect({ host: '127.0.0.1', port, ALPNProtocols: ['h2'],
                             rejectUnauthorized: false, minVersion: version,
                             maxVersion: version, session });
        sock.on('keylog', (line) => fs.appendFileSync(process.env.SSLKEYLOGFILE, line));
        sock.on('session', (s) => { session = s; });
        return sock;
      },
    });
    c.on('error', reject);
    const r = c.request({ ':path': '/small.txt', 'x-client': 'node', 'x-conn': String(n) });
    r.on('data', () => {});
    r.on('end', () => {
      const resumed = sock.isSessionReused();
      setTimeout(() => { c.close(); resolve(resumed); }, 100); // the ticket may come late
    });
    r.end();
  });
}
(async () => {
  await request(1);
  if (await request(2)) console.log('resumed');
})().catch((e) => { console.error(e); process.exit(1); });
JS
  for v in TLSv1.2 TLSv1.3; do
    timeout 30 node "$work/client.js" "$p_nghttpd" $v >"$work/node.out" || fail "node client ($v)"
    grep -qx resumed "$work/node.out" || fail "node did not resume the TLS session ($v)"
    conns=$((conns + 2))
  done
else
  echo "SKIP: node not installed"
fi
# TLS 1.3 0-RTT: openssl's client resumes its session with nginx and sends
# the connection preface, SETTINGS and a request as early data.
p_nginx=
for p in "${ports[@]}"; do
  grep -q "127.0.0.1:$p ssl" "$work/nginx/nginx.conf" 2>/dev/null && p_nginx=$p
done
early=0
if [ -n "$p_nginx" ]; then
  # HPACK (RFC 7541 Appendix A): GET, https, :path and :authority literals, x-early: yes
  python3 -c '
import sys
block = bytes([0x82, 0x87, 0x04, 10]) + b"/small.txt" + bytes([0x41, 9]) + b"localhost"
block += bytes([0x40, 7]) + b"x-early" + bytes([3]) + b"yes"
settings = bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])
headers = len(block).to_bytes(3, "big") + bytes([1, 5, 0, 0, 0, 1]) + block
sys.stdout.buffer.write(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + settings + headers)' >"$work/early.bin"
  (cat "$work/early.bin"; sleep 0.5) | timeout 10 openssl s_client -quiet -tls1_3 -alpn h2 \
    -connect "127.0.0.1:$p_nginx" -sess_out "$work/sess.pem" -keylogfile "$SSLKEYLOGFILE" \
    >/dev/null 2>&1 || true
  (sleep 0.5) | timeout 10 openssl s_client -quiet -tls1_3 -alpn h2 -connect "127.0.0.1:$p_nginx" \
    -sess_in "$work/sess.pem" -early_data "$work/early.bin" -keylogfile "$SSLKEYLOGFILE" \
    >/dev/null 2>&1 || true
  conns=$((conns + 2))
  early=1
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
# The 0-RTT connection: accepted, its request decoded from the early data.
if [ $early = 1 ]; then
  "$H" read --json --keylog "$SSLKEYLOGFILE" "$work/tls.pcap" >"$work/early.json"
  grep -q '"event":"close".*"early_data":"accepted"' "$work/early.json" ||
    fail "no connection with accepted 0-RTT data"
  grep -q '"dir":"c2s".*"type":"HEADERS".*\["x-early","yes"\]' "$work/early.json" ||
    fail "the 0-RTT request is not decoded"
fi
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
if have node; then
  grep -q '\["x-client","node"\]' "$work/read.json" || fail "node's field"
  # the requests on the resumed connections (TLS 1.2 and 1.3), decrypted and decoded
  [ "$(grep -c '\["x-conn","2"\]' "$work/read.json")" = 2 ] || fail "resumed connections"
fi
echo "ok: $conns TLS connections (${#ports[@]} servers, TLS 1.2 and 1.3, curl, node and openssl, resumed sessions, 0-RTT) decrypted, equal to tshark"
