"""grpc_peer.py — gRPC's C core (Debian's python3-grpcio, its own HTTP/2
stack, chttp2) as a server and a client for test_grpc_live.sh, without
protobuf: generic handlers, bytes in and bytes out.

  grpc_peer.py serve PORT    serves h2scope.Test on 127.0.0.1:PORT (h2c)
  grpc_peer.py client PORT   unary calls (with metadata and trailers, an
                             error status, an exceeded deadline), server,
                             client and bidirectional streaming, a cancelled
                             stream; asserts every answer, prints "client ok"

With protobuf (python3-protobuf; messages of tests/grpc/probe.proto, whose
probe_pb2.py protoc --python_out made in PB_DIR at test time), for
test_grpc_messages.sh:

  grpc_peer.py serve-proto PORT PB_DIR         serves h2scope.probe.Probe
  grpc_peer.py client-proto PORT PB_DIR LOG    unary, server, client and
                             bidirectional streaming, a gzip-compressed call
                             and a NOT_FOUND error; writes every message sent
                             and received (serialized, hex) and each call's
                             status to LOG (JSON), prints "client ok"
"""
import sys, time
from concurrent import futures
import grpc

def unary(req, ctx):
    if req == b'fail':
        ctx.abort(grpc.StatusCode.NOT_FOUND, 'no such thing')
    if req == b'slow':
        time.sleep(2)
    ctx.set_trailing_metadata((('x-trailer', 'done'),))
    return b'echo:' + req

def server_stream(req, ctx):
    for i in range(int(req)):
        yield b'item %d ' % i + b'x' * 1000

def client_stream(it, ctx):
    return b'%d' % sum(len(m) for m in it)

def bidi(it, ctx):
    for m in it:
        yield m.upper()

def serve(port):
    s = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    h = grpc.method_handlers_generic_handler('h2scope.Test', {
        'Unary': grpc.unary_unary_rpc_method_handler(unary),
        'ServerStream': grpc.unary_stream_rpc_method_handler(server_stream),
        'ClientStream': grpc.stream_unary_rpc_method_handler(client_stream),
        'Bidi': grpc.stream_stream_rpc_method_handler(bidi),
    })
    s.add_generic_rpc_handlers((h,))
    s.add_insecure_port('127.0.0.1:%d' % port)
    s.start()
    s.wait_for_termination()

def client(port):
    ch = grpc.insecure_channel('127.0.0.1:%d' % port)
    u = ch.unary_unary('/h2scope.Test/Unary')
    assert u(b'hello', metadata=(('x-h2scope-probe', 'grpc'),)) == b'echo:hello'
    try:
        u(b'fail'); raise SystemExit('fail did not fail')
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.NOT_FOUND, e.code()
    try:
        u(b'slow', timeout=0.3); raise SystemExit('slow did not time out')
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.DEADLINE_EXCEEDED, e.code()
    ss = ch.unary_stream('/h2scope.Test/ServerStream')
    assert len(list(ss(b'200'))) == 200
    cs = ch.stream_unary('/h2scope.Test/ClientStream')
    assert cs(iter([b'a' * 20000] * 10)) == b'200000'
    bd = ch.stream_stream('/h2scope.Test/Bidi')
    assert list(bd(iter([b'ab', b'cd']))) == [b'AB', b'CD']
    # a cancelled stream: RST_STREAM(CANCEL) from the client
    fut = ss(b'100000')
    next(fut); fut.cancel()
    assert u(b'after') == b'echo:after'
    time.sleep(0.2)
    ch.close()
    print('client ok')

# ---- protobuf: h2scope.probe.Probe ----

PROBE = '/h2scope.probe.Probe/'
ERROR_MESSAGE = 'no such probe: 404 (100% sure, \u00e9t\u00e9)'

def probe_module(pb_dir):
    sys.path.insert(0, pb_dir)
    import probe_pb2
    return probe_pb2

def full_request(pb):
    r = pb.Request(id=150, name='h\u00e9llo', blob=b'\x00\x01\xff', kind=pb.KIND_B,
                   packed=[1, 2, 300], tags=['a', 'bc'], delta=-3, big_delta=-10000000000,
                   ratio=1.5, precise=2.25, flag=True, f32=4000000000, f64=123456789012,
                   sf32=-2, u64=18446744073709551615, unpacked=[7, 8])
    r.inner.x = -5
    r.inner.label = 'in'
    r.counts['k'] = 7
    r.inners.add(x=1)
    r.inners.add(x=2, label='two')
    return r

