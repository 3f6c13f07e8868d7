#!/usr/bin/env python3
"""serve_hostile.py — hostile HTTP/2 clients for tests/cli/test_serve_hostile.sh
(loopback only; every mode is bounded in count and time and stops by itself).

  idle PORT N HOLD [SRC]     open N silent connections (from SRC, default
                             127.0.0.1), print "open N", hold them HOLD seconds;
                             print how many the server closed: "closed K of N"
  trickle PORT SECS          send the preface one byte every 0.3 s (slowloris);
                             print "closed after T s" or, after SECS, "open"
  h2idle PORT WAIT           preface + SETTINGS, then silence; print the GOAWAY
                             error code the server sent within WAIT s, or "none"
  raw PORT HEX               send bytes, print everything received (hex) until
                             the server closes (at most 5 s)
  truncate PORT PATH FILE    GET PATH with the default 64 KiB window; once the
                             window is used, truncate FILE to 1000 bytes and open
                             the window: print "rst CODE", "end" or "closed"
  madeyoureset PORT CONNS SECS RATE
                             CONNS connections, each HEADERS + zero-increment
                             WINDOW_UPDATE on new streams, RATE pairs/s in
                             total for at most SECS s; print one line per
                             connection: "goaway CODE DEBUG" or "none"
  fill PORT N BATCH PATH     N clients (BATCH at a time) that ask for PATH with
                             huge windows and read nothing, then close
  pipelined PORT KIB [tls]   preface, SETTINGS, a PING on stream 1 (a
                             connection error, RFC 9113 §6.7) and KIB KiB of
                             PINGs after it, in one go (over TLS with "tls");
                             then reads: "goaway CODE" per GOAWAY, and how the
                             connection ended: "eof" or "reset" (or "open")
"""
import os
import select
import socket
import struct
import sys
import time

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def frame(ftype, flags, sid, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", sid) + payload


def lit(name, value):  # literal field without indexing, no Huffman (RFC 7541 §6.2.2)
    return b"\x00" + bytes([len(name)]) + name + bytes([len(value)]) + value


def request_block(path):
    return (lit(b":method", b"GET") + lit(b":scheme", b"http") + lit(b":path", path.encode())
            + lit(b":authority", b"localhost"))


def connect(port, src=None, timeout=5):
    s = socket.socket()
    if src:
        s.bind((src, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    return s


class Frames:
    """Reads frames from a socket."""

    def __init__(self, sock):
        self.s, self.buf = sock, b""

    def next(self, deadline):
        while True:
            if len(self.buf) >= 9:
                n = int.from_bytes(self.buf[:3], "big")
                if len(self.buf) >= 9 + n:
                    f = (self.buf[3], self.buf[4], int.from_bytes(self.buf[5:9], "big") & 0x7FFFFFFF,
                         self.buf[9:9 + n])
                    self.buf = self.buf[9 + n:]
                    return f
            left = deadline - time.time()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                d = self.s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                return None
            if not d:
                return "closed"
            self.buf += d


def is_closed(s):
    r, _, _ = select.select([s], [], [], 0)
    if not r:
        return False
    try:
        return s.recv(65536, socket.MSG_PEEK) == b""
    except ConnectionResetError:
        return True


def mode_idle(port, n, hold, src="127.0.0.1"):
    socks = [connect(int(port), src) for _ in range(int(n))]
    print("open %d" % len(socks), flush=True)
    end = time.time() + float(hold)
    while time.time() < end:
        time.sleep(0.1)
    print("closed %d of %d" % (sum(is_closed(s) for s in socks), len(socks)))


def mode_trickle(port, secs):
    s = connect(int(port))
    start, i = time.time(), 0
    while time.time() - start < float(secs):
        try:
            s.send(PREFACE[i % len(PREFACE):i % len(PREFACE) + 1])
        except (BrokenPipeError, ConnectionResetError):
            break
        i += 1
        if is_closed(s):
            break
        time.sleep(0.3)
    else:
        print("open")
        return
    print("closed after %.1f s" % (time.time() - start))


def mode_h2idle(port, wait):
    s = connect(int(port))
    s.sendall(PREFACE + frame(4, 0, 0))
    fr, end = Frames(s), time.time() + float(wait)
    while True:
        f = fr.next(end)
        if f is None or f == "closed":
            print("none")
            return
        if f[0] == 7:
            print("goaway %d" % int.from_bytes(f[3][4:8], "big"))
            return


def mode_raw(port, hexbytes):
    s = connect(int(port))
    s.sendall(bytes.fromhex(hexbytes))
    out, end = b"", time.time() + 5
    while time.time() < end:
        s.settimeout(max(0.01, end - time.time()))
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            break
        if not d:
            break
        out += d
    print(out.hex())


def mode_truncate(port, path, file):
    s = connect(int(port))
    s.sendall(PREFACE + frame(4, 0, 0) + frame(1, 5, 1, request_block(path)))
    fr, end, got = Frames(s), time.time() + 10, 0
    while got < 65535:
        f = fr.next(end)
        if f is None or f == "closed":
            print("stalled at %d" % got)
            return
        if f[0] == 0 and f[2] == 1:
            got += len(f[3])
    os.truncate(file, 1000)
    s.sendall(frame(8, 0, 0, struct.pack(">I", 1 << 24)) + frame(8, 0, 1, struct.pack(">I", 1 << 24)))
    while True:
        f = fr.next(end)
        if f is None or f == "closed":
            print("closed")
            return
        if f[0] == 3 and f[2] == 1:
            print("rst %d" % int.from_bytes(f[3][:4], "big"))
            return
        if f[0] == 0 and f[2] == 1 and f[1] & 1:
            print("end")
            return


def mode_madeyoureset(port, conns, secs, rate):
    conns, secs, rate = int(conns), float(secs), float(rate)
    socks = []
    for _ in range(conns):
        s = connect(int(port))
        s.sendall(PREFACE + frame(4, 0, 0))
        socks.append([s, Frames(s), 1, None])
    block = request_block("/")
    start, batch = time.time(), 50
    per_conn = rate / conns
    while time.time() - start < secs and any(c[3] is None for c in socks):
        for c in socks:
            if c[3] is not None:
                continue
            # stay at RATE pairs per second in total
            due = int((time.time() - start) * per_conn) + batch
            out = b""
            while (c[2] - 1) // 2 < due:
                out += frame(1, 4, c[2], block) + frame(8, 0, c[2], b"\0\0\0\0")
                c[2] += 2
            try:
                c[0].sendall(out)
            except (BrokenPipeError, ConnectionResetError):
                c[3] = "closed"
            while c[3] is None:
                f = c[1].next(time.time() + 0.001)
                if f is None:
                    break
                if f == "closed":
                    c[3] = "closed"
                elif f[0] == 7:
                    c[3] = "goaway %d %s" % (int.from_bytes(f[3][4:8], "big"), f[3][8:].decode())
        time.sleep(0.005)
    for c in socks:
        print(c[3] or "none")


def mode_fill(port, n, batch, path):
    req = (PREFACE + frame(4, 0, 0, struct.pack(">HI", 4, 0x7FFFFFFF))
           + frame(8, 0, 0, struct.pack(">I", 0x7FFFFFFF - 65535)) + frame(1, 5, 1, request_block(path)))
    done, n, batch = 0, int(n), int(batch)
    while done < n:
        socks = []
        for _ in range(min(batch, n - done)):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(("127.0.0.1", int(port)))
            s.sendall(req)
            socks.append(s)
        time.sleep(0.3)
        for s in socks:
            s.close()
        done += len(socks)


def mode_pipelined(port, kib, tls=""):
    s = connect(int(port), timeout=10)
    if tls:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        ctx.set_alpn_protocols(["h2"])
        s = ctx.wrap_socket(s)
    ping = frame(6, 0, 0, b"\0" * 8)
    data = PREFACE + frame(4, 0, 0) + frame(6, 0, 1, b"\0" * 8)
    data += ping * (int(kib) * 1024 // len(ping))
    try:
        s.sendall(data)
    except OSError:
        pass  # the server closed while we were sending: what follows says how
    fr, end = Frames(s), time.time() + 10
    while True:
        try:
            f = fr.next(end)
        except OSError as e:  # TLS: an ssl.SSLError instead of a clean end
            print("error %s" % type(e).__name__)
            return
        if f is None:  # Frames.next: a timeout, or a reset before it
            print("open" if time.time() >= end else "reset")
            return
        if f == "closed":
            print("eof")
            return
        if f[0] == 7:
            print("goaway %d" % int.from_bytes(f[3][4:8], "big"), flush=True)


if __name__ == "__main__":
    modes = {"idle": mode_idle, "trickle": mode_trickle, "h2idle": mode_h2idle, "raw": mode_raw,
             "truncate": mode_truncate, "madeyoureset": mode_madeyoureset, "fill": mode_fill,
             "pipelined": mode_pipelined}
    modes[sys.argv[1]](*sys.argv[2:])
