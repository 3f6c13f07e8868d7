/* tls_conn.h — TLS for `get`, `check`, `replay` and `serve` through
 * OpenSSL: a client that connects with SNI and ALPN "h2" (RFC 9113 §3.2), a
 * client context shared by many connections, a server context that
 * selects "h2", and read/write functions shaped like h2_transport's so the
 * session wrappers can run over TLS. Works with blocking and non-blocking
 * sockets (TLS_AGAIN tells a poll loop to wait). With SSLKEYLOGFILE set,
 * client and server contexts append their TLS secrets to that file in the
 * NSS key log format. */
#ifndef H2SCOPE_TLS_CONN_H
#define H2SCOPE_TLS_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TLS_AGAIN (-2)

typedef struct tls_conn tls_conn;
typedef struct tls_server tls_server;
typedef struct tls_client tls_client;

/* Blocking client handshake on a connected socket. verify=false accepts any
 * certificate (-k). Fails unless the server selected ALPN "h2". */
tls_conn *tls_client_connect(int fd, const char *host, bool verify, char *err, size_t errcap);

/* A client context for many connections to one server: creating one
 * (OpenSSL's SSL_CTX_new) costs ~3 ms, more than a handshake on loopback, so
 * a run of many connections (check) makes one and opens every connection on
 * it. It keeps the session tickets the server sends and resumes a session
 * with each (once), which spares both sides the certificate and its
 * signature. It may be shared between threads. */
tls_client *tls_client_new(bool verify, char *err, size_t errcap);
/* As tls_client_connect, on cl's context. */
tls_conn *tls_client_open(tls_client *cl, int fd, const char *host, char *err, size_t errcap);
void tls_client_free(tls_client *cl);
/* Whether the handshake resumed a session. */
bool tls_conn_resumed(const tls_conn *c);

tls_server *tls_server_new(const char *cert_file, const char *key_file, char *err, size_t errcap);
void tls_server_free(tls_server *srv);
/* Starts a server-side connection on an accepted (non-blocking) socket. */
tls_conn *tls_server_accept(tls_server *srv, int fd);
/* Continues the handshake: 1 done, 0 in progress (see tls_conn_want_write), -1 failed. */
int tls_conn_handshake(tls_conn *c);

/* > 0 bytes, 0 closed, -1 error, TLS_AGAIN would block. */
ssize_t tls_conn_read(void *conn, uint8_t *buf, size_t cap);
ssize_t tls_conn_write(void *conn, const uint8_t *buf, size_t len);
/* The last TLS_AGAIN waits for the socket to become writable (not readable). */
bool tls_conn_want_write(const tls_conn *c);
/* The ALPN protocol the handshake selected ("" when none). */
const char *tls_conn_alpn(const tls_conn *c, char *buf, size_t cap);
/* Sends close_notify (once, after a finished handshake; best effort on a
 * non-blocking socket): our side of the TLS connection is over. */
void tls_conn_close_notify(tls_conn *c);
void tls_conn_free(tls_conn *c);

#endif
