// ws_h2_peer.js — WebSocket over HTTP/2 (RFC 8441) between two real Node
// http2 endpoints on loopback, h2c with prior knowledge, for
// test_ext_live.sh.
//   node ws_h2_peer.js serve PORT   the server: SETTINGS_ENABLE_CONNECT_PROTOCOL
//                                   = 1, ALTSVC and ORIGIN on stream 0, an
//                                   ALTSVC on the request stream of a GET,
//                                   echoes WebSocket text and answers a close
//   node ws_h2_peer.js client PORT  the client: a GET with a priority field,
//                                   then an extended CONNECT :protocol
//                                   websocket exchanging masked frames
// The WebSocket frames (RFC 6455 §5.2) are built here by hand; the values
// are the ones the test expects to read back.
'use strict';
const http2 = require('http2');

const [mode, portArg] = process.argv.slice(2);
const port = Number(portArg);
const MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

// One frame: FIN set unless fin === false; masked with MASK when mask.
function wsFrame(opcode, payload, mask, fin = true) {
  const len = payload.length;
  const head = [(fin ? 0x80 : 0) | opcode];
  const m = mask ? 0x80 : 0;
  if (len < 126) head.push(m | len);
  else if (len < 65536) head.push(m | 126, len >> 8, len & 0xff);
  else throw new Error('not needed here');
  let body = Buffer.from(payload);
  if (mask) body = Buffer.from(body.map((b, i) => b ^ MASK[i & 3]));
  return Buffer.concat([Buffer.from(head), mask ? MASK : Buffer.alloc(0), body]);
}

function closeBody(code, reason) {
  const b = Buffer.alloc(2 + Buffer.byteLength(reason));
  b.writeUInt16BE(code, 0);
  b.write(reason, 2);
  return b;
}

// Reads frames from a byte stream (the server's view of the client's DATA).
function wsReader(onFrame) {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length < 2) return;
      let len = buf[1] & 0x7f, at = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        at = 4;
      }
      const masked = (buf[1] & 0x80) !== 0;
      const key = masked ? buf.subarray(at, at + 4) : null;
      if (masked) at += 4;
      if (buf.length < at + len) return;
      let payload = Buffer.from(buf.subarray(at, at + len));
      if (masked) payload = Buffer.from(payload.map((b, i) => b ^ key[i & 3]));
      onFrame(buf[0] & 0x0f, payload);
      buf = buf.subarray(at + len);
    }
  };
}

function serve() {
  const server = http2.createServer({settings: {enableConnectProtocol: true}});
  server.on('session', (session) => {
    session.altsvc('h2=":8443"; ma=60', 'http://example.test');
    session.origin('http://example.test', 'http://other.test:8080');
  });
  server.on('stream', (stream, headers) => {
    if (headers[':method'] === 'CONNECT' && headers[':protocol'] === 'websocket') {
      stream.respond({':status': 200});
      stream.on('data', wsReader((op, payload) => {
        if (op === 0x1) stream.write(wsFrame(0x1, Buffer.from('echo: ' + payload), false));
        if (op === 0x9) stream.write(wsFrame(0xa, payload, false));
        if (op === 0x8) {
          stream.write(wsFrame(0x8, closeBody(1000, 'bye'), false));
          stream.end();
        }
      }));
      stream.on('end', () => {});
      return;
    }
    stream.session.altsvc('h2=":9443"', stream.id);
    stream.respond({':status': 200, 'content-type': 'text/plain'});
    stream.end('plain answer\n');
  });
  server.listen(port, '127.0.0.1');
}

function client() {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const fail = (e) => {
    console.error('client:', e && e.message);
    process.exit(1);
  };
  session.on('error', fail);
  setTimeout(() => fail(new Error('timeout')), 20000).unref();
  session.on('remoteSettings', (settings) => {
    if (session.started) return;
    session.started = true;
    if (!settings.enableConnectProtocol) fail(new Error('server did not enable CONNECT'));
    const get = session.request({':path': '/plain', priority: 'u=1, i'});
    get.resume();
    get.on('end', () => websocket(session, fail));
  });
}

function websocket(session, fail) {
  const ws = session.request({
    ':method': 'CONNECT',
    ':protocol': 'websocket',
    ':scheme': 'http',
    ':path': '/chat',
    'sec-websocket-version': '13',
  });
  ws.on('error', fail);
  const got = [];
  ws.on('response', (h) => {
    if (h[':status'] !== 200) fail(new Error('status ' + h[':status']));
    // One frame in its own DATA frame.
    ws.write(wsFrame(0x1, Buffer.from('hello websocket'), true));
    // One frame split over two DATA frames (16-bit length).
    const big = wsFrame(0x2, Buffer.alloc(300, 0xab), true);
    setTimeout(() => ws.write(big.subarray(0, 100)), 100);
    setTimeout(() => ws.write(big.subarray(100)), 200);
    // Two frames in one DATA frame: a ping and a fragmented text's two parts.
    setTimeout(() => ws.write(Buffer.concat([
      wsFrame(0x9, Buffer.from('pi'), true),
      wsFrame(0x1, Buffer.from('frag-'), true, false),
      wsFrame(0x0, Buffer.from('ment'), true, true),
    ])), 300);
    setTimeout(() => ws.write(wsFrame(0x8, closeBody(1000, 'done'), true)), 400);
  });
  ws.on('data', wsReader((op, payload) => {
    got.push(op);
    if (op === 0x8) {
      ws.end();
      session.close();
      console.log('client ok ' + got.join(','));
    }
  }));
}

if (mode === 'serve') serve();
else client();
