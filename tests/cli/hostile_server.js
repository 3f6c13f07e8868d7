// hostile_server.js — HTTP/2 (h2c, prior knowledge) server for
// test_get_hostile.sh, standing in for servers that abuse a client:
//   /bighdr           a 65,000-byte response header value (x-big)
//   /body?bytes=N&c=X N bytes of body, the letter X repeated, written as fast
//                     as flow control allows; stops early when the client
//                     resets the stream, and after 100 s in any case
//   /small            "hello\n"
// `node hostile_server.js PORT SILENT_PORT`: SILENT_PORT accepts TCP
// connections and never says a word. The process ends by itself after 300 s.
const http2 = require('http2');
const net = require('net');
const port = Number(process.argv[2]);
const silentPort = Number(process.argv[3]);

const bigValue = 'v'.repeat(64999) + 'Z'; // the last byte marks the true end
const server = http2.createServer({ maxSendHeaderBlockLength: 1 << 20 });
server.on('stream', (stream, headers) => {
  stream.on('error', () => {});
  stream.resume(); // read the request to its end, or node resets the stream when done
  const url = new URL(headers[':path'], 'http://x');
  // a fixed date keeps the response deterministic for the test
  const head = { ':status': 200, date: 'Thu, 01 Jan 2026 00:00:00 GMT' };
  if (url.pathname === '/bighdr') {
    stream.respond({ ...head, 'x-big': bigValue });
    stream.end('end\n');
  } else if (url.pathname === '/body') {
    let left = Number(url.searchParams.get('bytes'));
    const chunk = Buffer.alloc(65536, url.searchParams.get('c') || 'a');
    const deadline = Date.now() + 100000;
    stream.respond(head);
    const pump = () => {
      while (left > 0 && !stream.destroyed && Date.now() < deadline) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!stream.write(chunk.subarray(0, n))) return stream.once('drain', pump);
      }
      if (!stream.destroyed) stream.end();
    };
    pump();
  } else {
    stream.respond(head);
    stream.end('hello\n');
  }
});
server.on('sessionError', () => {});
server.listen(port, '127.0.0.1');

const silent = net.createServer((sock) => sock.on('error', () => {}));
silent.listen(silentPort, '127.0.0.1');
setTimeout(() => process.exit(0), 300000).unref();
