/* test_tlsdec_captures.c — captures recorded on loopback by
 * scripts/record-tls-captures.sh (curl --http2 against nghttpd, TLS 1.2 and
 * 1.3 with AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305), decrypted through
 * the filter into a recording consumer: the plaintext of each direction must
 * start with the preface / a SETTINGS frame and hold exactly the frames tshark
 * decodes with the same key log (NAME.tshark), and the same frame sequence as
 * the exchange over h2c. Also: keys from a pcapng Decryption Secrets Block,
 * missing keys, wrong keys. */
#include <check.h>

#include "run_suite.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_recorder.h"
#include "capture_run.h"
#include "h2/frame.h"
#include "keylog.h"
#include "tlsdec_filter.h"

#define TLS_DIR H2_SOURCE_DIR "/corpus/captures/tls/"

typedef struct run_result {
  recorder rec;
  tlsdec_filter *filter;
  tls_conn_info info;
  bool have_info;
  int flows;
  size_t secrets_added; /* key log entries from the file's secrets blocks */
} run_result;

static void on_close_snapshot(void *user, capture_flow *f, int reason, double ts) {
  run_result *r = user;
  const tls_conn_info *i = tlsdec_flow_info(r->filter, f);
  if (i && f->id == 1) {
    r->info = *i;
    r->have_info = true;
  }
  r->flows++;
  rec_on_close(&r->rec, f, reason, ts);
}

static void fwd_open(void *u, capture_flow *f, double ts) {
  rec_on_open(&((run_result *)u)->rec, f, ts);
}
static void fwd_bytes(void *u, capture_flow *f, int dir, uint64_t off, const uint8_t *d, size_t n,
                      double ts) {
  rec_on_bytes(&((run_result *)u)->rec, f, dir, off, d, n, ts);
}
static void fwd_gap(void *u, capture_flow *f, int dir, uint64_t off, uint64_t n, double ts) {
  rec_on_gap(&((run_result *)u)->rec, f, dir, off, n, ts);
}
static void fwd_notice(void *u, capture_flow *f, const char *kind, const char *msg, double ts) {
  rec_on_notice(&((run_result *)u)->rec, f, kind, msg, ts);
}

/* Runs capture file through the filter with keys (may be NULL). */
static void run_capture(const char *file, keylog *keys, run_result *r) {
  memset(r, 0, sizeof *r);
  rec_init(&r->rec);
  flow_consumer inner = {r, fwd_open, fwd_bytes, fwd_gap, on_close_snapshot, fwd_notice, NULL};
  r->filter = tlsdec_filter_new(keys, &inner);
  ck_assert_ptr_nonnull(r->filter);
  capture_options o;
  capture_options_default(&o);
  o.file = file;
  o.no_signal_handler = true;
  char err[256] = "";
  ck_assert_msg(capture_run(&o, tlsdec_filter_consumer(r->filter), NULL, err, sizeof err) == 0,
                "%s: %s", file, err);
  r->secrets_added = tlsdec_filter_secrets_added(r->filter);
  tlsdec_filter_free(r->filter);
  r->filter = NULL;
  ck_assert_int_eq(r->rec.errors, 0);
}

static void load_keys(const char *name, keylog *k) {
  char path[512], err[256];
  snprintf(path, sizeof path, TLS_DIR "%s.keylog", name);
  keylog_init(k);
  ck_assert_msg(keylog_load_file(k, path, err, sizeof err) == 0, "%s", err);
  ck_assert_uint_gt(k->count, 0);
}

/* "c 4 18\n..." lines for one side from the decoded plaintext. */
static void frames_of(const rec_stream *s, char side, size_t skip, char *out, size_t cap) {
  out[0] = '\0';
  size_t used = 0, at = skip;
  while (at < s->len) {
    h2_frame fr;
    size_t consumed = 0;
    h2_error e;
    memset(&e, 0, sizeof e);
    h2_status st = h2_frame_decode(s->data + at, s->len - at, NULL, &fr, &consumed, &e);
    ck_assert_msg(st == H2_OK, "frame at %zu does not decode (%d)", at, (int)st);
    used += (size_t)snprintf(out + used, cap - used, "%c %u %u\n", side, fr.hd.type, fr.hd.length);
    ck_assert_uint_lt(used, cap);
    at += consumed;
  }
}

/* The lines of NAME.tshark sent by side. */
static void tshark_frames(const char *name, char side, char *out, size_t cap) {
  char path[512], line[128];
  snprintf(path, sizeof path, TLS_DIR "%s.tshark", name);
  FILE *fp = fopen(path, "r");
  ck_assert_msg(fp != NULL, "%s", path);
  size_t used = 0;
  out[0] = '\0';
  while (fgets(line, sizeof line, fp))
    if (line[0] == side) used += (size_t)snprintf(out + used, cap - used, "%s", line);
  fclose(fp);
  ck_assert_uint_gt(used, 0);
}

static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/* Checks the decrypted streams of flow 1 against tshark; returns the frame
 * lines (client then server) in out. */
