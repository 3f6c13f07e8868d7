/* test_observer_windows.c — the flow-control windows of the observer
 * (session/src/observer_windows.c) through its public API, frame by frame:
 * initial windows, DATA and WINDOW_UPDATE, SETTINGS_INITIAL_WINDOW_SIZE
 * changes that move every open stream's window and leave it negative
 * (RFC 9113 §6.9.2), an increase applied at the SETTINGS and a decrease at
 * its ACK, and the zero-window stall events (begin, end, why, where). */
#include <check.h>
#include <string.h>

#include "h2/observer.h"
#include "run_suite.h"

enum { C = 0, S = 1 };

typedef struct fix {
  h2_observer *o;
  h2_window_stall stalls[16];
  int nstalls;
  double ts;
  uint64_t pkt;
} fix;

static void on_stall(void *user, const h2_window_stall *s) {
  fix *x = user;
  if (x->nstalls < 16) x->stalls[x->nstalls++] = *s;
}

static void fix_init_view(fix *x, bool no_window_view) {
  memset(x, 0, sizeof *x);
  h2_observer_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.no_window_view = no_window_view;
  cfg.on_stall = on_stall;
  cfg.user = x;
  x->o = h2_observer_new(&cfg);
  ck_assert_ptr_nonnull(x->o);
}

static void fix_init(fix *x) {
  fix_init_view(x, false);
}

static void feed(fix *x, int dir, h2_frame *f) {
  x->ts += 0.5;
  x->pkt++;
  h2_observer_mark(x->o, x->pkt * 100, x->pkt);
  h2_observer_frame(x->o, dir, f, NULL, x->ts);
}

static void settings(fix *x, int dir, bool ack, int32_t iws) {
  uint8_t raw[6];
  h2_setting st = {.id = H2_SETTINGS_INITIAL_WINDOW_SIZE, .value = (uint32_t)iws};
  h2_frame f;
  memset(&f, 0, sizeof f);
  f.hd.type = H2_SETTINGS;
  f.hd.flags = ack ? H2_FLAG_ACK : 0;
  if (!ack && iws >= 0) {
    h2_settings_pack(&st, 1, raw, sizeof raw);
    f.u.settings.raw = raw;
    f.u.settings.count = 1;
    f.hd.length = 6;
  }
  feed(x, dir, &f);
}

static void headers(fix *x, int dir, uint32_t id, bool end_stream) {
  h2_frame f;
  memset(&f, 0, sizeof f);
  f.hd.type = H2_HEADERS;
  f.hd.stream_id = id;
  f.hd.flags = H2_FLAG_END_HEADERS | (end_stream ? H2_FLAG_END_STREAM : 0);
  feed(x, dir, &f);
}

static void data(fix *x, int dir, uint32_t id, uint32_t len, bool end_stream) {
  h2_frame f;
  memset(&f, 0, sizeof f);
  f.hd.type = H2_DATA;
  f.hd.stream_id = id;
  f.hd.length = len;
  f.hd.flags = end_stream ? H2_FLAG_END_STREAM : 0;
  f.u.data.len = len;
  feed(x, dir, &f);
}

static void window_update(fix *x, int dir, uint32_t id, uint32_t inc) {
  h2_frame f;
  memset(&f, 0, sizeof f);
  f.hd.type = H2_WINDOW_UPDATE;
  f.hd.stream_id = id;
  f.hd.length = 4;
  f.u.window_update.increment = inc;
  feed(x, dir, &f);
}

static h2_window_view view(fix *x) {
  h2_window_view v;
  ck_assert(h2_observer_windows(x->o, &v));
  return v;
}

/* A request of the client on stream 1 after both SETTINGS. */
static void open_connection(fix *x, int32_t client_iws) {
  settings(x, C, false, client_iws);
  settings(x, S, false, -1);
  settings(x, S, true, 0);
  settings(x, C, true, 0);
  headers(x, C, 1, true);
}

