/* test_read_jobs.c — read_jobs (read -j N) against one consumer on one
 * thread: a made-up capture of hundreds of interleaved connections (enough
 * records for many batches, so the window wraps and waits) is fed once
 * straight into a transcript consumer and once through read_jobs with 2, 3
 * and 4 workers; the transcripts, the notices the merging thread counts and
 * the attachments must come out identical and in the same order. Some
 * connections get their directions numbered again by a late SYN on the
 * capture side before their first bytes (the endpoints, ports and syn_seen
 * change in place, which the workers' copies must follow); some records
 * print more than a worker's output window holds.
 *
 * The work divides as read_jobs promises: worker 0 runs on the thread that
 * calls the consumer and reads the bytes where the capture has them, the
 * others run on threads of their own and read copies; worker 0 takes a
 * smaller share of the connections (the reading is its too), none from six
 * workers on, and a lone connection goes to a worker with a thread. */
#include <check.h>

#include "run_suite.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_run.h"
#include "read_jobs.h"

enum { FLOWS = 3000, EVENTS = 100000 };

typedef struct text {
  char *p;
  size_t len, cap;
} text;

static bool text_add(void *ctx, const char *p, size_t n) {
  text *t = ctx;
  if (t->len + n > t->cap) {
    size_t cap = t->cap ? t->cap : 1 << 16;
    while (cap < t->len + n)
      cap *= 2;
    char *q = realloc(t->p, cap);
    if (!q) return false;
    t->p = q;
    t->cap = cap;
  }
  memcpy(t->p + t->len, p, n);
  t->len += n;
  return true;
}

/* ---- the consumer: a transcript line per callback ---- */

typedef struct transcript {
  out_buf *out;
  bool jobs; /* a worker: notices are counted by the merging thread */
  text *notices;
  unsigned long long long_records; /* on_bytes printed more than a window */
  /* Where the work ran: connections opened, calls made on the thread that
   * plays the capture, on_bytes given the capture's own bytes or a copy. */
  unsigned long long opens, calls, on_capture_thread, in_place, copied;
} transcript;

/* The capture's bytes (play) and the thread that plays it. */
static uint8_t capture_bytes[4096 + 64];
static pthread_t capture_thread;

static void count_call(transcript *t) {
  t->calls++;
  t->on_capture_thread += pthread_equal(pthread_self(), capture_thread) != 0;
}

static void line(out_buf *o, const char *what, const capture_flow *f) {
  out_puts(o, what);
  if (!f) return;
  out_putc(o, ' ');
  out_u64(o, f->id);
  out_putc(o, ' ');
  out_puts(o, f->endpoint[0]);
  out_putc(o, '/');
  out_u64(o, f->port[0]);
  out_puts(o, f->syn_seen ? " syn " : " ");
  out_u64(o, f->bytes[0]);
  out_putc(o, '+');
  out_u64(o, f->bytes[1]);
}

static void t_open(void *user, capture_flow *f, double ts) {
  transcript *t = user;
  count_call(t);
  t->opens++;
  line(t->out, "open", f);
  out_putc(t->out, ' ');
  out_fixed(t->out, ts, 6);
  out_putc(t->out, '\n');
}

static void t_bytes(void *user, capture_flow *f, int dir, uint64_t offset, const uint8_t *data,
                    size_t len, double ts) {
  transcript *t = user;
  (void)ts;
  count_call(t);
  if (data >= capture_bytes && data < capture_bytes + sizeof capture_bytes)
    t->in_place++;
  else
    t->copied++;
  line(t->out, "bytes", f);
  out_putc(t->out, ' ');
  out_u64(t->out, (uint64_t)dir);
  out_putc(t->out, ' ');
  out_u64(t->out, offset);
  out_putc(t->out, ' ');
  out_hex(t->out, data, len < 8 ? len : 8);
  out_putc(t->out, ' ');
  out_u64(t->out, len);
  out_putc(t->out, '\n');
  /* Now and then a record whose output outgrows a worker's window (it
   * renders straight into the batch's buffer, which moves as it grows). */
  t->long_records += len >= 4000;
  for (int k = 0; len >= 4000 && k < 3; k++) {
    out_hex(t->out, data, len);
    out_putc(t->out, '\n');
  }
}

static void t_gap(void *user, capture_flow *f, int dir, uint64_t offset, uint64_t len, double ts) {
  transcript *t = user;
  (void)ts;
  count_call(t);
  line(t->out, "gap", f);
  out_putc(t->out, ' ');
  out_u64(t->out, (uint64_t)dir);
  out_putc(t->out, ' ');
  out_u64(t->out, offset);
  out_putc(t->out, ' ');
  out_u64(t->out, len);
  out_putc(t->out, '\n');
}