static void check_streams(run_result *r, const char *name, char *out, size_t cap) {
  const rec_stream *c = &r->rec.stream[1][0], *s = &r->rec.stream[1][1];
  ck_assert_uint_ge(c->len, 24);
  ck_assert_mem_eq(c->data, preface, 24);
  ck_assert_uint_ge(s->len, 9);
  ck_assert_uint_eq(s->data[3], 4); /* the server starts with SETTINGS (RFC 9113 §3.4) */
  ck_assert_uint_eq(s->data[4] & 1, 0);
  char got_c[2048], got_s[2048], want_c[2048], want_s[2048];
  frames_of(c, 'c', 24, got_c, sizeof got_c);
  frames_of(s, 's', 0, got_s, sizeof got_s);
  tshark_frames(name, 'c', want_c, sizeof want_c);
  tshark_frames(name, 's', want_s, sizeof want_s);
  ck_assert_str_eq(got_c, want_c);
  ck_assert_str_eq(got_s, want_s);
  snprintf(out, cap, "%s%s", got_c, got_s);
}

static void check_tls_capture(const char *name, uint16_t version, const char *suite) {
  char file[512], lines[4096];
  snprintf(file, sizeof file, TLS_DIR "%s.pcap", name);
  keylog k;
  load_keys(name, &k);
  run_result r;
  run_capture(file, &k, &r);
  ck_assert_msg(strstr(r.rec.log, "notice") == NULL, "%s", r.rec.log);
  ck_assert_msg(r.rec.stream[1][0].len > 0, "%s", r.rec.log);
  check_streams(&r, name, lines, sizeof lines);
  ck_assert(r.have_info);
  ck_assert(r.info.is_tls);
  ck_assert(r.info.handshake_seen);
  ck_assert(r.info.keys_found);
  ck_assert(r.info.decrypted);
  ck_assert_ptr_null(r.info.problem);
  ck_assert_int_eq(r.info.client_dir, 0);
  ck_assert_uint_eq(r.info.version, version);
  ck_assert_str_eq(r.info.suite_name, suite);
  ck_assert_str_eq(r.info.alpn, "h2");
  ck_assert_str_eq(r.info.alpn_offered, "h2,http/1.1");
  ck_assert_str_eq(r.info.server_name, ""); /* curl sends no SNI for an IP address */
  ck_assert_uint_eq(r.info.app_bytes[0], r.rec.stream[1][0].len);
  ck_assert_uint_eq(r.info.app_bytes[1], r.rec.stream[1][1].len);
  if (version == 0x0303) ck_assert(r.info.extended_master_secret);
  /* The same exchange over h2c has the same frames, both directions. */
  run_result h2c;
  char h2c_lines[4096];
  run_capture(TLS_DIR "h2c-same.pcap", &k, &h2c);
  check_streams(&h2c, "h2c-same", h2c_lines, sizeof h2c_lines);
  ck_assert(!h2c.have_info);
  ck_assert_str_eq(lines, h2c_lines);
  rec_free(&h2c.rec);
  rec_free(&r.rec);
  keylog_free(&k);
}

