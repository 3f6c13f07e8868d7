#!/usr/bin/env python3
"""filter_exprs.py SEED COUNT — prints COUNT random display filters (one per
line) from a seeded generator over the grammar of docs/filters.md: every
field, every operator (word and symbol forms), field presence, bit masks,
not/and/or with parentheses, strings with escapes, decimal and hex numbers,
with literals that the bundled captures make true as well as false."""
import random
import sys

seed, count = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(seed)

NUM = {
    "conn": ["1", "2", "3"],
    "stream": ["0", "1", "3", "13", "15", "0x27", "2"],
    "length": ["0", "4", "5", "8", "12", "13", "22", "40", "16384"],
    "offset": ["0", "24", "0x73", "180", "248"],
    "flags": ["0", "1", "4", "5", "0x25", "0x2d"],
    "status": ["200", "404", "500"],
    "error": ["NO_ERROR", "CANCEL", "PROTOCOL_ERROR", "0", "8"],
    "type": ["HEADERS", "data", "SETTINGS", "0", "2", "0x3", "PUSH_PROMISE", "GOAWAY",
             "CONTINUATION", "WINDOW_UPDATE"],
    "dir": ["c2s", "s2c", "client", "server", "0", "1"],
    "settings.max_concurrent_streams": ["100", "1000"],
    "settings.initial_window_size": ["65535", "16777216", "0x2000000"],
    "settings.header_table_size": ["4096"],
}
STR = {
    "method": ['"GET"', "GET", '"POST"'],
    "path": ['"/index.html"', '"/style.css"', '"/index.html?x=1"', "'/'"],
    "authority": ['"127.0.0.1:30769"', '"x"'],
    "scheme": ["http", '"https"'],
    "content-type": ['"text/css"', '"text/html"'],
    "content_type": ['"text/html"'],
    'header[":path"]': ['"/style.css"', '"/index.html"'],
    'header["user-agent"]': ['"nghttp2/1.52.0"'],
    'header["te"]': ['"trailers"'],
    'header["x-none"]': ['"a"'],
    'header[":status"]': ['"200"'],
    "event": ["close", '"connection"', "preface", "detect", "gap", "upgrade"],
    "lint": ['"connection-specific-field"', '"reset-flood"'],
    "severity": ["error", '"warning"'],
    "src": ['"127.0.0.1:34871"', '"127.0.0.1:50090"'],
    "dst": ['"127.0.0.1:34871"'],
}
BOOL = ["frame", "flags.end_stream", "flags.ack", "flags.end_headers", "flags.padded",
        "flags.priority"]
REGEX = ['"^/"', '"css$"', '"(?i)TEXT"', '"[0-9]+"', '"index|style"', '"\\\\.html"',
         '"^127\\\\.0"']
SUBSTR = ['"/"', '"css"', '"html"', '"\\x2f"', '"nghttp"', '"flood"', '"o"', '"\\""']
NUM_OPS = ["==", "!=", "<", "<=", ">", ">=", "eq", "ne", "lt", "le", "gt", "ge"]
STR_OPS = ["==", "!=", "<", ">", "contains", "matches", "~"]


def test():
    k = rnd.random()
    if k < 0.12:
        return rnd.choice(BOOL + list(STR) + list(NUM))
    if k < 0.2:
        f = rnd.choice(["flags", "stream", "length", "type"])
        return "%s & %s" % (f, rnd.choice(["0x1", "0x4", "0x8", "0x20", "1", "0x3"]))
    if k < 0.55:
        f = rnd.choice(list(NUM))
        return "%s %s %s" % (f, rnd.choice(NUM_OPS), rnd.choice(NUM[f]))
    if k < 0.62:
        return "%s == %s" % (rnd.choice(BOOL), rnd.choice(["0", "1"]))
    f = rnd.choice(list(STR))
    op = rnd.choice(STR_OPS)
    if op in ("matches", "~"):
        return "%s %s %s" % (f, op, rnd.choice(REGEX))
    if op == "contains":
        return "%s contains %s" % (f, rnd.choice(SUBSTR))
    return "%s %s %s" % (f, op, rnd.choice(STR[f]))


def expr(depth):
    k = rnd.random()
    if depth >= 3 or k < 0.35:
        return test()
    if k < 0.5:
        return "%s(%s)" % (rnd.choice(["not ", "!", "not "]), expr(depth + 1))
    if k < 0.6:
        return "(%s)" % expr(depth + 1)
    op = rnd.choice(["and", "or", "&&", "||"])
    return "%s %s %s" % (expr(depth + 1), op, expr(depth + 1))


for _ in range(count):
    print(expr(0))
