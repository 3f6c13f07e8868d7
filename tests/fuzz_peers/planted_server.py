#!/usr/bin/env python3
"""planted_server.py — a small HTTP/2 server (h2c prior knowledge, one
thread, every connection on one select loop) that behaves correctly except
for ONE planted bug, for the tests of `h2scope fuzz` (tests/cli/test_fuzz_*.sh).
The bugs hide behind a sequence of frames that none of the fixed check cases
sends, so `h2scope check` passes over them and only fuzzing finds them:

  crash  a HEADERS with both PADDED and PRIORITY set, on a connection whose
         client changed a setting (a SETTINGS frame, the first one included,
         that carries any setting; check's handshake sends an empty one):
         the server aborts (SIGABRT)
  hang   a PRIORITY_UPDATE (RFC 9218 §7.1) for a stream the client already
         opened: the server waits for that stream's scheduler forever and
         serves nobody any more
  leak   a RST_STREAM with an error code other than NO_ERROR and CANCEL (a
         client reporting an error) on a stream the client opened keeps 64 KiB
         of "error report" that are never freed
  none   no bug

usage: planted_server.py --port N --bug crash|hang|leak|none
Loopback only. Requires python3-hpack (scripts/install-deps.sh).
"""
import argparse
import os
import select
import socket
import struct
import sys
import time

from hpack import Decoder, Encoder
from hpack.exceptions import HPACKError

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, \
    CONTINUATION = range(10)
PRIORITY_UPDATE = 0x10
END_STREAM, ACK, END_HEADERS, PADDED, PRIO = 0x1, 0x1, 0x4, 0x8, 0x20
NO_ERROR, PROTOCOL_ERROR, FLOW_CONTROL_ERROR, STREAM_CLOSED, FRAME_SIZE_ERROR = 0, 1, 3, 5, 6
COMPRESSION_ERROR = 9
LEAKED = []  # the leak bug's buffers


