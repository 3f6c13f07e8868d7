#!/usr/bin/env python3
"""pkt_per_file.py N — rewrites the packet numbers of `h2scope read` output
for a whole capture (stdin) into what the same capture cut into files of N
packets each (editcap -c N), read as one, must print (stdout): packet P is
packet (P-1)%N+1 of file (P-1)//N+1, numbered per file as Wireshark shows
each file. A range whose ends fall in different files keeps only its last
packet. Text "#P" / "#P-Q" become "#F:p" / "#F:p-q"; JSON "pkt" gains
"file"; a stall's begin_pkt and "packet P" in its message become per file."""
import re
import sys

n = int(sys.argv[1])


def split(p):
    p = int(p)
    return (p - 1) // n + 1, (p - 1) % n + 1


def text(m):
    lead, a, b = m.group(1), m.group(2), m.group(3)
    fb, pb = split(b or a)
    if b:
        fa, pa = split(a)
        if fa == fb:
            return "%s#%d:%d-%d " % (lead, fb, pa, pb)
    return "%s#%d:%d " % (lead, fb, pb)


def js(m):
    a, b = (m.group(2), m.group(3)) if m.group(2) else (m.group(1), None)
    fb, pb = split(b or a)
    if b:
        fa, pa = split(a)
        if fa == fb:
            return '"pkt":[%d,%d],"file":%d' % (pa, pb, fb)
    return '"pkt":%d,"file":%d' % (pb, fb)


for line in sys.stdin:
    line = re.sub(r'((?:\d\.\d{6}|frame \d+) )#(\d+)(?:-(\d+))? ', text, line)
    line = re.sub(r'"pkt":(?:(\d+)|\[(\d+),(\d+)\])', js, line)
    line = re.sub(r'"begin_pkt":(\d+)', lambda m: '"begin_pkt":%d' % split(m.group(1))[1], line)
    line = re.sub(r', packet (\d+)\)', lambda m: ', packet %d)' % split(m.group(1))[1], line)
    sys.stdout.write(line)