def serve_proto(port, pb_dir):
    pb = probe_module(pb_dir)
    def unary(req, ctx):
        if req.id == 404:
            ctx.abort(grpc.StatusCode.NOT_FOUND, ERROR_MESSAGE)
        if len(req.name) > 1000:
            ctx.set_compression(grpc.Compression.Gzip)
        rep = pb.Reply(text='got ' + req.name[:8], seq=req.id, values=list(req.packed))
        rep.inner.x = req.inner.x
        return rep
    def server_stream(req, ctx):
        for i in range(req.id):
            yield pb.Reply(text='item %d' % i, seq=i, values=[i, i * 1000])
    def client_stream(it, ctx):
        return pb.Reply(seq=sum(r.id for r in it))
    def bidi(it, ctx):
        for r in it:
            yield pb.Reply(text=r.name.upper(), seq=-r.id)
    s = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    ser = lambda m: m.SerializeToString()
    h = grpc.method_handlers_generic_handler('h2scope.probe.Probe', {
        'Unary': grpc.unary_unary_rpc_method_handler(unary, pb.Request.FromString, ser),
        'ServerStream': grpc.unary_stream_rpc_method_handler(server_stream, pb.Request.FromString, ser),
        'ClientStream': grpc.stream_unary_rpc_method_handler(client_stream, pb.Request.FromString, ser),
        'Bidi': grpc.stream_stream_rpc_method_handler(bidi, pb.Request.FromString, ser),
    })
    s.add_generic_rpc_handlers((h,))
    s.add_insecure_port('127.0.0.1:%d' % port)
    s.start()
    s.wait_for_termination()

def client_proto(port, pb_dir, log_path):
    import json
    pb = probe_module(pb_dir)
    ch = grpc.insecure_channel('127.0.0.1:%d' % port)
    ser = lambda m: m.SerializeToString()
    calls = []
    def log(method, reqs, reps, status=0, message=None, compressed=False):
        calls.append({'method': PROBE + method, 'request': [ser(m).hex() for m in reqs],
                      'response': [ser(m).hex() for m in reps], 'status': status,
                      'message': message, 'compressed': compressed})
    u = ch.unary_unary(PROBE + 'Unary', ser, pb.Reply.FromString)
    req = full_request(pb)
    rep = u(req)
    assert rep.text == 'got h\u00e9llo' and rep.seq == 150 and list(rep.values) == [1, 2, 300]
    log('Unary', [req], [rep])
    ss = ch.unary_stream(PROBE + 'ServerStream', ser, pb.Reply.FromString)
    req = pb.Request(id=3)
    reps = list(ss(req))
    assert [r.seq for r in reps] == [0, 1, 2]
    log('ServerStream', [req], reps)
    cs = ch.stream_unary(PROBE + 'ClientStream', ser, pb.Reply.FromString)
    reqs = [pb.Request(id=i, name='c%d' % i, packed=list(range(i))) for i in (1, 2, 3)]
    rep = cs(iter(reqs))
    assert rep.seq == 6
    log('ClientStream', reqs, [rep])
    bd = ch.stream_stream(PROBE + 'Bidi', ser, pb.Reply.FromString)
    reqs = [pb.Request(id=7, name='ab'), pb.Request(id=8, name='ef', kind=pb.KIND_A)]
    reps = list(bd(iter(reqs)))
    assert [r.text for r in reps] == ['AB', 'EF']
    log('Bidi', reqs, reps)
    req = pb.Request(id=9, name='z' * 2000, tags=['compressed'])
    rep = u(req, compression=grpc.Compression.Gzip)
    log('Unary', [req], [rep], compressed=True)
    req = pb.Request(id=404)
    try:
        u(req); raise SystemExit('404 did not fail')
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.NOT_FOUND and e.details() == ERROR_MESSAGE, e
    log('Unary', [req], [], status=5, message=ERROR_MESSAGE)
    ch.close()
    with open(log_path, 'w') as f:
        json.dump(calls, f)
    print('client ok')

if __name__ == '__main__':
    mode = sys.argv[1]
    if mode == 'serve-proto':
        serve_proto(int(sys.argv[2]), sys.argv[3])
    elif mode == 'client-proto':
        client_proto(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        (serve if mode == 'serve' else client)(int(sys.argv[2]))
