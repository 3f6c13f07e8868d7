#!/usr/bin/env python3
"""monitor_target.py PORT MODE - a stand-in target for tests/test_target_monitor.c.

It listens on 127.0.0.1:PORT. The first connection is the monitor's
readiness probe and is closed at once; every later connection triggers MODE:

  serve     close it (nothing else)
  silent    keep it open and never answer (a canary must time out)
  exit3     print 300 numbered lines and "bye" to stderr, then exit with code 3
  segv      die of SIGSEGV
  asan      print an AddressSanitizer-like report to stderr, exit with code 1
  grow      keep 32 MiB more of resident memory, then close it
  spin      burn 0.3 s of CPU time, then close it
  childspin close it; a child process burns 0.3 s of CPU time and exits
  family    (at start) start a child "sleep 1000" and print "child PID" on stdout
  stubborn  (at start) ignore SIGTERM
"""
import os
import signal
import socket
import subprocess
import sys
import time

port, mode = int(sys.argv[1]), sys.argv[2]
if mode == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if mode == "family":
    child = subprocess.Popen(["sleep", "1000"])
    print("child %d" % child.pid, flush=True)

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(16)
kept = []
first = True
while True:
    conn, _ = srv.accept()
    if first:
        first = False
        conn.close()
        continue
    if mode == "silent":
        kept.append(conn)
        continue
    if mode == "exit3":
        for i in range(300):
            sys.stderr.write("line %d\n" % i)
        sys.stderr.write("bye\n")
        sys.stderr.flush()
        sys.exit(3)
    if mode == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    if mode == "asan":
        sys.stderr.write("=================================================================\n")
        sys.stderr.write("==4242==ERROR: AddressSanitizer: heap-use-after-free on address "
                         "0x602000000010 at pc 0x55d5 bp 0x7ffc sp 0x7ffc\n")
        sys.stderr.write("READ of size 1 at 0x602000000010 thread T0\n")
        sys.stderr.flush()
        sys.exit(1)
    if mode == "grow":
        kept.append(b"x" * (32 << 20))
    if mode == "childspin":
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children reaped at once
        if os.fork() == 0:
            conn.close()
            until = time.process_time() + 0.3
            while time.process_time() < until:
                pass
            os._exit(0)
    if mode == "spin":
        until = time.process_time() + 0.3
        while time.process_time() < until:
            pass
    conn.close()