class ConnError(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


class StreamError(Exception):
    def __init__(self, sid, code):
        super().__init__(code)
        self.sid, self.code = sid, code


def frame(ftype, flags, sid, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", sid) + payload


class Conn:
    def __init__(self, sock, bug):
        self.sock, self.bug = sock, bug
        self.buf = b""
        self.out = b""
        self.preface = False
        self.dec, self.enc = Decoder(), Encoder()
        self.streams = {}  # sid -> "open" | "half-closed"
        self.highest = 0
        self.settings_changed = False
        self.block = None  # (sid, fragments, end_stream) while a field block is open
        self.closing = False
        self.send(frame(SETTINGS, 0, 0, struct.pack(">HI", 3, 100)))

    def send(self, data):
        self.out += data

    def goaway(self, code):
        self.send(frame(GOAWAY, 0, 0, struct.pack(">II", self.highest, code)))
        self.closing = True

    def respond(self, sid):
        block = self.enc.encode([(":status", "200"), ("content-type", "text/plain")])
        self.send(frame(HEADERS, END_HEADERS, sid, block))
        self.send(frame(DATA, END_STREAM, sid, b"ok\n"))
        self.streams.pop(sid, None)

    def feed(self, data):
        self.buf += data
        if not self.preface:
            if len(self.buf) < len(PREFACE):
                return
            if not self.buf.startswith(PREFACE):
                raise ConnError(PROTOCOL_ERROR)
            self.preface = True
            self.buf = self.buf[len(PREFACE):]
        while len(self.buf) >= 9 and not self.closing:
            length = int.from_bytes(self.buf[:3], "big")
            if length > 16384:
                raise ConnError(FRAME_SIZE_ERROR)
            if len(self.buf) < 9 + length:
                return
            ftype, flags = self.buf[3], self.buf[4]
            sid = int.from_bytes(self.buf[5:9], "big") & 0x7FFFFFFF
            payload = self.buf[9:9 + length]
            self.buf = self.buf[9 + length:]
            try:
                self.frame(ftype, flags, sid, payload)
            except StreamError as e:
                self.streams.pop(e.sid, None)
                self.send(frame(RST_STREAM, 0, e.sid, struct.pack(">I", e.code)))

    def frame(self, ftype, flags, sid, payload):
        if self.block and ftype != CONTINUATION:
            raise ConnError(PROTOCOL_ERROR)  # RFC 9113 §6.10
        handler = {DATA: self.on_data, HEADERS: self.on_headers, PRIORITY: self.on_priority,
                   RST_STREAM: self.on_rst, SETTINGS: self.on_settings, PING: self.on_ping,
                   GOAWAY: self.on_goaway, WINDOW_UPDATE: self.on_window_update,
                   CONTINUATION: self.on_continuation, PUSH_PROMISE: self.on_push_promise,
                   PRIORITY_UPDATE: self.on_priority_update}.get(ftype)
        if handler:
            handler(flags, sid, payload)

    @staticmethod
    def unpad(flags, payload):
        if not flags & PADDED:
            return payload
        if not payload or payload[0] >= len(payload):
            raise ConnError(PROTOCOL_ERROR)  # §6.1, §6.2
        return payload[1:len(payload) - payload[0]]

    def on_data(self, flags, sid, payload):
        if sid == 0:
            raise ConnError(PROTOCOL_ERROR)
        data = self.unpad(flags, payload)
        if self.streams.get(sid) != "open":
            if sid > self.highest:
                raise ConnError(PROTOCOL_ERROR)
            raise StreamError(sid, STREAM_CLOSED)
        if len(payload):  # give the window back at once
            self.send(frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", len(payload))))
        if flags & END_STREAM:
            self.respond(sid)
        del data

    def on_headers(self, flags, sid, payload):
        if sid == 0 or sid % 2 == 0:
            raise ConnError(PROTOCOL_ERROR)
        if self.bug == "crash" and flags & PADDED and flags & PRIO and self.settings_changed:
            os.abort()  # the planted crash
        frag = self.unpad(flags, payload)
        if flags & PRIO:
            if len(frag) < 5:
                raise ConnError(FRAME_SIZE_ERROR)
            if int.from_bytes(frag[:4], "big") & 0x7FFFFFFF == sid:
                raise StreamError(sid, PROTOCOL_ERROR)
            frag = frag[5:]
        if sid in self.streams:
            if self.streams[sid] != "open" or not flags & END_STREAM:
                raise ConnError(PROTOCOL_ERROR)  # trailers must end the stream
        elif sid <= self.highest:
            raise ConnError(STREAM_CLOSED)  # §5.1.1
        else:
            self.highest = sid
        self.block = (sid, [frag], bool(flags & END_STREAM))
        if flags & END_HEADERS:
            self.end_block()

    def on_continuation(self, flags, sid, payload):
        if not self.block or self.block[0] != sid:
            raise ConnError(PROTOCOL_ERROR)
        self.block[1].append(payload)
        if flags & END_HEADERS:
            self.end_block()

    def end_block(self):
        sid, frags, end = self.block
        self.block = None
        try:
            fields = self.dec.decode(b"".join(frags), raw=True)
        except (HPACKError, ValueError, IndexError, UnicodeDecodeError):
            raise ConnError(COMPRESSION_ERROR)
        trailers = sid in self.streams
        if len(self.streams) >= 100 and not trailers:
            raise StreamError(sid, 7)  # REFUSED_STREAM over the announced limit
        names = [n for n, _ in fields]
        if not trailers:
            pseudo = {n: v for n, v in fields if n.startswith(b":")}
            if any(n not in (b":method", b":path", b":scheme", b":authority") for n in pseudo) \
                    or b":method" not in pseudo or (pseudo[b":method"] != b"CONNECT" and (
                        b":path" not in pseudo or b":scheme" not in pseudo)) \
                    or len(pseudo) != len([n for n in names if n.startswith(b":")]):
                raise StreamError(sid, PROTOCOL_ERROR)  # §8.3.1
        if any(n != n.lower() or n in (b"connection", b"transfer-encoding") for n in names):
            raise StreamError(sid, PROTOCOL_ERROR)  # §8.2.2
        self.streams[sid] = "half-closed" if end else "open"
        path = dict(fields).get(b":path", b"/")
        if end and path != b"/hold":
            self.respond(sid)

    def on_priority(self, flags, sid, payload):
        if sid == 0:
            raise ConnError(PROTOCOL_ERROR)
        if len(payload) != 5:
            raise StreamError(sid, FRAME_SIZE_ERROR)

    def on_rst(self, flags, sid, payload):
        if sid == 0:
            raise ConnError(PROTOCOL_ERROR)
        if len(payload) != 4:
            raise ConnError(FRAME_SIZE_ERROR)
        if sid > self.highest:
            raise ConnError(PROTOCOL_ERROR)  # idle stream, §6.4
        code = int.from_bytes(payload, "big")
        if self.bug == "leak" and code not in (NO_ERROR, 8) and sid % 2:
            LEAKED.append(b"L" * 65536)  # the planted leak
        self.streams.pop(sid, None)

    def on_settings(self, flags, sid, payload):
        if sid != 0:
            raise ConnError(PROTOCOL_ERROR)
        if flags & ACK:
            if payload:
                raise ConnError(FRAME_SIZE_ERROR)
            return
        if len(payload) % 6:
            raise ConnError(FRAME_SIZE_ERROR)
        changed = False
        for i in range(0, len(payload), 6):
            ident, value = struct.unpack(">HI", payload[i:i + 6])
            if ident == 2 and value > 1:
                raise ConnError(PROTOCOL_ERROR)
            if ident == 4 and value > 0x7FFFFFFF:
                raise ConnError(FLOW_CONTROL_ERROR)
            if ident == 5 and not 16384 <= value <= 16777215:
                raise ConnError(PROTOCOL_ERROR)
            if ident == 1:
                self.enc.header_table_size = min(value, 4096)
            changed = True
        if changed:
            self.settings_changed = True
        self.send(frame(SETTINGS, ACK, 0))

    def on_ping(self, flags, sid, payload):
        if sid != 0:
            raise ConnError(PROTOCOL_ERROR)
        if len(payload) != 8:
            raise ConnError(FRAME_SIZE_ERROR)
        if not flags & ACK:
            self.send(frame(PING, ACK, 0, payload))

    def on_goaway(self, flags, sid, payload):
        if sid != 0:
            raise ConnError(PROTOCOL_ERROR)
        self.closing = True

    def on_window_update(self, flags, sid, payload):
        if len(payload) != 4:
            raise ConnError(FRAME_SIZE_ERROR)
        if int.from_bytes(payload, "big") & 0x7FFFFFFF == 0:
            if sid == 0:
                raise ConnError(PROTOCOL_ERROR)
            raise StreamError(sid, PROTOCOL_ERROR)
        if sid > self.highest:
            raise ConnError(PROTOCOL_ERROR)

    def on_push_promise(self, flags, sid, payload):
        raise ConnError(PROTOCOL_ERROR)  # §8.4: clients never push

    def on_priority_update(self, flags, sid, payload):
        if sid != 0 or len(payload) < 4:
            raise ConnError(PROTOCOL_ERROR if sid else FRAME_SIZE_ERROR)  # RFC 9218 §7.1
        prioritized = int.from_bytes(payload[:4], "big") & 0x7FFFFFFF
        if self.bug == "hang" and prioritized and prioritized <= self.highest and prioritized % 2:
            while True:  # the planted hang: waits for a scheduler that never comes
                time.sleep(1)


def serve(port, bug):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(64)
    conns = {}
    while True:
        rl = [ls] + list(conns)
        wl = [s for s, c in conns.items() if c.out]
        readable, writable, _ = select.select(rl, wl, [], 1.0)
        for s in readable:
            if s is ls:
                cs, _ = ls.accept()
                cs.setblocking(False)
                conns[cs] = Conn(cs, bug)
                continue
            c = conns.get(s)
            if c is None:
                continue
            try:
                data = s.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if not data:
                c.closing, c.out = True, b""
            else:
                try:
                    c.feed(data)
                except ConnError as e:
                    c.goaway(e.code)
        for s, c in list(conns.items()):
            if c.out:
                try:
                    n = s.send(c.out)
                    c.out = c.out[n:]
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    c.out, c.closing = b"", True
            if c.closing and not c.out:
                s.close()
                del conns[s]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--bug", choices=["crash", "hang", "leak", "none"], required=True)
    a = ap.parse_args()
    try:
        serve(a.port, a.bug)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