START_TEST(tls12_aes128gcm) {
  check_tls_capture("h2-tls12-aes128gcm", 0x0303, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
}
END_TEST
START_TEST(tls12_aes256gcm) {
  check_tls_capture("h2-tls12-aes256gcm", 0x0303, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
}
END_TEST
START_TEST(tls12_chacha20) {
  check_tls_capture("h2-tls12-chacha20", 0x0303, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
}
END_TEST
START_TEST(tls13_aes128gcm) {
  check_tls_capture("h2-tls13-aes128gcm", 0x0304, "TLS_AES_128_GCM_SHA256");
}
END_TEST
START_TEST(tls13_aes256gcm) {
  check_tls_capture("h2-tls13-aes256gcm", 0x0304, "TLS_AES_256_GCM_SHA384");
}
END_TEST
START_TEST(tls13_chacha20) {
  check_tls_capture("h2-tls13-chacha20", 0x0304, "TLS_CHACHA20_POLY1305_SHA256");
}
END_TEST

/* Keys the capture carries (a pcapng Decryption Secrets Block, written by
 * editcap --inject-secrets ahead of the packets): the capture hands them up
 * as it reads the file (flow_consumer.on_secrets) and the filter decrypts
 * with them, without a key log of its own. */
START_TEST(pcapng_embedded_keys) {
  keylog k;
  keylog_init(&k);
  char lines[4096];
  const char *file = TLS_DIR "h2-tls13-dsb.pcapng";
  run_result r;
  run_capture(file, &k, &r);
  ck_assert_uint_eq(k.count, 5); /* curl's TLS 1.3 key log, from the file */
  ck_assert_uint_eq(r.secrets_added, 5);
  check_streams(&r, "h2-tls13-aes128gcm", lines, sizeof lines);
  ck_assert(r.info.decrypted);
  ck_assert_ptr_null(r.info.problem);
  rec_free(&r.rec);
  keylog_free(&k);
  /* Without a key log to add them to, the same file is not decrypted. */
  run_capture(file, NULL, &r);
  ck_assert(!r.info.decrypted);
  ck_assert_str_eq(r.info.problem, "tls-no-keys");
  rec_free(&r.rec);
}
END_TEST

START_TEST(no_keys) {
  static const char *const names[] = {"h2-tls12-chacha20", "h2-tls13-aes256gcm"};
  for (int i = 0; i < 2; i++) {
    char file[512];
    snprintf(file, sizeof file, TLS_DIR "%s.pcap", names[i]);
    keylog empty;
    keylog_init(&empty);
    run_result r;
    run_capture(file, i == 0 ? NULL : &empty, &r);
    ck_assert_ptr_nonnull(strstr(r.rec.log, "notice 1 tls-no-keys\n"));
    ck_assert_ptr_null(strstr(r.rec.log, "tls-decrypt-failed"));
    ck_assert_uint_eq(r.rec.stream[1][0].len, 0);
    ck_assert_uint_eq(r.rec.stream[1][1].len, 0);
    ck_assert(r.have_info);
    ck_assert(!r.info.keys_found);
    ck_assert(!r.info.decrypted);
    ck_assert_str_eq(r.info.problem, "tls-no-keys");
    ck_assert_str_eq(r.info.alpn, i == 0 ? "h2" : ""); /* 1.3 hides it in EncryptedExtensions */
    ck_assert_uint_gt(r.info.skipped_records, 0);
    rec_free(&r.rec);
  }
}
END_TEST

/* The right labels and randoms but a changed secret: authentication fails. */
START_TEST(wrong_keys) {
  static const char *const names[] = {"h2-tls12-aes128gcm", "h2-tls13-chacha20"};
  for (int i = 0; i < 2; i++) {
    char path[512], file[512];
    snprintf(path, sizeof path, TLS_DIR "%s.keylog", names[i]);
    snprintf(file, sizeof file, TLS_DIR "%s.pcap", names[i]);
    size_t len = 0;
    FILE *fp = fopen(path, "rb");
    ck_assert_ptr_nonnull(fp);
    char text[4096];
    len = fread(text, 1, sizeof text - 1, fp);
    fclose(fp);
    text[len] = '\0';
    /* Change the last hex digit of every line's secret. */
    for (size_t j = 0; j < len; j++)
      if ((text[j] == '\n' || j + 1 == len) && j > 0) {
        size_t at = text[j] == '\n' ? j - 1 : j;
        text[at] = text[at] == '0' ? '1' : '0';
      }
    keylog k;
    keylog_init(&k);
    ck_assert_uint_gt(keylog_add_text(&k, text, len), 0);
    run_result r;
    run_capture(file, &k, &r);
    ck_assert_ptr_nonnull(strstr(r.rec.log, "notice 1 tls-decrypt-failed\n"));
    ck_assert_uint_eq(r.rec.stream[1][0].len, 0);
    ck_assert_uint_eq(r.rec.stream[1][1].len, 0);
    ck_assert(r.info.keys_found);
    ck_assert(!r.info.decrypted);
    ck_assert_str_eq(r.info.problem, "tls-decrypt-failed");
    rec_free(&r.rec);
    keylog_free(&k);
  }
}
END_TEST

/* Only the TLS 1.3 application secrets: the protected handshake records are
 * skipped, the first record the application keys open switches to them. */
START_TEST(tls13_application_secrets_only) {
  keylog full, part;
  load_keys("h2-tls13-aes128gcm", &full);
  keylog_init(&part);
  for (size_t i = 0; i < full.count; i++)
    if (full.entries[i].label == KEYLOG_CLIENT_TRAFFIC_SECRET_0 ||
        full.entries[i].label == KEYLOG_SERVER_TRAFFIC_SECRET_0) {
      ck_assert_uint_lt(part.count, 8);
      if (!part.entries) {
        part.entries = calloc(8, sizeof *part.entries);
        part.cap = 8;
      }
      part.entries[part.count++] = full.entries[i];
      part.sorted = false;
    }
  ck_assert_uint_eq(part.count, 2);
  run_result r;
  char lines[4096];
  run_capture(TLS_DIR "h2-tls13-aes128gcm.pcap", &part, &r);
  check_streams(&r, "h2-tls13-aes128gcm", lines, sizeof lines);
  /* Handshake secrets missing is not a problem when the data decrypts. */
  ck_assert_ptr_null(strstr(r.rec.log, "notice"));
  ck_assert(r.info.decrypted);
  rec_free(&r.rec);
  keylog_free(&part);
  keylog_free(&full);
}
END_TEST

int main(void) {
  Suite *s = suite_create("tlsdec_captures");
  TCase *tc = tcase_create("captures");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, tls12_aes128gcm);
  tcase_add_test(tc, tls12_aes256gcm);
  tcase_add_test(tc, tls12_chacha20);
  tcase_add_test(tc, tls13_aes128gcm);
  tcase_add_test(tc, tls13_aes256gcm);
  tcase_add_test(tc, tls13_chacha20);
  tcase_add_test(tc, pcapng_embedded_keys);
  tcase_add_test(tc, no_keys);
  tcase_add_test(tc, wrong_keys);
  tcase_add_test(tc, tls13_application_secrets_only);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
