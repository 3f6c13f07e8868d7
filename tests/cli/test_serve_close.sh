#!/usr/bin/env bash
# test_serve_close.sh — how `h2scope serve` ends a connection while the
# client is still sending: a client pipelines a connection error (a PING on
# stream 1, RFC 9113 §6.7) and 2 MiB of PINGs after it; serve reads part of
# it, answers GOAWAY PROTOCOL_ERROR and closes. The client must read the
# GOAWAY and then the end of the connection (FIN; over TLS close_notify),
# not a reset: closing a socket with unread bytes makes the kernel send RST,
# which can destroy the GOAWAY before the client reads it (serve now shuts
# its side and drains what the client still sends, docs/serve-security.md
# "Closing"). A closing connection that the client never closes is let go
# after about 2 s, and serve goes on serving.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
hostile() { timeout 60 python3 "$here/serve_hostile.py" "$@"; }

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 1 -subj /CN=127.0.0.1 2>/dev/null
p1=$(free_port)
start_serve "$p1"
serve_pid=${peer_pids[-1]}
p2=$(free_port)
start_serve "$p2" --tls "$work/cert.pem" "$work/key.pem"

for i in 1 2 3; do
  out=$(hostile pipelined "$p1" 2048 | tr '\n' ' ')
  [ "$out" = "goaway 1 eof " ] || fail "h2c, run $i: '$out' (want the GOAWAY PROTOCOL_ERROR, then the end)"
  out=$(hostile pipelined "$p2" 2048 tls | tr '\n' ' ')
  [ "$out" = "goaway 1 eof " ] || fail "TLS, run $i: '$out'"
done
echo "ok: GOAWAY then FIN (h2c) and close_notify (TLS), 3 runs each"

# A client that reads the GOAWAY and the FIN but never closes its side: the
# closing connection is dropped after the linger time (2 s), not kept.
fds() { find "/proc/$serve_pid/fd" -mindepth 1 -maxdepth 1 | wc -l; }
before=$(fds)
python3 - "$p1" <<'PY' &
import socket, struct, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
ping1 = b"\0\0\x08\x06\0\0\0\0\x01" + b"\0" * 8  # PING on stream 1
s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\0\0\0\x04\0\0\0\0\0" + ping1)
s.settimeout(5)
while s.recv(65536):
    pass
time.sleep(4)  # holds the socket open
PY
holder=$!
sleep 1
during=$(fds)
[ "$during" -gt "$before" ] || fail "the closing connection is not kept ($before descriptors, then $during)"
sleep 2.5
after=$(fds)
[ "$after" -eq "$before" ] || fail "a closing connection outlived the linger time ($before, then $after)"
wait "$holder"
echo "ok: a closing connection whose client never closes is let go after the linger time"

r=$(curl -s -m 5 --http2-prior-knowledge -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p1/")
[ "$r" = 200 ] || fail "GET after the closes: '$r'"
echo "ok: still serving"
