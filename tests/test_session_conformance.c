/* test_session_conformance.c — runs every server case of `h2scope check`
 * (inspector/check/check_cases_*.c) in-process against the project's own sans-I/O
 * server session: builds each line with check_build, feeds it, lets a tiny
 * application answer complete requests (except /hold), then grades the
 * frames the session sent with check_grade. The client cases run the same
 * way against the client session. Every case must pass (not only lenient),
 * and every connection or stream error the session raises must name its RFC
 * section. */
#include "check_build.h"
#include "check_case.h"
#include "check_grade.h"
#include "run_suite.h"
#include "session_harness.h"

static h2_buf wire = {.limit = 1 << 21}; /* the bytes of one case line */

/* The server application: answers every complete request except /hold. */
static void respond(harness *h, size_t first) {
  for (size_t i = first; i < h->nevents; i++) {
    h2_event *ev = &h->events[i];
    if ((ev->type != H2_EV_HEADERS && ev->type != H2_EV_DATA) || !ev->end_stream) continue;
    bool hold = false;
    for (size_t k = 0; k < ev->header_count; k++)
      if (!strcmp(ev->headers[k].name, ":path") && !strcmp(ev->headers[k].value, "/hold"))
        hold = true;
    if (hold) continue;
    if (h2_session_stream_state(h->s, ev->stream_id) != H2_SS_HALF_CLOSED_REMOTE) continue;
    h2_session_send_headers(h->s, ev->stream_id, hs_response, 1, false, NULL);
    h2_session_send_data(h->s, ev->stream_id, hs_body, 2, true);
  }
}

static void observe(const harness *h, size_t from, check_observed *o, bool marker) {
  for (size_t i = from; i < h->nframes; i++) {
    const hs_frame *f = &h->frames[i];
    check_rx rx = {.hd = f->hd,
                   .error_code = f->error_code,
                   .last_stream_id = f->last_stream_id,
                   .increment = f->increment};
    memcpy(rx.status, f->status, sizeof rx.status);
    rx.marker = marker && f->hd.type == H2_PING && (f->hd.flags & H2_FLAG_ACK);
    check_observed_add(o, &rx);
  }
}

static void run_case(int group, size_t index) {
  const check_case *c = check_case_at(group, index);
  char id[96];
  check_case_id(group, index, id, sizeof id);
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  hs_start(&h, &cfg);
  hs_drain(&h);
  if (strcmp(c->handshake, "none") != 0) hs_client_handshake(&h);
  hs_clear(&h);

  check_observed *o = calloc(1, sizeof *o);
  ck_assert_ptr_nonnull(o);
  char line[4096], err[128];
  check_build_ctx ctx = {0};
  for (size_t li = 0; check_frames_line(c->frames, li, line, sizeof line); li++) {
    h2_buf_reset(&wire);
    ck_assert_msg(check_build_line(&ctx, line, &wire, err, sizeof err), "%s: %s", id, err);
    /* the highest stream id the case opened (for GOAWAY's last-stream-id) */
    if (wire.len >= 9 && wire.p[3] == H2_HEADERS) {
      uint32_t sid = ((uint32_t)wire.p[5] << 24 | (uint32_t)wire.p[6] << 16 |
                      (uint32_t)wire.p[7] << 8 | wire.p[8]) &
                     H2_STREAM_ID_MASK;
      if (sid > o->max_stream) o->max_stream = sid;
    }
    if (!strncmp(line, "LOOP", 4)) o->max_stream = UINT32_MAX >> 1;
    size_t first = h.nevents;
    hs_feed(&h, wire.p, wire.len);
    respond(&h, first);
    hs_drain(&h);
    if (!h2_session_want_read(h.s)) break;
  }
  observe(&h, 0, o, false);
  o->closed = !h2_session_want_read(h.s);
  if (!o->closed) { /* the end-of-case marker: a PING the session must answer */
    size_t before = h.nframes;
    hs_frame_send(&h, H2_PING, 0, 0, "h2sc-end", 8);
    const hs_frame *p = before < h.nframes ? &h.frames[h.nframes - 1] : NULL;
    o->marker_acked = p && p->hd.type == H2_PING && (p->hd.flags & H2_FLAG_ACK);
    observe(&h, before, o, true);
  }
  char why[256], actual[1024];
  int v = check_grade(c->expect, o, why, sizeof why);
  check_observed_text(o, actual, sizeof actual);
  if (getenv("H2_CHECK_DUMP"))
    fprintf(stderr, "%-16s %-7s %-40.40s | %s\n", id, check_verdict_name(v), c->title, actual);
  ck_assert_msg(v == CHECK_PASS, "%s (%s): %s — expected %s, got %s: %s", id, c->title,
                check_verdict_name(v), c->expect, actual, why);
  /* every error the session raised names the RFC rule */
  for (size_t i = 0; i < h.nevents; i++)
    if (h.events[i].type == H2_EV_CONNECTION_ERROR || h.events[i].type == H2_EV_STREAM_ERROR)
      ck_assert_msg(h.events[i].section && !strncmp(h.events[i].section, "RFC ", 4),
                    "%s: error without an RFC section", id);
  /* a response on a stream we asked for is the application's 200 */
  unsigned sid;
  if (sscanf(c->expect, "RESPONSE %u", &sid) == 1) {
    const check_rx *r = check_observed_find(o, H2_HEADERS, sid);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->status, "200");
  }
  free(o);
  hs_stop(&h);
}

