#!/usr/bin/env python3
"""record-ext-frames.py — writes the frames of ext-frames.pcap over a real TCP
connection on loopback (while tcpdump records it): a client and a server in
one process, h2c with prior knowledge, each side's frames built here
(python3-hpack for the header blocks). No peer installed here sends
PRIORITY_UPDATE (nghttp of Debian 12 has no RFC 9218 option), and the invalid
extension frames below are what no real peer sends on purpose:

client: SETTINGS NO_RFC7540_PRIORITIES=1; GET stream 1 with `priority: u=5`;
        PRIORITY_UPDATE for stream 1 "u=0, i"; PRIORITY_UPDATE for stream 3
        "u=9, i" (u out of range); SETTINGS NO_RFC7540_PRIORITIES=0 (a change,
        RFC 9218 §2.1); PRIORITY_UPDATE on stream 1 and one for stream 0 (both
        PROTOCOL_ERROR, §7.1); extended CONNECT :protocol websocket on stream 3
        after the server withdrew SETTINGS_ENABLE_CONNECT_PROTOCOL.
server: SETTINGS ENABLE_CONNECT_PROTOCOL=1; ALTSVC on stream 0 with origin;
        ALTSVC on stream 0 without origin and on stream 1 with one (ignored,
        RFC 7838 §4); ORIGIN on stream 0 with two origins, ORIGIN on stream 1
        (ignored, RFC 8336 §2.1); the response on stream 1; SETTINGS
        ENABLE_CONNECT_PROTOCOL=0 (RFC 8441 §3); RST_STREAM on 3; GOAWAY.

Usage: record-ext-frames.py PORT   (tests/captures/README says how it ran)
"""
import socket
import struct
import sys
import threading
import time

import hpack

PORT = int(sys.argv[1])
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def frame(ftype, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + struct.pack(">BBI", ftype, flags, stream) + payload


def settings(*pairs, ack=False):
    return frame(0x4, 1 if ack else 0, 0, b"".join(struct.pack(">HI", i, v) for i, v in pairs))


def altsvc(stream, origin, value):
    return frame(0xA, 0, stream, struct.pack(">H", len(origin)) + origin + value)


def origin(stream, *origins):
    return frame(0xC, 0, stream, b"".join(struct.pack(">H", len(o)) + o for o in origins))


def priority_update(stream, prioritized, value):
    return frame(0x10, 0, stream, struct.pack(">I", prioritized) + value)


def headers(enc, stream, fields, end_stream):
    return frame(0x1, 0x4 | (1 if end_stream else 0), stream, enc.encode(fields))


# Each step: (side, bytes); the sides alternate over one connection.
cenc, senc = hpack.Encoder(), hpack.Encoder()
steps = [
    ("c", PREFACE + settings((0x9, 1))),
    ("s", settings((0x8, 1)) + settings(ack=True)),
    ("c", settings(ack=True) + headers(cenc, 1, [(":method", "GET"), (":scheme", "http"),
                                                  (":path", "/"), (":authority", "example.test"),
                                                  ("priority", "u=5")], True)),
    ("c", priority_update(0, 1, b"u=0, i")),
    ("s", altsvc(0, b"https://example.test", b'h3=":443"; ma=86400')),
    ("s", altsvc(0, b"", b'h2=":8443"')),
    ("s", altsvc(1, b"https://example.test", b"clear")),
    ("s", origin(0, b"https://example.test", b"https://cdn.example.test")),
    ("s", origin(1, b"https://other.example.test")),
    ("c", priority_update(0, 3, b"u=9, i")),
    ("c", settings((0x9, 0))),
    ("s", settings(ack=True) + headers(senc, 1, [(":status", "200")], True)),
    ("c", priority_update(1, 1, b"u=2")),
    ("c", priority_update(0, 0, b"u=2")),
    ("s", settings((0x8, 0))),
    ("c", settings(ack=True) + headers(cenc, 3, [(":method", "CONNECT"), (":protocol", "websocket"),
                                                  (":scheme", "http"), (":path", "/chat"),
                                                  (":authority", "example.test")], False)),
    ("s", frame(0x3, 0, 3, struct.pack(">I", 0x1)) + frame(0x7, 0, 0, struct.pack(">II", 3, 0))),
]

listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", PORT))
listener.listen(1)
accepted = {}


def accept():
    accepted["s"], _ = listener.accept()


t = threading.Thread(target=accept)
t.start()
client = socket.create_connection(("127.0.0.1", PORT))
t.join()
socks = {"c": client, "s": accepted["s"]}
for side, data in steps:
    socks[side].sendall(data)
    time.sleep(0.05)
for s in socks.values():
    s.shutdown(socket.SHUT_WR)
time.sleep(0.2)
for s in socks.values():
    s.close()
listener.close()
