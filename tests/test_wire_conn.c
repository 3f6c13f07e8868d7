/* test_wire_conn.c — the raw-bytes client connection of check, fuzz,
 * replay, get and the canary (inspector/net/wire_conn.c) over socket pairs
 * and loopback TCP: bytes written arrive whole and pass the tap in order
 * (dir 0 sent, dir 1 received); a read with nothing to read and a write the
 * peer does not take end at their deadline as WIRE_TIMEOUT; a peer's close
 * is WIRE_CLOSED on read and WIRE_FAILED (EPIPE) on write; the session
 * transport turns a timeout into -1 and timed_out; wire_connect reaches a
 * listening socket and says when the port is closed. No assertion on time. */
#include <check.h>

#include "run_suite.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcp_connect.h"
#include "wire_conn.h"

typedef struct tap_log {
  uint8_t bytes[2][4096];
  size_t len[2];
} tap_log;

static void tap(void *user, int dir, const uint8_t *p, size_t n) {
  tap_log *l = user;
  ck_assert_uint_le(l->len[dir] + n, sizeof l->bytes[dir]);
  memcpy(l->bytes[dir] + l->len[dir], p, n);
  l->len[dir] += n;
}

/* Two connected wire_conns over a stream socket pair. */
static void pair(wire_conn *a, wire_conn *b) {
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  wire_init(a);
  wire_init(b);
  wire_adopt(a, sv[0]);
  wire_adopt(b, sv[1]);
}

START_TEST(bytes_arrive_and_pass_the_tap) {
  wire_conn a, b;
  pair(&a, &b);
  tap_log la = {0}, lb = {0};
  a.tap = b.tap = tap;
  a.tap_user = &la;
  b.tap_user = &lb;
  uint8_t msg[1000];
  for (size_t i = 0; i < sizeof msg; i++)
    msg[i] = (uint8_t)(i * 7);
  ck_assert_int_eq(wire_write_all(&a, msg, sizeof msg, wire_now() + 10), WIRE_OK);
  uint8_t got[2000];
  size_t have = 0;
  while (have < sizeof msg) {
    size_t n = 0;
    ck_assert_int_eq(wire_read(&b, got + have, sizeof got - have, wire_now() + 10, &n), WIRE_OK);
    ck_assert_uint_gt(n, 0);
    have += n;
  }
  ck_assert_uint_eq(have, sizeof msg);
  ck_assert_mem_eq(got, msg, sizeof msg);
  ck_assert_uint_eq(la.len[0], sizeof msg);
  ck_assert_mem_eq(la.bytes[0], msg, sizeof msg);
  ck_assert_uint_eq(la.len[1], 0);
  ck_assert_uint_eq(lb.len[1], sizeof msg);
  ck_assert_mem_eq(lb.bytes[1], msg, sizeof msg);
  ck_assert_uint_eq(lb.len[0], 0);
  wire_close(&a);
  wire_close(&b);
  ck_assert_int_eq(a.fd, -1);
}
END_TEST

START_TEST(read_ends_at_the_deadline) {
  wire_conn a, b;
  pair(&a, &b);
  uint8_t buf[16];
  size_t n = 99;
  ck_assert_int_eq(wire_read(&b, buf, sizeof buf, wire_now() + 0.02, &n), WIRE_TIMEOUT);
  ck_assert_uint_eq(n, 0);
  /* a deadline already past: no wait at all */
  ck_assert_int_eq(wire_read(&b, buf, sizeof buf, wire_now() - 1, &n), WIRE_TIMEOUT);
  /* no deadline (0): what is there is read */
  ck_assert_int_eq(wire_write_all(&a, (const uint8_t *)"x", 1, 0), WIRE_OK);
  ck_assert_int_eq(wire_read(&b, buf, sizeof buf, 0, &n), WIRE_OK);
  ck_assert_uint_eq(n, 1);
  wire_close(&a);
  wire_close(&b);
}
END_TEST

START_TEST(write_the_peer_does_not_take_ends_at_the_deadline) {
  wire_conn a, b;
  pair(&a, &b);
  size_t big = 8u << 20; /* far more than a socket buffer */
  uint8_t *p = calloc(1, big);
  ck_assert_ptr_nonnull(p);
  ck_assert_int_eq(wire_write_all(&a, p, big, wire_now() + 0.05), WIRE_TIMEOUT);
  free(p);
  wire_close(&a);
  wire_close(&b);
}
END_TEST

START_TEST(closed_peer) {
  wire_conn a, b;
  pair(&a, &b);
  wire_close(&a);
  uint8_t buf[16];
  size_t n = 0;
  ck_assert_int_eq(wire_read(&b, buf, sizeof buf, wire_now() + 10, &n), WIRE_CLOSED);
  ck_assert_int_eq(wire_write_all(&b, (const uint8_t *)"ping", 4, wire_now() + 10), WIRE_FAILED);
  ck_assert_int_eq(b.err, EPIPE);
  wire_close(&b);
}
END_TEST

START_TEST(session_transport_times_out) {
  wire_conn a, b;
  pair(&a, &b);
  b.idle = 0.02;
  uint8_t buf[16];
  ck_assert_int_eq(wire_session_read(&b, buf, sizeof buf), -1);
  ck_assert(b.timed_out);
  ck_assert_int_eq(wire_session_write(&a, (const uint8_t *)"abc", 3), 3);
  ck_assert_int_eq(wire_session_read(&b, buf, sizeof buf), 3);
  wire_close(&a);
  ck_assert_int_eq(wire_session_read(&b, buf, sizeof buf), 0);
  wire_close(&b);
}
END_TEST

START_TEST(connect_tcp) {
  int port = 0;
  int lfd = tcp_listen("127.0.0.1", 0, 4, &port);
  ck_assert_int_ge(lfd, 0);
  char portstr[16], err[256] = "";
  snprintf(portstr, sizeof portstr, "%d", port);
  wire_peer p = {.host = "127.0.0.1", .port = portstr};
  wire_conn w;
  wire_init(&w);
  ck_assert_int_eq(wire_connect(&w, &p, wire_now() + 10, err, sizeof err), WIRE_CONNECT_OK);
  int sfd = accept(lfd, NULL, NULL);
  ck_assert_int_ge(sfd, 0);
  ck_assert_int_eq(write(sfd, "hi", 2), 2);
  uint8_t buf[8];
  size_t n = 0;
  ck_assert_int_eq(wire_read(&w, buf, sizeof buf, wire_now() + 10, &n), WIRE_OK);
  ck_assert_uint_eq(n, 2);
  ck_assert_mem_eq(buf, "hi", 2);
  wire_close(&w);
  close(sfd);
  close(lfd); /* nothing listens on the port any more */
  ck_assert_int_eq(wire_connect(&w, &p, wire_now() + 10, err, sizeof err), WIRE_CONNECT_TCP);
  ck_assert_int_eq(w.fd, -1);
  ck_assert_int_eq(w.err, ECONNREFUSED);
  ck_assert_str_eq(err, strerror(ECONNREFUSED));
}
END_TEST

static Suite *suite(void) {
  signal(SIGPIPE, SIG_IGN);
  Suite *s = suite_create("wire_conn");
  TCase *t = tcase_create("bytes");
  tcase_add_test(t, bytes_arrive_and_pass_the_tap);
  tcase_add_test(t, read_ends_at_the_deadline);
  tcase_add_test(t, write_the_peer_does_not_take_ends_at_the_deadline);
  tcase_add_test(t, closed_peer);
  tcase_add_test(t, session_transport_times_out);
  tcase_add_test(t, connect_tcp);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
