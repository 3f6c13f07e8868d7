/* simple_client.c — GET one URL over HTTP/2 with libh2scope-session and print
 * the response: the status and header fields on stderr, the body on stdout.
 * http:// speaks h2c with prior knowledge (RFC 9113 §3.3); https:// speaks TLS
 * with ALPN "h2" (§3.2) through OpenSSL, plugged into the session's blocking
 * wrapper as a pair of read/write callbacks (an h2_transport). Build it
 * against an installed h2scope with:
 *
 *   cc -std=c11 simple_client.c $(pkg-config --cflags --libs h2scope-session openssl) \
 *      -o simple_client
 *   ./simple_client http://127.0.0.1:8080/index.html
 *   ./simple_client https://localhost:8443/      (-k: accept any certificate)
 */
#define _POSIX_C_SOURCE 200809L
#include <h2/session_io.h>
#include <limits.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FIELD(n, v)                                                                                \
  { (n), strlen(n), (v), strlen(v), 0 }

/* The TLS connection as an h2_transport: the session never sees OpenSSL. */
static ssize_t tls_read(void *ssl, uint8_t *buf, size_t cap) {
  int n = SSL_read(ssl, buf, cap > INT_MAX ? INT_MAX : (int)cap);
  if (n > 0) return n;
  return SSL_get_error(ssl, n) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

static ssize_t tls_write(void *ssl, const uint8_t *buf, size_t len) {
  int n = SSL_write(ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
  return n > 0 ? n : -1;
}

static int connect_to(const char *host, const char *port) {
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res;
  if (getaddrinfo(host, port, &hints, &res) != 0) return -1;
  int fd = -1;
  for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  return fd;
}

/* TLS 1.2 or later (§9.2), certificate checked against host unless insecure,
 * and the server must pick "h2" from our ALPN list. */
static SSL *tls_connect(int fd, const char *host, int insecure) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) return NULL;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_alpn_protos(ctx, (const unsigned char *)"\x02h2", 3);
  if (!insecure) {
    SSL_CTX_set_default_verify_paths(ctx); /* honours SSL_CERT_FILE */
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  }
  SSL *ssl = SSL_new(ctx);
  SSL_CTX_free(ctx); /* the SSL keeps its own reference */
  if (!ssl) return NULL;
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, host);
  if (!insecure) SSL_set1_host(ssl, host);
  const unsigned char *proto = NULL;
  unsigned len = 0;
  if (SSL_connect(ssl) == 1) SSL_get0_alpn_selected(ssl, &proto, &len);
  if (len != 2 || memcmp(proto, "h2", 2) != 0) {
    fprintf(stderr, "TLS handshake failed or the server did not choose h2\n");
    SSL_free(ssl);
    return NULL;
  }
  return ssl;
}

int main(int argc, char **argv) {
  int insecure = argc > 1 && strcmp(argv[1], "-k") == 0;
  const char *url = argc == 2 + insecure ? argv[1 + insecure] : NULL;
  /* scheme://authority/path, the authority being host, host:port or [v6]:port */
  char scheme[8] = "", authority[256] = "", path[2048] = "/", host[256], port[8];
  if (!url || sscanf(url, "%7[a-z]://%255[^/]%2047s", scheme, authority, path) < 2 ||
      (strcmp(scheme, "http") && strcmp(scheme, "https"))) {
    fprintf(stderr, "usage: simple_client [-k] http[s]://host[:port]/path\n");
    return 2;
  }
  int tls = strcmp(scheme, "https") == 0;
  const char *colon = strrchr(authority, ':'), *bracket = strrchr(authority, ']');
  if (colon && colon > (bracket ? bracket : authority)) {
    snprintf(port, sizeof port, "%s", colon + 1);
  } else {
    snprintf(port, sizeof port, "%s", tls ? "443" : "80");
    colon = authority + strlen(authority);
  }
  const char *h = authority[0] == '[' ? authority + 1 : authority;
  snprintf(host, sizeof host, "%.*s", (int)((bracket ? bracket : colon) - h), h);

  int fd = connect_to(host, port);
  if (fd < 0) {
    fprintf(stderr, "cannot connect to %s port %s\n", host, port);
    return 3;
  }
  SSL *ssl = tls ? tls_connect(fd, host, insecure) : NULL;
  if (tls && !ssl) return 3;

  /* The connection: a client session (it queues the preface and SETTINGS),
   * run by the blocking wrapper over the socket or over TLS. */
  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_CLIENT);
  h2_session *s = h2_session_new(&cfg);
  h2_transport over_tls = {tls_read, tls_write, ssl};
  h2_session_io *io = !s    ? NULL
                      : ssl ? h2_session_io_new(s, &over_tls)
                            : h2_session_io_new_fd(s, fd);
  if (!io) return 1;

  /* The request (§8.3.1): stream 0 means "open the next stream". */
  const h2_header req[] = {FIELD(":method", "GET"), FIELD(":scheme", scheme),
                           FIELD(":authority", authority), FIELD(":path", path)};
  uint32_t id = 0;
  if (h2_session_send_headers(s, 0, req, 4, true, &id) != H2_OK) return 1;

  /* Events until our stream closes. headers and data point into the session:
   * use them before the next take. */
  int status = 1;
  h2_event ev = {0};
  while (h2_session_io_take(io, &ev)) {
    if (ev.type == H2_EV_HEADERS && ev.stream_id == id) {
      for (size_t i = 0; i < ev.header_count; i++)
        fprintf(stderr, "%.*s: %.*s\n", (int)ev.headers[i].name_len, ev.headers[i].name,
                (int)ev.headers[i].value_len, ev.headers[i].value);
    } else if (ev.type == H2_EV_DATA && ev.stream_id == id) {
      fwrite(ev.data, 1, ev.len, stdout);
    } else if (ev.type == H2_EV_STREAM_CLOSED && ev.stream_id == id) {
      status = ev.error_code != H2_NO_ERROR;
      if (status) fprintf(stderr, "stream reset: %s\n", h2_error_code_name(ev.error_code));
      break;
    } else if (ev.type == H2_EV_CONNECTION_ERROR ||
               (ev.type == H2_EV_GOAWAY && ev.last_stream_id < id)) {
      fprintf(stderr, "connection closed: %s\n", h2_error_code_name(ev.error_code));
      break;
    }
  }
  if (status && ev.type != H2_EV_STREAM_CLOSED) fprintf(stderr, "no complete response\n");

  h2_session_close(s); /* GOAWAY (§6.8), then we are done */
  h2_session_io_flush(io);
  h2_session_io_free(io);
  h2_session_free(s);
  if (ssl) {
    SSL_shutdown(ssl);
    SSL_free(ssl);
  }
  close(fd);
  return status;
}
