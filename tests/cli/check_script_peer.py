#!/usr/bin/env python3
"""check_script_peer.py MODE PORT LOG -- a scripted h2c server for the tests
of `h2scope check`'s wait and -j (test_check_barrier.sh): it plays one
behaviour that real servers show only by chance, and logs per connection when
it opened, when its first and last frame arrived, and how many came.

Modes:
  chatty  answers no request; after acknowledging the first PING it sends a
          WINDOW_UPDATE every 50 ms (100 at most, then closes), so the
          connection never goes quiet: only the PING barrier can end a wait.
  late    acknowledges every PING at once; a complete request (END_STREAM)
          is answered only 0.1 s after that ACK, with :status 400 and
          RST_STREAM(PROTOCOL_ERROR) -- the way an application answers after
          the framing layer has acknowledged the PING.
  gather  holds its SETTINGS until two connections have sent their preface
          and are open at once (3 s at most), then answers requests with
          :status 200 and PINGs at once; the log says per connection whether
          that happened (gathered=1) or the 3 s ran out (gathered=0).
Runs until killed (the test's trap); every connection is bounded in time.
"""
import socket
import struct
import sys
import threading
import time

MODE, PORT, LOG = sys.argv[1], int(sys.argv[2]), sys.argv[3]
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
lock = threading.Lock()
cond = threading.Condition(lock)
live = 0  # connections past their preface and not closed
gathered = False  # two were live at once
next_id = 0


def log(line):
    with lock:
        with open(LOG, "a") as f:
            f.write(line + "\n")


def frame(ftype, flags, sid, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", sid) + payload


def read_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def chatter(conn):
    try:
        for _ in range(100):
            time.sleep(0.05)
            conn.sendall(frame(8, 0, 0, struct.pack(">I", 1)))
    except OSError:
        return
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def serve(conn, cid):
    global live, gathered
    conn.settimeout(30)
    frames = 0
    first = last = None
    owed = []  # complete requests not answered yet (late mode)
    chatting = False
    was_live = met = False
    try:
        if read_exact(conn, len(PREFACE)) != PREFACE:
            return
        with cond:
            live += 1
            was_live = True
            gathered = gathered or live >= 2
            cond.notify_all()
            if MODE == "gather":
                met = cond.wait_for(lambda: gathered, timeout=3)
        while True:
            hd = read_exact(conn, 9)
            if hd is None:
                return
            length = struct.unpack(">I", b"\0" + hd[:3])[0]
            ftype, flags = hd[3], hd[4]
            sid = struct.unpack(">I", hd[5:9])[0] & 0x7FFFFFFF
            payload = read_exact(conn, length)
            if payload is None:
                return
            last = time.monotonic()
            first = first or last
            frames += 1
            if ftype == 4 and not flags & 1:  # SETTINGS
                conn.sendall(frame(4, 0, 0) + frame(4, 1, 0))
            elif ftype == 1 and flags & 1:  # HEADERS with END_STREAM
                if MODE == "late":
                    owed.append(sid)
                elif MODE == "gather":
                    conn.sendall(frame(1, 5, sid, b"\x88"))  # :status 200
            elif ftype == 6 and not flags & 1:  # PING
                conn.sendall(frame(6, 1, 0, payload))
                if MODE == "chatty" and not chatting:
                    chatting = True
                    threading.Thread(target=chatter, args=(conn,), daemon=True).start()
                if MODE == "late" and owed:
                    time.sleep(0.1)
                    for s in owed:
                        conn.sendall(frame(1, 4, s, b"\x8c") + frame(3, 0, s, struct.pack(">I", 1)))
                    owed = []
    except OSError:
        return
    finally:
        with cond:
            live -= 1 if was_live else 0
            cond.notify_all()
        log("conn %d frames=%d first=%.6f last=%.6f gathered=%d" % (cid, frames, first or 0, last or 0, met))
        conn.close()


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", PORT))
srv.listen(64)
while True:
    c, _ = srv.accept()
    next_id += 1
    cid = next_id
    threading.Thread(target=serve, args=(c, cid), daemon=True).start()
