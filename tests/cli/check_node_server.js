// check_node_server.js — a minimal Node.js HTTP/2 server (h2c, prior
// knowledge) for test_check_peers.sh: `node check_node_server.js PORT`.
// With a second argument `--connect-protocol` it announces
// SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (RFC 8441) and answers an extended
// CONNECT at once with 200, the stream left open as a tunnel
// (test_check_cases.sh).
// It answers each request once the request is complete, and never answers
// /hold (so the checker can reach the half-closed (remote) state).
const http2 = require('http2');
const port = Number(process.argv[2] || 8080);
const connectProtocol = process.argv[3] === '--connect-protocol';
const server = http2.createServer({ settings: { enableConnectProtocol: connectProtocol } });
server.on('stream', (stream, headers) => {
  stream.on('error', () => {});
  if (headers[':method'] === 'CONNECT') {
    try {
      stream.respond({ ':status': 200 });
    } catch (e) {}
    return;
  }
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