static void t_close(void *user, capture_flow *f, int reason, double ts) {
  transcript *t = user;
  (void)ts;
  count_call(t);
  line(t->out, "close", f);
  out_putc(t->out, ' ');
  out_u64(t->out, (uint64_t)reason);
  out_putc(t->out, '\n');
  char row[32];
  int n = snprintf(row, sizeof row, "row %u;", f->id);
  if (t->jobs)
    read_jobs_attach(f, row, (size_t)n);
  else
    text_add(t->notices, row, (size_t)n);
}

static void t_notice(void *user, capture_flow *f, const char *kind, const char *message,
                     double ts) {
  transcript *t = user;
  (void)ts;
  count_call(t);
  if (!t->jobs) {
    text_add(t->notices, kind, strlen(kind));
    text_add(t->notices, ";", 1);
  }
  line(t->out, "notice", f);
  out_putc(t->out, ' ');
  out_puts(t->out, message);
  out_putc(t->out, '\n');
}

/* The merging thread's side of the notices and attachments. */
static void m_notice(void *user, const char *kind, const char *message, double ts,
                     bool rendered_by_worker, bool have_first_ts, double first_ts) {
  transcript *t = user;
  (void)ts, (void)have_first_ts, (void)first_ts;
  text_add(t->notices, kind, strlen(kind));
  text_add(t->notices, ";", 1);
  if (rendered_by_worker) return;
  out_puts(t->out, "notice ");
  out_puts(t->out, message);
  out_putc(t->out, '\n');
}

static void m_attach(void *user, const void *data, size_t len) {
  transcript *t = user;
  text_add(t->notices, data, len);
}

static flow_consumer consumer_of(transcript *t) {
  return (flow_consumer){.user = t,
                         .on_open = t_open,
                         .on_bytes = t_bytes,
                         .on_gap = t_gap,
                         .on_close = t_close,
                         .on_notice = t_notice};
}

/* ---- the made-up capture ---- */

typedef struct fake_flow {
  capture_flow f;
  bool open, closed;
  bool renumbered;  /* numbered again after a SYN seen at the open */
  uint64_t next[2]; /* per physical side */
} fake_flow;

static uint32_t rnd(uint64_t *s) {
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(*s >> 33);
}

/* Plays the same capture into c. The capture side numbers directions as the
 * engine does: after a swap of its own flow, by the new roles. */
static int play(const flow_consumer *c) {
  int calls = 0;
  fake_flow *flows = calloc(FLOWS, sizeof *flows);
  ck_assert_ptr_nonnull(flows);
  uint8_t *data = capture_bytes;
  for (size_t i = 0; i < sizeof capture_bytes; i++)
    data[i] = (uint8_t)(i * 31 + 7);
  uint64_t seed = 42;
  double ts = 1000.0;
  uint32_t opened = 0;
  for (int e = 0; e < EVENTS; e++, calls++) {
    ts += 0.0001;
    uint32_t r = rnd(&seed);
    if (r % 97 == 0) {
      c->on_notice(c->user, NULL, "truncated-packet", "a packet was cut short", ts);
      continue;
    }
    /* Connections open in order, a window of ~40 of them active at once. */
    uint32_t k = opened < 40 ? opened : opened - 40 + rnd(&seed) % 41;
    if (k >= FLOWS) k = FLOWS - 1 - rnd(&seed) % 40;
    fake_flow *ff = &flows[k];
    capture_flow *f = &ff->f;
    if (ff->closed) {
      calls--;
      continue;
    }
    if (!ff->open) {
      ff->open = true;
      opened = k + 1 > opened ? k + 1 : opened;
      f->id = k + 1;
      snprintf(f->endpoint[0], sizeof f->endpoint[0], "10.0.%u.%u:%u", k / 250, k % 250, 40000 + k);
      snprintf(f->endpoint[1], sizeof f->endpoint[1], "10.1.0.1:80");
      f->port[0] = (uint16_t)(40000 + k);
      f->port[1] = 80;
      f->syn_seen = f->id % 13 == 0;
      c->on_open(c->user, f, ts);
      continue;
    }
    if ((f->id % 11 == 0 && !f->syn_seen) || (f->id % 13 == 0 && f->syn_seen && !ff->renumbered)) {
      if (ff->next[0] + ff->next[1] == 0) {
        /* A late SYN: before the first bytes the capture side numbers the
         * directions again (flow_events.h), the endpoints change in place;
         * every 13th connection had its SYN seen at the open already (only
         * the endpoints and ports change). */
        char ep[sizeof f->endpoint[0]];
        memcpy(ep, f->endpoint[0], sizeof ep);
        memcpy(f->endpoint[0], f->endpoint[1], sizeof ep);
        memcpy(f->endpoint[1], ep, sizeof ep);
        uint16_t port = f->port[0];
        f->port[0] = f->port[1];
        f->port[1] = port;
        ff->renumbered = f->syn_seen;
        f->syn_seen = true;
      }
    }
    int side = (int)(rnd(&seed) % 2);
    int dir = side;
    uint32_t what = rnd(&seed) % 100;
    if (what < 3 || (opened >= FLOWS && what < 30)) {
      c->on_close(c->user, f, 1 + (int)(what % 5), ts);
      ff->closed = true;
    } else if (what < 6) {
      uint64_t len = 1 + rnd(&seed) % 500;
      c->on_gap(c->user, f, dir, ff->next[side], len, ts);
      ff->next[side] += len;
    } else if (what < 8) {
      c->on_notice(c->user, f, "overlap-conflict", "bytes differed", ts);
    } else {
      size_t len = 1 + rnd(&seed) % (what < 20 ? 4096 : 200);
      f->bytes[dir] += len;
      c->on_bytes(c->user, f, dir, ff->next[side], data + ff->next[side] % 64, len, ts);
      ff->next[side] += len;
    }
  }
  for (uint32_t k = 0; k < FLOWS; k++)
    if (flows[k].open && !flows[k].closed) c->on_close(c->user, &flows[k].f, FLOW_CLOSE_END, ts);
  free(flows);
  return calls;
}

