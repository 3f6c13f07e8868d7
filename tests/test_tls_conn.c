/* test_tls_conn.c — the OpenSSL wrapper of `serve --tls`, `get https://`
 * and `check --tls` (inspector/net/tls_conn.c) over socket pairs: a
 * connection's "would block" stays TLS_AGAIN whatever another connection
 * left on the thread's OpenSSL error queue (h2spec against `serve --tls`
 * lost one connection in ~20 to the error of another one's failed
 * SSL_shutdown), and freeing a connection leaves the queue empty; a
 * tls_client (check --tls) resumes sessions with the tickets it was sent. */
#include <check.h>

#include "run_suite.h"
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tls_conn.h"

#define DIR_TEMPLATE "/tmp/h2scope-tls-XXXXXX"
static char dir[sizeof DIR_TEMPLATE];
static char cert_path[64], key_path[64];

/* A self-signed P-256 certificate and its key, written to a fresh directory. */
static void write_cert(void) {
  memcpy(dir, DIR_TEMPLATE, sizeof dir);
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(cert_path, sizeof cert_path, "%s/cert.pem", dir);
  snprintf(key_path, sizeof key_path, "%s/key.pem", dir);
  EVP_PKEY *pk = EVP_EC_gen("P-256");
  X509 *x = X509_new();
  ck_assert(pk && x);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, pk);
  X509_NAME *name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1,
                             0);
  X509_set_issuer_name(x, name);
  ck_assert_int_gt(X509_sign(x, pk, EVP_sha256()), 0);
  FILE *f = fopen(cert_path, "w");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(PEM_write_X509(f, x), 1);
  fclose(f);
  f = fopen(key_path, "w");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL), 1);
  fclose(f);
  X509_free(x);
  EVP_PKEY_free(pk);
}

static void remove_cert(void) {
  unlink(cert_path);
  unlink(key_path);
  rmdir(dir);
}

static tls_server *new_server(void) {
  char err[256];
  tls_server *srv = tls_server_new(cert_path, key_path, err, sizeof err);
  ck_assert_msg(srv != NULL, "%s", err);
  return srv;
}

/* A socket pair whose first end (the server's) does not block. */
static void pair(int sv[2]) {
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ck_assert_int_eq(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
}

/* A connection freed in the middle of its handshake: SSL_shutdown refuses
 * ("shutdown while in init"); serve frees such connections when a client
 * goes away during the handshake. */
static void free_one_in_handshake(tls_server *srv) {
  int sv[2];
  pair(sv);
  tls_conn *c = tls_server_accept(srv, sv[0]);
  ck_assert_ptr_nonnull(c);
  ck_assert_int_eq(tls_conn_handshake(c), 0);
  tls_conn_free(c);
  ck_assert_uint_eq(ERR_peek_error(), 0); /* nothing left for the next connection */
  close(sv[0]);
  close(sv[1]);
}

START_TEST(free_leaves_no_error) {
  tls_server *srv = new_server();
  free_one_in_handshake(srv);
  tls_server_free(srv);
}
END_TEST

struct client_arg {
  int fd;
  tls_client *cl; /* NULL: tls_client_connect, a context of its own */
  tls_conn *conn;
  char err[256];
  char pong[5]; /* with cl: what the server wrote after the handshake */
};

/* The client: connects, writes "ping"; with a tls_client, reads the
 * server's "pong" too (and with it the session tickets sent after the
 * handshake). */
static void *client_thread(void *p) {
  struct client_arg *a = p;
  a->conn = a->cl ? tls_client_open(a->cl, a->fd, "localhost", a->err, sizeof a->err)
                  : tls_client_connect(a->fd, "localhost", false, a->err, sizeof a->err);
  if (!a->conn) return NULL;
  (void)!tls_conn_write(a->conn, (const uint8_t *)"ping", 4);
  for (size_t got = 0; a->cl && got < 4;) {
    ssize_t n = tls_conn_read(a->conn, (uint8_t *)a->pong + got, 4 - got);
    if (n <= 0) break;
    got += (size_t)n;
  }
  return NULL;
}

/* An established server connection over a socket pair whose client (on a
 * thread) sent "ping". */
struct established {
  int sv[2];
  tls_conn *server;
  struct client_arg client;
};

static void establish(tls_server *srv, tls_client *cl, struct established *e) {
  pair(e->sv);
  e->server = tls_server_accept(srv, e->sv[0]);
  ck_assert_ptr_nonnull(e->server);
  e->client = (struct client_arg){.fd = e->sv[1], .cl = cl};
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, client_thread, &e->client), 0);
  int r;
  while ((r = tls_conn_handshake(e->server)) == 0) {
    struct pollfd pfd = {e->sv[0], (short)(tls_conn_want_write(e->server) ? POLLOUT : POLLIN), 0};
    ck_assert_int_ge(poll(&pfd, 1, 10000), 1);
  }
  ck_assert_int_eq(r, 1);
  if (cl) ck_assert_int_eq(tls_conn_write(e->server, (const uint8_t *)"pong", 4), 4);
  ck_assert_int_eq(pthread_join(t, NULL), 0);
  ck_assert_msg(e->client.conn != NULL, "%s", e->client.err);
  char proto[8];
  ck_assert_str_eq(tls_conn_alpn(e->server, proto, sizeof proto), "h2");
}

