/* tls_conn.c — OpenSSL client and server connections with ALPN "h2"
 * (RFC 9113 §3.2; RFC 7301), used by `get https://...`, `check --tls`,
 * `replay --tls` and `serve --tls`, and the client context of many
 * connections to one server that resumes sessions with their tickets
 * (`check --tls`); every context they create writes the TLS secrets to
 * $SSLKEYLOGFILE when it is set. */
#include "tls_conn.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

struct tls_conn {
  SSL_CTX *own_ctx; /* client connections own their context */
  SSL *ssl;
  bool want_write;
  bool notified; /* close_notify sent */
};

struct tls_server {
  SSL_CTX *ctx;
};

static const unsigned char alpn_h2[] = {2, 'h', '2'};

/* The key log file of $SSLKEYLOGFILE: appended to, created readable by its
 * owner only (the secrets decrypt the traffic). */
static int keylog_open(const char *path) {
  return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

/* One NSS key log line ("CLIENT_RANDOM ...", "CLIENT_TRAFFIC_SECRET_0 ...")
 * from OpenSSL. The file is opened for each line, so no descriptor outlives
 * the context and a file moved away starts anew; one writev per line keeps
 * lines whole when several processes append (O_APPEND). */
static void keylog_line(const SSL *ssl, const char *line) {
  (void)ssl;
  const char *path = getenv("SSLKEYLOGFILE");
  if (!path || !*path) return;
  int fd = keylog_open(path);
  if (fd < 0) return;
  struct iovec iov[2] = {{(void *)line, strlen(line)}, {(void *)"\n", 1}};
  ssize_t w = writev(fd, iov, 2);
  (void)w; /* a lost line only costs the decryption of that connection */
  close(fd);
}

/* SSLKEYLOGFILE=FILE (the convention of curl, browsers and Wireshark):
 * every handshake of ctx appends its secrets to FILE, so a capture of our
 * own traffic can be decrypted (`h2scope read --keylog FILE`). A file that
 * cannot be opened is said once, here, and nothing is logged. */
static void keylog_enable(SSL_CTX *ctx) {
  const char *path = getenv("SSLKEYLOGFILE");
  if (!path || !*path) return;
  int fd = keylog_open(path);
  if (fd < 0) {
    fprintf(stderr, "h2scope: cannot open SSLKEYLOGFILE %s: %s (TLS secrets not logged)\n", path,
            strerror(errno));
    return;
  }
  close(fd);
  SSL_CTX_set_keylog_callback(ctx, keylog_line);
}

static void ssl_error(char *err, size_t cap, const char *what) {
  unsigned long e = ERR_get_error();
  char buf[256] = "";
  if (e) ERR_error_string_n(e, buf, sizeof buf);
  snprintf(err, cap, "%s%s%s", what, e ? ": " : "", buf);
}

/* Resumption tickets kept per tls_client: check opens up to -j connections
 * at once, each of which leaves the server's tickets (OpenSSL sends two). */
#define TLS_CLIENT_TICKETS 16

struct tls_client {
  SSL_CTX *ctx;
  bool verify;
  pthread_mutex_t mu; /* the tickets: connections open on several threads */
  SSL_SESSION *tickets[TLS_CLIENT_TICKETS];
  size_t ntickets;
};

/* A client context: TLS 1.2 or later (§9.2), ALPN "h2", the system's CAs
 * when verifying. */
static SSL_CTX *client_ctx(bool verify, char *err, size_t errcap) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) {
    ssl_error(err, errcap, "SSL_CTX_new");
    return NULL;
  }
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_alpn_protos(ctx, alpn_h2, sizeof alpn_h2);
  keylog_enable(ctx);
  if (verify) {
    SSL_CTX_set_default_verify_paths(ctx);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  }
  return ctx;
}

/* The handshake of a new connection on ctx, resuming ticket when there is
 * one (the connection takes its own reference: ticket is freed here); own_ctx:
 * the connection frees ctx with itself. */
