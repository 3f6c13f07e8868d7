"""grpc_edges.py OUT.pcap — a synthetic capture of gRPC edge cases for
test_grpc_edges.sh: one HTTP/2 connection (prior knowledge) from
10.0.0.1:41000 to 10.0.0.2:50051 whose streams carry
  1  a request message split over three DATA frames, then two messages in
     one frame; a gzip response message; trailers with grpc-status 3 and a
     grpc-message with a valid and an invalid percent-escape;
  3  a Message-Length past any limit (the rest of the stream is skipped);
  5  a gzip message whose deflate data is corrupt;
  7  a Trailers-Only response (grpc-status 12);
  9  a request message cut short by the end of the capture.
Header blocks are encoded by python3-hpack; the messages are protobuf
bytes built here (field 1 varint, field 2 string)."""
import gzip, struct, sys
import hpack

out = open(sys.argv[1], 'wb')
out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
seq = [1000, 9000]
ts = [1700000000.0]
enc = [hpack.Encoder(), hpack.Encoder()]

def packet(side, flags, payload=b''):
    src, dst = (bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))[::1 if side == 0 else -1]
    sp, dp = (41000, 50051) if side == 0 else (50051, 41000)
    tcp = struct.pack('>HHIIBBHHH', sp, dp, seq[side], seq[1 - side], 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0,
                     src, dst)
    frame = b'\x00\x00\x00\x00\x00\x02' + b'\x00\x00\x00\x00\x00\x01' + b'\x08\x00' + ip + tcp + payload
    t = ts[0]
    out.write(struct.pack('<IIII', int(t), int((t - int(t)) * 1e6), len(frame), len(frame)))
    out.write(frame)
    ts[0] += 0.001
    seq[side] = (seq[side] + len(payload) + (1 if flags & 0x03 else 0)) & 0xffffffff

def frame(t, fl, sid, p):
    return struct.pack('>I', len(p))[1:] + bytes([t, fl]) + struct.pack('>I', sid) + p

def headers(side, sid, fields, end=False):
    return frame(1, 0x4 | (0x1 if end else 0), sid, enc[side].encode(fields))

def data(sid, p, end=False):
    return frame(0, 0x1 if end else 0, sid, p)

def msg(body, flag=0):
    return bytes([flag]) + struct.pack('>I', len(body)) + body

def pb(n, s):  # field 1 = n (varint < 128), field 2 = s
    return bytes([0x08, n, 0x12, len(s)]) + s

def request(sid, extra=()):
    return headers(0, sid, [(':method', 'POST'), (':scheme', 'http'), (':path', '/h2scope.probe.Probe/Unary'),
                            (':authority', 'x'), ('content-type', 'application/grpc'), ('te', 'trailers')]
                   + list(extra))

def response(sid, extra=(), end=False):
    return headers(1, sid, [(':status', '200'), ('content-type', 'application/grpc')] + list(extra), end)

seq[0] -= 1; packet(0, 0x02); seq[1] -= 1; packet(1, 0x12); packet(0, 0x10)
packet(0, 0x18, b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' + frame(4, 0, 0, b''))
packet(1, 0x18, frame(4, 0, 0, b'') + frame(4, 1, 0, b''))
packet(0, 0x18, frame(4, 1, 0, b''))

# stream 1
m1 = msg(pb(1, b'first'))
packet(0, 0x18, request(1) + data(1, m1[:1]) + data(1, m1[1:4]))
packet(0, 0x18, data(1, m1[4:]) + data(1, msg(pb(2, b'second')) + msg(pb(3, b'third')), end=True))
packet(1, 0x18, response(1, [('grpc-encoding', 'gzip')]) + data(1, msg(gzip.compress(pb(4, b'zipped'), mtime=0), 1)))
packet(1, 0x18, headers(1, 1, [('grpc-status', '3'), ('grpc-message', 'bad%20input%zz%E2%82%AC')], end=True))
# stream 3
packet(0, 0x18, request(3) + data(3, b'\x00\x7f\xff\xff\xff' + b'x' * 50, end=True))
packet(1, 0x18, response(3) + headers(1, 3, [('grpc-status', '8')], end=True))
# stream 5
bad = bytearray(gzip.compress(pb(5, b'broken' * 10), mtime=0))
bad[12] ^= 0xff
packet(0, 0x18, request(5, [('grpc-encoding', 'gzip')]) + data(5, msg(bytes(bad), 1), end=True))
# stream 7
packet(0, 0x18, request(7) + data(7, msg(pb(7, b'seven')), end=True))
packet(1, 0x18, response(7, [('grpc-status', '12'), ('grpc-message', 'not here')], end=True))
# stream 9: 10 of 100 bytes, then the capture ends
packet(0, 0x18, request(9) + data(9, b'\x00\x00\x00\x00\x64' + b'\x08\x09' * 5))
out.close()