/* The workers' transcripts of the last expect_same_with. */
static transcript workers_seen[READ_JOBS_MAX];

static void expect_same_with(unsigned n) {
  capture_thread = pthread_self();
  /* One thread. */
  out_buf one;
  text want = {0}, want_side = {0};
  out_init(&one, -1);
  one.spill = text_add;
  one.spill_ctx = &want;
  transcript t1 = {.out = &one, .notices = &want_side};
  flow_consumer c1 = consumer_of(&t1);
  play(&c1);
  out_flush(&one);

  /* n workers. */
  out_buf *outs = calloc(READ_JOBS_MAX + 1, sizeof *outs);
  ck_assert_ptr_nonnull(outs);
  text got = {0}, got_side = {0};
  out_buf *main_out = &outs[n];
  out_init(main_out, -1);
  main_out->spill = text_add;
  main_out->spill_ctx = &got;
  transcript tw[READ_JOBS_MAX];
  read_jobs_worker specs[READ_JOBS_MAX];
  for (unsigned i = 0; i < n; i++) {
    out_init(&outs[i], -1);
    tw[i] = (transcript){.out = &outs[i], .jobs = true};
    specs[i] = (read_jobs_worker){.consumer = consumer_of(&tw[i]), .out = &outs[i]};
  }
  transcript tm = {.out = main_out, .notices = &got_side};
  read_jobs_hooks hooks = {.user = &tm, .on_notice = m_notice, .on_attachment = m_attach};
  read_jobs *j = read_jobs_new(n, specs, &hooks, main_out);
  ck_assert_ptr_nonnull(j);
  /* enough records for many batches: the window fills and wraps */
  ck_assert_int_gt(play(read_jobs_consumer(j)), 60000);
  ck_assert(read_jobs_finish(j));
  read_jobs_free(j);
  out_flush(main_out);

  ck_assert_uint_eq(got.len, want.len);
  ck_assert(memcmp(got.p, want.p, want.len) == 0);
  ck_assert_uint_eq(got_side.len, want_side.len);
  ck_assert(memcmp(got_side.p, want_side.p, want_side.len) == 0);
  /* the late SYNs numbered the directions again after the open and before
   * the first bytes (the server endpoint printed first from then on), with
   * syn_seen changing (11) or already set (26) */
  ck_assert_ptr_nonnull(strstr(want.p, "open 11 10.0.0.10:40010/40010 "));
  ck_assert_ptr_nonnull(strstr(want.p, "bytes 11 10.1.0.1:80/80 syn "));
  ck_assert_ptr_nonnull(strstr(want.p, "open 26 10.0.0.25:40025/40025 syn "));
  ck_assert_ptr_nonnull(strstr(want.p, "bytes 26 10.1.0.1:80/80 syn "));
  ck_assert_uint_gt(t1.long_records, 100); /* the long records were there */
  memcpy(workers_seen, tw, n * sizeof tw[0]);
  free(want.p);
  free(want_side.p);
  free(got.p);
  free(got_side.p);
  free(outs);
}

