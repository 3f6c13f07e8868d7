"""grpc_peer.py — gRPC's C core (Debian's python3-grpcio, its own HTTP/2
stack, chttp2) as a server and a client for test_grpc_live.sh, without
protobuf: generic handlers, bytes in and bytes out.

  grpc_peer.py serve PORT    serves h2scope.Test on 127.0.0.1:PORT (h2c)
  grpc_peer.py client PORT   unary calls (with metadata and trailers, an
                             error status, an exceeded deadline), server,
                             client and bidirectional streaming, a cancelled
                             stream; asserts every answer, prints "client ok"
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

if __name__ == '__main__':
    (serve if sys.argv[1] == 'serve' else client)(int(sys.argv[2]))
