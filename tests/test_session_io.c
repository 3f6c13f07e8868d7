/* test_session_io.c — the blocking put/take wrapper (session_io.h) over a
 * socketpair: a client session taking events while a server session runs
 * in a thread on the other end, through the fd transport and through
 * custom read/write callbacks (the shape a TLS library plugs into). */
#include <check.h>

#include "run_suite.h"
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "h2/session.h"
#include "h2/session_io.h"

static uint8_t body[300000];

/* Server thread: answers every request with `body`, until the peer leaves. */
static void *server_main(void *arg) {
  int fd = *(int *)arg;
  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_SERVER);
  h2_session *s = h2_session_new(&cfg);
  h2_session_io *io = h2_session_io_new_fd(s, fd);
  h2_event ev;
  static const h2_header resp[] = {{":status", 7, "200", 3, 0}};
  while (h2_session_io_take(io, &ev)) {
    if (ev.type == H2_EV_HEADERS && ev.end_stream) {
      h2_session_send_headers(s, ev.stream_id, resp, 1, false, NULL);
      h2_session_send_data(s, ev.stream_id, body, sizeof body, true);
    }
  }
  h2_session_io_flush(io);
  h2_session_io_free(io);
  h2_session_free(s);
  shutdown(fd, SHUT_WR);
  return NULL;
}

typedef struct counting_fd {
  int fd;
  size_t reads, writes;
} counting_fd;

static ssize_t cb_read(void *ctx, uint8_t *buf, size_t cap) {
  counting_fd *c = ctx;
  c->reads++;
  return read(c->fd, buf, cap);
}

static ssize_t cb_write(void *ctx, const uint8_t *buf, size_t len) {
  counting_fd *c = ctx;
  c->writes++;
  return write(c->fd, buf, len);
}

static void fetch(bool callbacks) {
  for (size_t i = 0; i < sizeof body; i++)
    body[i] = (uint8_t)(i * 31 + 7);
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  pthread_t th;
  ck_assert_int_eq(pthread_create(&th, NULL, server_main, &sv[1]), 0);

  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_CLIENT);
  cfg.connection_window = 65535; /* needs WINDOW_UPDATEs: 3 x 300000 bytes */
  h2_session *c = h2_session_new(&cfg);
  counting_fd cf = {sv[0], 0, 0};
  h2_transport t = {cb_read, cb_write, &cf};
  h2_session_io *io = callbacks ? h2_session_io_new(c, &t) : h2_session_io_new_fd(c, sv[0]);
  h2_header req[] = {{":method", 7, "GET", 3, 0},
                     {":scheme", 7, "http", 4, 0},
                     {":path", 5, "/", 1, 0},
                     {":authority", 10, "x", 1, 0}};
  uint32_t ids[3];
  for (int i = 0; i < 3; i++) /* put: returns at once */
    ck_assert_int_eq(h2_session_send_headers(c, 0, req, 4, true, &ids[i]), H2_OK);
  ck_assert_uint_eq(ids[2], 5);
  size_t got[3] = {0};
  int statuses = 0, ended = 0;
  h2_event ev;
  while (ended < 3 && h2_session_io_take(io, &ev)) { /* take: waits */
    int k = (int)(ev.stream_id - 1) / 2;
    if (ev.type == H2_EV_HEADERS) {
      ck_assert_str_eq(ev.headers[0].value, "200");
      statuses++;
    } else if (ev.type == H2_EV_DATA) {
      ck_assert_uint_le(got[k] + ev.len, sizeof body);
      ck_assert(memcmp(ev.data, body + got[k], ev.len) == 0);
      got[k] += ev.len;
      if (ev.end_stream) ended++;
    }
  }
  ck_assert_int_eq(statuses, 3);
  ck_assert_int_eq(ended, 3);
  for (int i = 0; i < 3; i++)
    ck_assert_uint_eq(got[i], sizeof body);
  h2_session_close(c);
  ck_assert(h2_session_io_flush(io));
  /* the server sees GOAWAY and no open streams: it stops, the socket closes */
  while (h2_session_io_take(io, &ev)) {
  }
  pthread_join(th, NULL);
  if (callbacks) {
    ck_assert_uint_gt(cf.reads, 0);
    ck_assert_uint_gt(cf.writes, 0);
  }
  h2_session_io_free(io);
  h2_session_free(c);
  close(sv[0]);
  close(sv[1]);
}

START_TEST(fd_transport) {
  fetch(false);
}
END_TEST

START_TEST(callback_transport) {
  fetch(true);
}
END_TEST

START_TEST(push_input_first) {
  /* bytes read past an HTTP/1.1 101 go in before anything new is read */
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_CLIENT);
  h2_session *c = h2_session_new(&cfg);
  h2_session_io *io = h2_session_io_new_fd(c, sv[0]);
  uint8_t settings[9];
  h2_frame_header_write(settings, 0, H2_SETTINGS, 0, 0);
  ck_assert(h2_session_io_push_input(io, settings, sizeof settings));
  h2_event ev;
  ck_assert(h2_session_io_take(io, &ev));
  ck_assert_int_eq(ev.type, H2_EV_SETTINGS);
  h2_session_io_free(io);
  h2_session_free(c);
  close(sv[0]);
  close(sv[1]);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("session_io");
  TCase *t = tcase_create("io");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, fd_transport);
  tcase_add_test(t, callback_transport);
  tcase_add_test(t, push_input_first);
  suite_add_tcase(s, t);
  return s;
}

int main(void) { return run_suite(suite()); }