static tls_conn *client_open(SSL_CTX *ctx, bool own_ctx, SSL_SESSION *ticket, int fd,
                             const char *host, bool verify, char *err, size_t errcap) {
  tls_conn *c = calloc(1, sizeof *c);
  SSL *ssl = c ? SSL_new(ctx) : NULL;
  if (ssl && ticket) SSL_set_session(ssl, ticket);
  SSL_SESSION_free(ticket);
  if (!ssl) {
    ssl_error(err, errcap, "SSL_new");
    free(c);
    if (own_ctx) SSL_CTX_free(ctx);
    return NULL;
  }
  c->own_ctx = own_ctx ? ctx : NULL;
  c->ssl = ssl;
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, host);
  if (verify) SSL_set1_host(ssl, host);
  ERR_clear_error();
  if (SSL_connect(ssl) != 1) {
    ssl_error(err, errcap, "TLS handshake failed");
    tls_conn_free(c);
    return NULL;
  }
  char proto[32];
  if (strcmp(tls_conn_alpn(c, proto, sizeof proto), "h2") != 0) {
    snprintf(err, errcap, "the server did not select ALPN h2 (got '%s')", proto);
    tls_conn_free(c);
    return NULL;
  }
  return c;
}

tls_conn *tls_client_connect(int fd, const char *host, bool verify, char *err, size_t errcap) {
  SSL_CTX *ctx = client_ctx(verify, err, errcap);
  return ctx ? client_open(ctx, true, NULL, fd, host, verify, err, errcap) : NULL;
}

/* A new session (a TLS 1.3 ticket, a TLS 1.2 session) of one of cl's
 * connections: kept for the next connection, the oldest dropped when the
 * pool is full. Returning 1 keeps OpenSSL's reference. */
static int keep_ticket(SSL *ssl, SSL_SESSION *sess) {
  tls_client *cl = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
  if (!cl || !SSL_SESSION_is_resumable(sess)) return 0;
  pthread_mutex_lock(&cl->mu);
  if (cl->ntickets == TLS_CLIENT_TICKETS) {
    SSL_SESSION_free(cl->tickets[0]);
    memmove(cl->tickets, cl->tickets + 1, (TLS_CLIENT_TICKETS - 1) * sizeof cl->tickets[0]);
    cl->ntickets--;
  }
  cl->tickets[cl->ntickets++] = sess;
  pthread_mutex_unlock(&cl->mu);
  return 1;
}

/* The newest kept ticket, taken out of the pool: each is used once (RFC
 * 8446 §C.4: a ticket reused on several connections links them). NULL when
 * there is none: a full handshake. */
static SSL_SESSION *take_ticket(tls_client *cl) {
  pthread_mutex_lock(&cl->mu);
  SSL_SESSION *sess = cl->ntickets ? cl->tickets[--cl->ntickets] : NULL;
  pthread_mutex_unlock(&cl->mu);
  return sess;
}