/* Client cases against the sans-I/O client: it sends its request on stream
 * 1, then receives the misbehaving server's frames. */
static void run_client_case(size_t index) {
  const check_case *c = check_case_at(CHECK_GROUP_CLIENT, index);
  char id[96];
  check_case_id(CHECK_GROUP_CLIENT, index, id, sizeof id);
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_CLIENT);
  hs_start(&h, &cfg);
  hs_drain(&h);
  hs_server_handshake(&h);
  uint32_t sid = 0;
  static const h2_header get[] = {{":method", 7, "GET", 3, 0},
                                  {":scheme", 7, "http", 4, 0},
                                  {":path", 5, "/", 1, 0},
                                  {":authority", 10, "localhost", 9, 0}};
  ck_assert_int_eq(h2_session_send_headers(h.s, 0, get, 4, true, &sid), H2_OK);
  ck_assert_uint_eq(sid, 1);
  hs_drain(&h);
  hs_clear(&h);
  check_observed *o = calloc(1, sizeof *o);
  ck_assert_ptr_nonnull(o);
  o->max_stream = 2;
  char line[4096], err[128];
  check_build_ctx ctx = {0};
  for (size_t li = 0; check_frames_line(c->frames, li, line, sizeof line); li++) {
    h2_buf_reset(&wire);
    ck_assert_msg(check_build_line(&ctx, line, &wire, err, sizeof err), "%s: %s", id, err);
    hs_feed(&h, wire.p, wire.len);
    if (!h2_session_want_read(h.s)) break;
  }
  observe(&h, 0, o, false);
  o->closed = !h2_session_want_read(h.s);
  if (!o->closed) {
    size_t before = h.nframes;
    hs_frame_send(&h, H2_PING, 0, 0, "h2sc-end", 8);
    const hs_frame *p = before < h.nframes ? &h.frames[h.nframes - 1] : NULL;
    o->marker_acked = p && p->hd.type == H2_PING && (p->hd.flags & H2_FLAG_ACK);
    observe(&h, before, o, true);
  }
  char why[256], actual[1024];
  int v = check_grade(c->expect, o, why, sizeof why);
  check_observed_text(o, actual, sizeof actual);
  if (getenv("H2_CHECK_DUMP"))
    fprintf(stderr, "%-22s %-7s %-40.40s | %s\n", id, check_verdict_name(v), c->title, actual);
  /* the PUSH_PROMISE case needs push disabled: the session's default */
  ck_assert_msg(v == CHECK_PASS, "%s (%s): %s — expected %s, got %s: %s", id, c->title,
                check_verdict_name(v), c->expect, actual, why);
  free(o);
  hs_stop(&h);
}

START_TEST(client_case) {
  run_client_case((size_t)_i);
}
END_TEST

START_TEST(server_case) {
  run_case(CHECK_GROUP_SERVER, (size_t)_i);
}
END_TEST

START_TEST(robust_case) {
  run_case(CHECK_GROUP_ROBUST, (size_t)_i);
}
END_TEST

/* The table is big enough for the breadth and every id is unique. */
START_TEST(case_table) {
  size_t n;
  n = check_case_count(CHECK_GROUP_SERVER);
  ck_assert_uint_ge(n, 150);
  for (size_t i = 0; i < n; i++) {
    char a[96], b[96];
    check_case_id(CHECK_GROUP_SERVER, i, a, sizeof a);
    for (size_t k = 0; k < i; k++)
      ck_assert_str_ne(a, check_case_id(CHECK_GROUP_SERVER, k, b, sizeof b));
  }
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("session_conformance");
  TCase *t = tcase_create("server");
  tcase_set_timeout(t, 300);
  size_t n;
  n = check_case_count(CHECK_GROUP_SERVER);
  tcase_add_test(t, case_table);
  tcase_add_loop_test(t, server_case, 0, (int)n);
  n = check_case_count(CHECK_GROUP_ROBUST);
  tcase_add_loop_test(t, robust_case, 0, (int)n);
  n = check_case_count(CHECK_GROUP_CLIENT);
  tcase_add_loop_test(t, client_case, 0, (int)n);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
