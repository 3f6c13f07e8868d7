/* simple_server.c — an HTTP/2 server on libh2scope-session: it answers every
 * request with 200 and a short text body, and with a request for "/" it also
 * pushes "/style.css" (server push, RFC 9113 §8.4) unless the client turned
 * push off (SETTINGS_ENABLE_PUSH = 0, §6.5.2). Without a certificate it speaks
 * h2c with prior knowledge (§3.3); with one, TLS with ALPN "h2" (§3.2) through
 * OpenSSL, plugged into the session's blocking wrapper as read/write
 * callbacks. One process per connection, so one client's blocking reads
 * never hold up another. Build it against an installed h2scope with:
 *
 *   cc -std=c11 simple_server.c $(pkg-config --cflags --libs h2scope-session openssl) \
 *      -o simple_server
 *   ./simple_server 8080                    # h2c on 127.0.0.1:8080
 *   ./simple_server 8443 cert.pem key.pem   # TLS
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <h2/session_io.h>
#include <limits.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FIELD(n, v)                                                                                \
  { (n), strlen(n), (v), strlen(v), 0 }

/* DATA is not copied by the session: bodies must outlive the send (here:
 * string literals, alive for the whole program). */
static const char BODY[] = "hello from h2scope\n";
static const char STYLE[] = "body { font-family: sans-serif; }\n";

static ssize_t tls_read(void *ssl, uint8_t *buf, size_t cap) {
  int n = SSL_read(ssl, buf, cap > INT_MAX ? INT_MAX : (int)cap);
  if (n > 0) return n;
  return SSL_get_error(ssl, n) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

static ssize_t tls_write(void *ssl, const uint8_t *buf, size_t len) {
  int n = SSL_write(ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
  return n > 0 ? n : -1;
}

/* ALPN: h2 or nothing (a client offering only http/1.1 gets an alert). */
static int select_h2(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                     const unsigned char *in, unsigned inlen, void *arg) {
  (void)ssl;
  (void)arg;
  if (SSL_select_next_proto((unsigned char **)out, outlen, (const unsigned char *)"\x02h2", 3, in,
                            inlen) == OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_OK;
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static const h2_header *find(const h2_event *ev, const char *name) {
  for (size_t i = 0; i < ev->header_count; i++)
    if (ev->headers[i].name_len == strlen(name) &&
        memcmp(ev->headers[i].name, name, ev->headers[i].name_len) == 0)
      return &ev->headers[i];
  return NULL;
}

static void reply(h2_session *s, uint32_t id, const char *type, const char *body) {
  char len[24];
  snprintf(len, sizeof len, "%zu", strlen(body));
  const h2_header h[] = {FIELD(":status", "200"), FIELD("content-type", type),
                         FIELD("content-length", len)};
  if (h2_session_send_headers(s, id, h, 3, false, NULL) == H2_OK)
    h2_session_send_data(s, id, (const uint8_t *)body, strlen(body), true);
}

/* With a request for "/", a PUSH_PROMISE for /style.css goes out first, so
 * the client knows of the pushed stream before it could ask for it (§8.4.1),
 * then that stream's response. Push needs the request's stream still open
 * from the client's side: this is done as soon as its header list arrives. */
static void push_for(h2_session *s, const h2_event *req, const char *scheme) {
  const h2_header *path = find(req, ":path"), *authority = find(req, ":authority");
  if (!path || path->value_len != 1 || path->value[0] != '/' || !authority ||
      !h2_session_peer_setting(s, H2_SETTINGS_ENABLE_PUSH))
    return;
  const h2_header promise[] = {FIELD(":method", "GET"), FIELD(":scheme", scheme), *authority,
                               FIELD(":path", "/style.css")};
  uint32_t pushed;
  if (h2_session_send_push_promise(s, req->stream_id, promise, 4, &pushed) == H2_OK)
    reply(s, pushed, "text/css", STYLE);
}

static void serve(int fd, SSL_CTX *tls_ctx) {
  SSL *ssl = NULL;
  if (tls_ctx) {
    ssl = SSL_new(tls_ctx);
    if (!ssl || !SSL_set_fd(ssl, fd) || SSL_accept(ssl) != 1) {
      SSL_free(ssl);
      return;
    }
  }
  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_SERVER);
  h2_session *s = h2_session_new(&cfg);
  h2_transport t = {tls_read, tls_write, ssl};
  h2_session_io *io = !s ? NULL : ssl ? h2_session_io_new(s, &t) : h2_session_io_new_fd(s, fd);
  h2_event ev;
  /* Until the client closes, or says GOAWAY and its streams are done. The
   * response goes out once the request is complete (END_STREAM on its
   * HEADERS, last DATA or trailers): a body is read and dropped first (its
   * flow control is the session's job), so the client is never left
   * uploading to a stream that was already answered (§8.1). */
  while (io && h2_session_io_take(io, &ev)) {
    if (ev.type == H2_EV_HEADERS) push_for(s, &ev, ssl ? "https" : "http");
    if ((ev.type == H2_EV_HEADERS || ev.type == H2_EV_DATA) && ev.end_stream)
      reply(s, ev.stream_id, "text/plain", BODY);
  }
  h2_session_io_free(io);
  h2_session_free(s);
  SSL_free(ssl);
}

int main(int argc, char **argv) {
  if (argc != 2 && argc != 4) {
    fprintf(stderr, "usage: simple_server PORT [CERT KEY]\n");
    return 2;
  }
  SSL_CTX *tls_ctx = NULL;
  if (argc == 4) {
    tls_ctx = SSL_CTX_new(TLS_server_method());
    if (!tls_ctx || SSL_CTX_use_certificate_chain_file(tls_ctx, argv[2]) != 1 ||
        SSL_CTX_use_PrivateKey_file(tls_ctx, argv[3], SSL_FILETYPE_PEM) != 1) {
      fprintf(stderr, "cannot load %s and %s\n", argv[2], argv[3]);
      return 1;
    }
    SSL_CTX_set_min_proto_version(tls_ctx, TLS1_2_VERSION); /* §9.2 */
    SSL_CTX_set_alpn_select_cb(tls_ctx, select_h2, NULL);
  }
  /* Loopback only: this is an example. */
  struct sockaddr_in addr = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)atoi(argv[1])),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  int one = 1, lfd = socket(AF_INET, SOCK_STREAM, 0);
  if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(lfd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(lfd, 128) != 0) {
    perror("listen");
    return 1;
  }
  signal(SIGCHLD, SIG_IGN); /* children are reaped by the kernel */
  signal(SIGPIPE, SIG_IGN); /* a vanished client is a write error, not a crash */
  for (;;) {
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) continue;
    if (fork() == 0) {
      close(lfd);
      serve(fd, tls_ctx);
      close(fd);
      _exit(0);
    }
    close(fd);
  }
}