START_TEST(initial_data_and_update) {
  fix x;
  fix_init(&x);
  open_connection(&x, -1);
  h2_window_view v = view(&x);
  ck_assert(v.changed);
  ck_assert_uint_eq(v.stream, 1);
  ck_assert(v.stream_known);
  ck_assert_int_eq(v.stream_window[S], 65535);
  headers(&x, S, 1, false);
  ck_assert(!view(&x).changed); /* the response's HEADERS open nothing */
  data(&x, S, 1, 1000, false);
  v = view(&x);
  ck_assert(v.changed);
  ck_assert_int_eq(v.conn[S], 64535);
  ck_assert_int_eq(v.stream_window[S], 64535);
  ck_assert_int_eq(v.conn[C], 65535);
  window_update(&x, C, 0, 1000);
  v = view(&x);
  ck_assert_uint_eq(v.stream, 0);
  ck_assert(!v.stream_known);
  ck_assert_int_eq(v.conn[S], 65535);
  window_update(&x, C, 1, 10);
  v = view(&x);
  ck_assert_int_eq(v.stream_window[S], 64545);
  h2_observer_free(x.o);
}
END_TEST

/* §6.9.2: a smaller INITIAL_WINDOW_SIZE moves the open streams' windows by
 * the difference, below zero when more was sent; it binds with the ACK of
 * the endpoint whose windows shrink. A larger one counts at once. */
START_TEST(initial_window_change_goes_negative) {
  fix x;
  fix_init(&x);
  open_connection(&x, -1);
  headers(&x, S, 1, false);
  data(&x, S, 1, 60000, false);
  ck_assert_int_eq(view(&x).stream_window[S], 5535);
  settings(&x, C, false, 1000);
  ck_assert(!view(&x).changed); /* a decrease waits for the server's ACK */
  data(&x, S, 1, 500, false);
  ck_assert_int_eq(view(&x).stream_window[S], 5035);
  settings(&x, S, true, 0);
  h2_window_view v = view(&x);
  ck_assert(v.changed);
  ck_assert_int_eq(v.initial[S], 1000);
  headers(&x, C, 3, true);
  v = view(&x);
  ck_assert_int_eq(v.stream_window[S], 1000); /* a new stream starts at the new value */
  ck_assert_int_eq(v.stream_window[C], 65535);
  window_update(&x, C, 1, 1);
  v = view(&x);
  ck_assert_uint_eq(v.stream, 1);
  ck_assert_int_eq(v.stream_window[S], 5035 - 64535 + 1); /* -59499 */
  ck_assert_int_lt(v.stream_window[S], 0);
  settings(&x, C, false, 70000); /* an increase: at once, by the difference */
  v = view(&x);
  ck_assert(v.changed);
  ck_assert_int_eq(v.initial[S], 70000);
  window_update(&x, C, 3, 1);
  ck_assert_int_eq(view(&x).stream_window[S], 70001);
  window_update(&x, C, 1, 1);
  ck_assert_int_eq(view(&x).stream_window[S], -59499 + 69000 + 1);
  h2_observer_free(x.o);
}
END_TEST

/* A stall begins at the DATA (without END_STREAM) that leaves a window at 0
 * or below and ends at what reopens it; each says where it began. */
START_TEST(stall_events) {
  fix x;
  fix_init(&x);
  open_connection(&x, 100);
  headers(&x, S, 1, false);
  data(&x, S, 1, 100, false);
  ck_assert_int_eq(x.nstalls, 1);
  ck_assert(!x.stalls[0].end);
  ck_assert(!x.stalls[0].connection);
  ck_assert_uint_eq(x.stalls[0].sender, S);
  ck_assert_uint_eq(x.stalls[0].stream, 1);
  ck_assert_int_eq(x.stalls[0].window, 0);
  uint64_t begin_pkt = x.pkt;
  ck_assert_uint_eq(x.stalls[0].begin_pkt, begin_pkt);
  window_update(&x, C, 1, 50);
  ck_assert_int_eq(x.nstalls, 2);
  ck_assert(x.stalls[1].end);
  ck_assert_str_eq(x.stalls[1].why, "window-update");
  ck_assert_uint_eq(x.stalls[1].begin_pkt, begin_pkt);
  ck_assert_uint_eq(x.stalls[1].begin_offset, begin_pkt * 100);
  ck_assert(x.stalls[1].since < x.ts);
  /* a larger INITIAL_WINDOW_SIZE ends one too */
  data(&x, S, 1, 50, false);
  ck_assert_int_eq(x.nstalls, 3);
  settings(&x, C, false, 200);
  ck_assert_int_eq(x.nstalls, 4);
  ck_assert_str_eq(x.stalls[3].why, "settings");
  /* the last DATA (END_STREAM) leaves nothing pending: no stall */
  data(&x, S, 1, 100, true);
  ck_assert_int_eq(x.nstalls, 4);
  /* a stall still open ends with the connection */
  headers(&x, C, 3, true);
  headers(&x, S, 3, false);
  data(&x, S, 3, 200, false);
  ck_assert_int_eq(x.nstalls, 5);
  h2_observer_finish(x.o);
  ck_assert_int_eq(x.nstalls, 6);
  ck_assert_str_eq(x.stalls[5].why, "connection-end");
  h2_observer_free(x.o);
}
END_TEST

