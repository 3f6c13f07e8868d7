// check_node_server.js — a minimal Node.js HTTP/2 server (h2c, prior
// knowledge) for test_check_peers.sh: `node check_node_server.js PORT`.
// It answers each request once the request is complete, and never answers
// /hold (so the checker can reach the half-closed (remote) state).
const http2 = require('http2');
const port = Number(process.argv[2] || 8080);
const server = http2.createServer();
server.on('stream', (stream, headers) => {
  stream.on('error', () => {});
  if (headers[':path'] === '/hold') return;
  stream.resume();
  stream.on('end', () => {
    if (stream.destroyed || stream.closed) return;
    try {
      stream.respond({ ':status': 200, 'content-type': 'text/plain' });
      stream.end('hello from node\n');
    } catch (e) {}
  });
});
server.on('sessionError', () => {});
server.listen(port, '127.0.0.1');