/* Worker 0 on the capture thread with the capture's bytes, the others on
 * their own threads with copies. */
static void expect_threads(unsigned n) {
  for (unsigned i = 0; i < n; i++) {
    const transcript *t = &workers_seen[i];
    ck_assert_uint_gt(t->calls, 0);
    if (i == 0) {
      ck_assert_uint_eq(t->on_capture_thread, t->calls);
      ck_assert_uint_eq(t->copied, 0);
      ck_assert_uint_gt(t->in_place, 0);
    } else {
      ck_assert_uint_eq(t->on_capture_thread, 0);
      ck_assert_uint_eq(t->in_place, 0);
      ck_assert_uint_gt(t->copied, 0);
    }
  }
}

START_TEST(two_workers_same_output) {
  expect_same_with(2);
  expect_threads(2);
  /* The capture thread's worker takes fewer connections than the other:
   * it reads and records for both. */
  ck_assert_uint_lt(workers_seen[0].opens, workers_seen[1].opens);
  ck_assert_uint_gt(workers_seen[0].opens * 2, workers_seen[1].opens);
}
END_TEST

START_TEST(three_workers_same_output) {
  expect_same_with(3);
}
END_TEST

START_TEST(four_workers_same_output) {
  expect_same_with(4);
  expect_threads(4);
}
END_TEST

/* From six workers on the capture thread only reads: its worker gets no
 * connection; the rest share them. */
START_TEST(six_workers_leave_the_capture_thread_reading) {
  expect_same_with(6);
  ck_assert_uint_eq(workers_seen[0].calls, 0);
  for (unsigned i = 1; i < 6; i++) {
    ck_assert_uint_gt(workers_seen[i].opens, 400);
    ck_assert_uint_eq(workers_seen[i].on_capture_thread, 0);
  }
}
END_TEST

/* One connection: decoded on a thread of its own, beside the reading. */
START_TEST(a_lone_connection_gets_a_thread) {
  capture_thread = pthread_self();
  out_buf outs[3];
  text got = {0};
  transcript tw[2];
  read_jobs_worker specs[2];
  for (unsigned i = 0; i < 3; i++)
    out_init(&outs[i], -1);
  outs[2].spill = text_add;
  outs[2].spill_ctx = &got;
  for (unsigned i = 0; i < 2; i++) {
    tw[i] = (transcript){.out = &outs[i], .jobs = true};
    specs[i] = (read_jobs_worker){.consumer = consumer_of(&tw[i]), .out = &outs[i]};
  }
  text side = {0};
  transcript tm = {.out = &outs[2], .notices = &side};
  read_jobs_hooks hooks = {.user = &tm, .on_notice = m_notice, .on_attachment = m_attach};
  read_jobs *j = read_jobs_new(2, specs, &hooks, &outs[2]);
  ck_assert_ptr_nonnull(j);
  const flow_consumer *c = read_jobs_consumer(j);
  capture_flow f = {.id = 1, .port = {40000, 80}};
  c->on_open(c->user, &f, 1.0);
  for (int k = 0; k < 5000; k++) {
    f.bytes[k % 2] += 100;
    c->on_bytes(c->user, &f, k % 2, (uint64_t)(k / 2) * 100, capture_bytes, 100, 1.0 + k);
  }
  c->on_close(c->user, &f, FLOW_CLOSE_END, 9999.0);
  ck_assert(read_jobs_finish(j));
  read_jobs_free(j);
  out_flush(&outs[2]);
  ck_assert_uint_eq(tw[0].calls, 0);
  ck_assert_uint_eq(tw[1].calls, 5002);
  ck_assert_uint_eq(tw[1].on_capture_thread, 0);
  ck_assert_ptr_nonnull(got.p);
  ck_assert_ptr_nonnull(strstr(got.p, "close 1 "));
  free(got.p);
  free(side.p);
}
END_TEST

START_TEST(bad_worker_counts_are_refused) {
  read_jobs_hooks hooks = {0};
  out_buf o;
  out_init(&o, -1);
  ck_assert_ptr_null(read_jobs_new(1, NULL, &hooks, &o));
  ck_assert_ptr_null(read_jobs_new(READ_JOBS_MAX + 1, NULL, &hooks, &o));
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("read_jobs");
  TCase *t = tcase_create("order");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, two_workers_same_output);
  tcase_add_test(t, three_workers_same_output);
  tcase_add_test(t, four_workers_same_output);
  tcase_add_test(t, six_workers_leave_the_capture_thread_reading);
  tcase_add_test(t, a_lone_connection_gets_a_thread);
  tcase_add_test(t, bad_worker_counts_are_refused);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