/* A reset stream carries no more DATA: its stall ends there. */
START_TEST(stall_ends_when_stream_closes) {
  fix x;
  fix_init(&x);
  open_connection(&x, 10);
  headers(&x, S, 1, false);
  data(&x, S, 1, 10, false);
  ck_assert_int_eq(x.nstalls, 1);
  h2_frame f;
  memset(&f, 0, sizeof f);
  f.hd.type = H2_RST_STREAM;
  f.hd.stream_id = 1;
  f.hd.length = 4;
  f.u.rst_stream.error_code = 8;
  feed(&x, C, &f);
  ck_assert_int_eq(x.nstalls, 2);
  ck_assert(x.stalls[1].end);
  ck_assert_str_eq(x.stalls[1].why, "stream-closed");
  h2_observer_free(x.o);
}
END_TEST

/* Stalls that begin and end by WINDOW_UPDATE, SETTINGS, END_STREAM-less
 * DATA on the connection window and the connection's end. */
static void stall_scenario(fix *x) {
  open_connection(x, 100);
  headers(x, S, 1, false);
  data(x, S, 1, 100, false);
  window_update(x, C, 1, 50);
  data(x, S, 1, 50, false);
  settings(x, C, false, 200);
  window_update(x, C, 0, 10);
  data(x, S, 1, 65000, false);
  window_update(x, C, 0, 70000);
  h2_observer_finish(x->o);
}

/* no_window_view: no view (h2_observer_windows says so), the same stall
 * events, field by field, as with it. */
START_TEST(no_window_view_same_stalls) {
  fix with, without;
  fix_init_view(&with, false);
  fix_init_view(&without, true);
  stall_scenario(&with);
  stall_scenario(&without);
  h2_window_view v;
  ck_assert(h2_observer_windows(with.o, &v));
  ck_assert(!h2_observer_windows(without.o, &v));
  ck_assert_int_ge(with.nstalls, 6);
  ck_assert_int_eq(with.nstalls, without.nstalls);
  for (int i = 0; i < with.nstalls; i++) {
    const h2_window_stall *a = &with.stalls[i], *b = &without.stalls[i];
    ck_assert(a->end == b->end);
    ck_assert_uint_eq(a->sender, b->sender);
    ck_assert_uint_eq(a->stream, b->stream);
    ck_assert(a->connection == b->connection);
    ck_assert_int_eq(a->window, b->window);
    ck_assert(a->since == b->since);
    ck_assert_uint_eq(a->begin_offset, b->begin_offset);
    ck_assert_uint_eq(a->begin_pkt, b->begin_pkt);
    ck_assert_ptr_eq(a->why, b->why);
  }
  h2_observer_free(with.o);
  h2_observer_free(without.o);
}
END_TEST

static Suite *observer_windows_suite(void) {
  Suite *s = suite_create("observer_windows");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, initial_data_and_update);
  tcase_add_test(tc, initial_window_change_goes_negative);
  tcase_add_test(tc, stall_events);
  tcase_add_test(tc, stall_ends_when_stream_closes);
  tcase_add_test(tc, no_window_view_same_stalls);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(observer_windows_suite());
}
