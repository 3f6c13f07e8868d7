// talk_server.js PORT DIR — an HTTP/2 (h2c, prior knowledge) server for
// test_talk_bodies.sh: bodies with the Content-Encodings nginx cannot send.
//   GET  /zstd/NAME  DIR/NAME.zst (made by the zstd CLI), content-encoding: zstd
//   GET  /br/NAME    DIR/NAME compressed by zlib.brotliCompress, content-encoding: br
//   GET  /chain/NAME DIR/NAME.gz.zst (gzip, then zstd), content-encoding: gzip, zstd
//   GET  /bomb       DIR/bomb.gz.gz, content-encoding: gzip, gzip
//   GET  /corrupt    DIR/corrupt.gz, content-encoding: gzip
//   GET  /trailers   a body and trailers grpc-status: 3, grpc-message: bad thing
//   POST /reset      response headers and 7 bytes, then RST_STREAM(CANCEL)
//   POST /upload     reads the body, answers "got N"
// Prints "ready" once listening.
'use strict';
const http2 = require('http2');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const [port, dir] = [Number(process.argv[2]), process.argv[3]];

function sendFile(stream, file, headers) {
  stream.respond(Object.assign({':status': 200}, headers));
  fs.createReadStream(path.join(dir, file)).pipe(stream);
}

const server = http2.createServer();
server.on('stream', (stream, h) => {
  const p = h[':path'];
  const octets = {'content-type': 'application/octet-stream'};
  if (h[':method'] === 'POST' && p === '/upload') {
    let n = 0;
    stream.on('data', (c) => { n += c.length; });
    stream.on('end', () => {
      stream.respond({':status': 200, 'content-type': 'text/plain'});
      stream.end('got ' + n + '\n');
    });
  } else if (p.startsWith('/zstd/')) {
    sendFile(stream, path.basename(p) + '.zst', Object.assign({'content-encoding': 'zstd'}, octets));
  } else if (p.startsWith('/chain/')) {
    sendFile(stream, path.basename(p) + '.gz.zst', Object.assign({'content-encoding': 'gzip, zstd'}, octets));
  } else if (p.startsWith('/br/')) {
    const body = zlib.brotliCompressSync(fs.readFileSync(path.join(dir, path.basename(p))));
    stream.respond({':status': 200, 'content-encoding': 'br', 'content-type': 'text/plain'});
    stream.end(body);
  } else if (p === '/bomb') {
    sendFile(stream, 'bomb.gz.gz', Object.assign({'content-encoding': 'gzip, gzip'}, octets));
  } else if (p === '/corrupt') {
    sendFile(stream, 'corrupt.gz', Object.assign({'content-encoding': 'gzip'}, octets));
  } else if (p === '/trailers') {
    stream.respond({':status': 200, 'content-type': 'application/grpc'}, {waitForTrailers: true});
    stream.on('wantTrailers', () => stream.sendTrailers({'grpc-status': '3', 'grpc-message': 'bad thing'}));
    stream.end(Buffer.from([0, 0, 0, 0, 2, 8, 1]));
  } else if (p === '/reset') {
    // While the request body still comes: RST_STREAM(CANCEL) from the server.
    stream.respond({':status': 200, 'content-type': 'text/plain'});
    stream.write('partial', () => stream.close(http2.constants.NGHTTP2_CANCEL));
  } else {
    stream.respond({':status': 404});
    stream.end();
  }
});
server.listen(port, '127.0.0.1', () => console.log('ready'));
