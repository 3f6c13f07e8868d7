#!/usr/bin/env python3
"""make-lint-seeds.py — seeds for the lint_observer fuzz target, made from the
recorded captures of corpus/captures/: the frames of each capture's first
HTTP/2 connection in capture order, as lint_observer.c's records (option
byte, then per frame a ctl byte with the sender and the time step, and the
frame). Needs tshark. Usage: fuzz/make-lint-seeds.py [ROOT]"""
import os
import subprocess
import sys

MAX_SEED = 32768
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def packets(path):
    out = subprocess.run(
        ["tshark", "-r", path, "-Y", "tcp.len>0", "-T", "fields", "-e", "frame.time_epoch",
         "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tcp.payload"],
        check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        ts, stream, sport, payload = line.split("\t")
        yield float(ts), int(stream), int(sport), bytes.fromhex(payload.replace(":", ""))


def seed(path, opt):
    bufs = [b"", b""]
    started = [False, False]
    client_port, first_stream, last_ts = None, None, None
    records = bytearray([opt])
    pkts = list(packets(path))
    for ts, stream, sport, payload in pkts:  # the client sends the preface or the request
        if PREFACE in payload or payload.split(b" ")[0] in (b"GET", b"POST", b"HEAD", b"OPTIONS"):
            first_stream, client_port = stream, sport
            break
    for ts, stream, sport, payload in pkts:
        if stream != first_stream:
            continue
        d = 0 if sport == client_port else 1
        bufs[d] += payload
        if not started[d]:
            if d == 0:
                i = bufs[0].find(PREFACE)
                if i < 0:
                    continue
                bufs[0] = bufs[0][i + len(PREFACE):]
            else:
                if bufs[1].startswith(b"HTTP/1.1"):
                    i = bufs[1].find(b"\r\n\r\n")
                    if i < 0:
                        continue
                    bufs[1] = bufs[1][i + 4:]
            started[d] = True
        while len(bufs[d]) >= 9:
            n = 9 + int.from_bytes(bufs[d][:3], "big")
            if len(bufs[d]) < n:
                break
            step = 0 if last_ts is None else min(int((ts - last_ts) * 1000), 63)
            last_ts = ts
            if len(records) + n > MAX_SEED:
                return bytes(records)
            records.append(d | (step << 2))
            records += bufs[d][:n]
            bufs[d] = bufs[d][n:]
    return bytes(records) if started[0] else None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))
    caps = os.path.join(root, "corpus", "captures")
    out = os.path.join(root, "corpus", "lint_observer")
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(caps)):
        if not name.endswith((".pcap", ".pcapng")):
            continue
        base = os.path.splitext(name)[0]
        opt = 1 if base == "upgrade" else 0
        for suffix, o in (("", opt), ("-tiny", opt | 4 | 0x10)):
            s = seed(os.path.join(caps, name), o)
            if s:
                with open(os.path.join(out, base + suffix), "wb") as f:
                    f.write(s)
                print(base + suffix, len(s))


if __name__ == "__main__":
    main()