tls_client *tls_client_new(bool verify, char *err, size_t errcap) {
  tls_client *cl = calloc(1, sizeof *cl);
  if (!cl || pthread_mutex_init(&cl->mu, NULL) != 0) {
    snprintf(err, errcap, "out of memory");
    free(cl);
    return NULL;
  }
  cl->ctx = client_ctx(verify, err, errcap);
  if (!cl->ctx) {
    pthread_mutex_destroy(&cl->mu);
    free(cl);
    return NULL;
  }
  cl->verify = verify;
  SSL_CTX_set_app_data(cl->ctx, cl);
  SSL_CTX_set_session_cache_mode(cl->ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(cl->ctx, keep_ticket);
  return cl;
}

tls_conn *tls_client_open(tls_client *cl, int fd, const char *host, char *err, size_t errcap) {
  return client_open(cl->ctx, false, take_ticket(cl), fd, host, cl->verify, err, errcap);
}

void tls_client_free(tls_client *cl) {
  if (!cl) return;
  SSL_CTX_free(cl->ctx);
  while (cl->ntickets)
    SSL_SESSION_free(cl->tickets[--cl->ntickets]);
  pthread_mutex_destroy(&cl->mu);
  free(cl);
}

bool tls_conn_resumed(const tls_conn *c) {
  return SSL_session_reused(c->ssl) == 1;
}

static int select_h2(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                     const unsigned char *in, unsigned int inlen, void *arg) {
  (void)ssl;
  (void)arg;
  unsigned char *sel = NULL;
  if (SSL_select_next_proto(&sel, outlen, alpn_h2, sizeof alpn_h2, in, inlen) ==
      OPENSSL_NPN_NEGOTIATED) {
    *out = sel;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_ALERT_FATAL; /* we speak only h2 */
}

tls_server *tls_server_new(const char *cert_file, const char *key_file, char *err, size_t errcap) {
  tls_server *srv = calloc(1, sizeof *srv);
  if (!srv) return NULL;
  srv->ctx = SSL_CTX_new(TLS_server_method());
  if (!srv->ctx) {
    ssl_error(err, errcap, "SSL_CTX_new");
    free(srv);
    return NULL;
  }
  SSL_CTX_set_min_proto_version(srv->ctx, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(srv->ctx, cert_file) != 1) {
    ssl_error(err, errcap, "cannot load the certificate");
    tls_server_free(srv);
    return NULL;
  }
  if (SSL_CTX_use_PrivateKey_file(srv->ctx, key_file, SSL_FILETYPE_PEM) != 1) {
    ssl_error(err, errcap, "cannot load the private key");
    tls_server_free(srv);
    return NULL;
  }
  SSL_CTX_set_alpn_select_cb(srv->ctx, select_h2, NULL);
  keylog_enable(srv->ctx);
  return srv;
}

void tls_server_free(tls_server *srv) {
  if (!srv) return;
  SSL_CTX_free(srv->ctx);
  free(srv);
}

tls_conn *tls_server_accept(tls_server *srv, int fd) {
  tls_conn *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->ssl = SSL_new(srv->ctx);
  if (!c->ssl) {
    free(c);
    return NULL;
  }
  SSL_set_fd(c->ssl, fd);
  SSL_set_accept_state(c->ssl);
  return c;
}

static int classify(tls_conn *c, int r) {
  int e = SSL_get_error(c->ssl, r);
  c->want_write = e == SSL_ERROR_WANT_WRITE;
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return TLS_AGAIN;
  if (e == SSL_ERROR_ZERO_RETURN) return 0;
  ERR_clear_error();
  return -1;
}

/* SSL_get_error() reads this thread's OpenSSL error queue as well as the
 * call's result: an error another connection left there (a failed
 * SSL_shutdown, a fatal alert) turns this connection's "would block" into
 * SSL_ERROR_SSL, and a healthy connection was closed for it (`serve --tls`
 * under h2spec: one connection in ~20 ended after its SETTINGS). The queue
 * is emptied before every TLS I/O call, as SSL_get_error(3) requires. */
int tls_conn_handshake(tls_conn *c) {
  ERR_clear_error();
  int r = SSL_do_handshake(c->ssl);
  if (r == 1) return 1;
  return classify(c, r) == TLS_AGAIN ? 0 : -1;
}

ssize_t tls_conn_read(void *conn, uint8_t *buf, size_t cap) {
  tls_conn *c = conn;
  ERR_clear_error();
  int n = SSL_read(c->ssl, buf, cap > 1u << 30 ? 1 << 30 : (int)cap);
  if (n > 0) return n;
  return classify(c, n);
}

ssize_t tls_conn_write(void *conn, const uint8_t *buf, size_t len) {
  tls_conn *c = conn;
  ERR_clear_error();
  int n = SSL_write(c->ssl, buf, len > 1u << 30 ? 1 << 30 : (int)len);
  if (n > 0) return n;
  return classify(c, n);
}

bool tls_conn_want_write(const tls_conn *c) {
  return c->want_write;
}

const char *tls_conn_alpn(const tls_conn *c, char *buf, size_t cap) {
  const unsigned char *p = NULL;
  unsigned int n = 0;
  SSL_get0_alpn_selected(c->ssl, &p, &n);
  if (n >= cap) n = (unsigned)cap - 1;
  if (n) memcpy(buf, p, n);
  buf[n] = 0;
  return buf;
}

void tls_conn_close_notify(tls_conn *c) {
  /* only after a finished handshake (before it OpenSSL refuses: "shutdown
   * while in init"); a peer already gone makes it fail too. Either failure
   * is expected and leaves nothing on the queue. */
  if (c->notified || !SSL_is_init_finished(c->ssl)) return;
  c->notified = true;
  ERR_clear_error();
  SSL_shutdown(c->ssl);
  ERR_clear_error();
}

void tls_conn_free(tls_conn *c) {
  if (!c) return;
  if (c->ssl) {
    tls_conn_close_notify(c);
    SSL_free(c->ssl);
  }
  SSL_CTX_free(c->own_ctx);
  free(c);
}
