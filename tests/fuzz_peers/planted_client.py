#!/usr/bin/env python3
"""planted_client.py — a small HTTP/2 client (h2c prior knowledge, raw
socket, one request) that behaves plainly except for ONE planted bug, for
the client-mode test of `h2scope fuzz` (tests/cli/test_fuzz_planted_client.sh):

  crash  an ALTSVC (RFC 7838, type 0xa) or ORIGIN (RFC 8336, type 0xc)
         frame from the server, whatever its stream and flags: the client's
         extension-frame path aborts (SIGABRT). None of the fixed client
         cases of `h2scope check --client` sends either frame type.
  none   no bug

The client connects to 127.0.0.1:PORT, sends the preface, an empty
SETTINGS and a GET on stream 1, acknowledges the server's SETTINGS and
PINGs, and ends (exit 0) when the server closes the connection or sends
GOAWAY, or after --idle seconds without bytes. It does not check what the
server sends otherwise (a lax client is fine here: only the crash matters).

usage: planted_client.py --port N [--bug crash|none] [--idle S]
Loopback only. Requires python3-hpack (scripts/install-deps.sh).
"""
import argparse
import os
import socket
import struct
import sys

from hpack import Encoder

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
HEADERS, SETTINGS, PING, GOAWAY = 0x1, 0x4, 0x6, 0x7
ALTSVC, ORIGIN = 0xA, 0xC
ACK, END_STREAM, END_HEADERS = 0x1, 0x1, 0x4


def frame(ftype, flags, sid, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", sid) + payload


def run(port, bug, idle):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.settimeout(idle)
    req = Encoder().encode([(":method", "GET"), (":scheme", "http"), (":path", "/"),
                            (":authority", "127.0.0.1:%d" % port)])
    s.sendall(PREFACE + frame(SETTINGS, 0, 0) + frame(HEADERS, END_STREAM | END_HEADERS, 1, req))
    buf = b""
    while True:
        try:
            data = s.recv(65536)
        except (socket.timeout, OSError):
            return 0
        if not data:
            return 0
        buf += data
        while len(buf) >= 9:
            length = int.from_bytes(buf[:3], "big")
            if len(buf) < 9 + length:
                break
            ftype, flags = buf[3], buf[4]
            sid = int.from_bytes(buf[5:9], "big") & 0x7FFFFFFF
            payload = buf[9:9 + length]
            buf = buf[9 + length:]
            if bug == "crash" and ftype in (ALTSVC, ORIGIN) and sid == 0:
                os.abort()  # the planted crash
            out = b""
            if ftype == SETTINGS and not flags & ACK:
                out = frame(SETTINGS, ACK, 0)
            elif ftype == PING and not flags & ACK and length == 8:
                out = frame(PING, ACK, 0, payload)
            elif ftype == GOAWAY:
                return 0
            if out:
                try:
                    s.sendall(out)
                except OSError:
                    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--bug", choices=["crash", "none"], default="crash")
    ap.add_argument("--idle", type=float, default=5.0)
    a = ap.parse_args()
    return run(a.port, a.bug, a.idle)


if __name__ == "__main__":
    sys.exit(main())