/* Reads the client's 4 bytes, then the next read would block: TLS_AGAIN,
 * and the connection lives on (-1 would close it). stale: an error put on
 * the queue before each read, as another connection may leave one. */
static void read_ping(struct established *e, bool stale) {
  uint8_t buf[64];
  size_t got = 0;
  while (got < 4) {
    if (stale) ERR_raise(ERR_LIB_SSL, SSL_R_SHUTDOWN_WHILE_IN_INIT);
    ssize_t n = tls_conn_read(e->server, buf + got, sizeof buf - got);
    if (n == TLS_AGAIN) {
      struct pollfd pfd = {e->sv[0], POLLIN, 0};
      ck_assert_int_ge(poll(&pfd, 1, 10000), 1);
      continue;
    }
    ck_assert_int_gt(n, 0);
    got += (size_t)n;
  }
  ck_assert_mem_eq(buf, "ping", 4);
  if (stale) ERR_raise(ERR_LIB_SSL, SSL_R_SHUTDOWN_WHILE_IN_INIT);
  ck_assert_int_eq(tls_conn_read(e->server, buf, sizeof buf), TLS_AGAIN);
}

static void close_established(struct established *e) {
  tls_conn_free(e->client.conn);
  tls_conn_free(e->server);
  close(e->sv[0]);
  close(e->sv[1]);
}

/* Whatever is on the queue before a read, an established connection with
 * nothing more to read says TLS_AGAIN. (A handshake step empties the queue
 * itself; a read after the handshake does not.) */
START_TEST(established_read_ignores_stale_errors) {
  tls_server *srv = new_server();
  struct established e;
  establish(srv, NULL, &e);
  read_ping(&e, true);
  close_established(&e);
  tls_server_free(srv);
}
END_TEST

/* serve's case: between two reads of an established connection another
 * connection is freed during its handshake. */
START_TEST(established_survives_another_failed_shutdown) {
  tls_server *srv = new_server();
  struct established e;
  establish(srv, NULL, &e);
  free_one_in_handshake(srv);
  read_ping(&e, false);
  close_established(&e);
  tls_server_free(srv);
}
END_TEST

/* A tls_client keeps the tickets of its connections and resumes a session
 * with the next one: the first handshake is full, the second resumed; each
 * ticket is used once, so a third connection still resumes (with a ticket
 * of the second). */
START_TEST(client_resumes_with_tickets) {
  tls_server *srv = new_server();
  char err[256];
  tls_client *cl = tls_client_new(false, err, sizeof err);
  ck_assert_msg(cl != NULL, "%s", err);
  for (int i = 0; i < 3; i++) {
    struct established e;
    establish(srv, cl, &e);
    ck_assert_str_eq(e.client.pong, "pong");
    ck_assert_int_eq(tls_conn_resumed(e.client.conn), i > 0);
    ck_assert_int_eq(tls_conn_resumed(e.server), i > 0);
    read_ping(&e, false);
    close_established(&e);
  }
  tls_client_free(cl);
  tls_server_free(srv);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("tls_conn");
  TCase *t = tcase_create("error queue");
  tcase_add_unchecked_fixture(t, write_cert, remove_cert);
  tcase_add_test(t, free_leaves_no_error);
  tcase_add_test(t, established_read_ignores_stale_errors);
  tcase_add_test(t, established_survives_another_failed_shutdown);
  suite_add_tcase(s, t);
  TCase *r = tcase_create("resumption");
  tcase_add_unchecked_fixture(r, write_cert, remove_cert);
  tcase_add_test(r, client_resumes_with_tickets);
  suite_add_tcase(s, r);
  return s;
}

int main(void) {
  return run_suite(suite());
}
