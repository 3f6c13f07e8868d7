/* test_lint_findings.c — `h2scope read --lint` on synthetic captures, one
 * per finding: each capture is written with tests/support/pcap_write (a TCP
 * conversation with the preface and SETTINGS exchange, then the frames that
 * break one rule or show one abusive pattern), run through cmd_read with
 * --json, and the exact list of finding ids (in order), their severity,
 * section and the exit status are checked. A clean exchange reports nothing. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command_output.h"
#include "commands.h"
#include "pcap_write.h"
#include "run_suite.h"

static char output[1 << 20];

/* Runs `h2scope read ARGS...` and keeps its stdout in `output`. */
static int run_read(int argc, char **argv) {
  return command_output(cmd_read, argc, argv, "lint-out.txt", output, sizeof output);
}

/* The "lint" ids of the output lines, space-separated, in order. */
static const char *ids(void) {
  static char list[4096];
  list[0] = '\0';
  size_t len = 0;
  for (const char *p = output; (p = strstr(p, "\"lint\":\"")) != NULL;) {
    p += 8;
    const char *q = strchr(p, '"');
    if (!q) break;
    int n = snprintf(list + len, sizeof list - len, "%s%.*s", len ? " " : "", (int)(q - p), p);
    if (n < 0 || (size_t)n >= sizeof list - len) break;
    len += (size_t)n;
    p = q;
  }
  return list;
}

/* ---- writing captures ---- */

typedef struct capture {
  char path[512];
  pw_file file;
  pw_conv conv;
  uint8_t buf[65536];
  size_t len;
  int side;
} capture;

static void flush(capture *c) {
  if (c->len) ck_assert(pw_conv_send(&c->conv, c->side, c->buf, c->len, 0));
  c->len = 0;
}

/* Appends raw bytes from side (0 client, 1 server), as one segment per run. */
static void bytes(capture *c, int side, const void *p, size_t n) {
  if (side != c->side || c->len + n > 60000) flush(c);
  c->side = side;
  ck_assert_uint_le(n, sizeof c->buf);
  memcpy(c->buf + c->len, p, n);
  c->len += n;
}

static void frame(capture *c, int side, uint8_t type, uint8_t flags, uint32_t sid,
                  const void *payload, size_t len) {
  uint8_t hd[9] = {
      (uint8_t)(len >> 16), (uint8_t)(len >> 8),  (uint8_t)len,        type,        flags,
      (uint8_t)(sid >> 24), (uint8_t)(sid >> 16), (uint8_t)(sid >> 8), (uint8_t)sid};
  bytes(c, side, hd, 9);
  if (len) bytes(c, side, payload, len);
}

enum {
  DATA = 0,
  HEADERS = 1,
  PRIORITY = 2,
  RST = 3,
  SETTINGS = 4,
  PUSH = 5,
  PING = 6,
  GOAWAY = 7,
  WU = 8,
  CONT = 9
};
enum { ES = 0x1, ACK = 0x1, EH = 0x4 };

static void u32be(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static void setting(capture *c, int side, uint16_t id, uint32_t value) {
  uint8_t p[6] = {(uint8_t)(id >> 8), (uint8_t)id};
  u32be(p + 2, value);
  frame(c, side, SETTINGS, 0, 0, p, 6);
}

static void window_update(capture *c, int side, uint32_t sid, uint32_t inc) {
  uint8_t p[4];
  u32be(p, inc);
  frame(c, side, WU, 0, sid, p, 4);
}

static void rst(capture *c, int side, uint32_t sid, uint32_t code) {
  uint8_t p[4];
  u32be(p, code);
  frame(c, side, RST, 0, sid, p, 4);
}

static void goaway(capture *c, int side, uint32_t last) {
  uint8_t p[8] = {0};
  u32be(p, last);
  frame(c, side, GOAWAY, 0, 0, p, 8);
}

/* GET / http with :authority "a.b" (no dynamic table entries). */
static const uint8_t REQ[] = {0x82, 0x86, 0x84, 0x01, 0x03, 'a', '.', 'b'};
/* POST / http, :authority "a.b". */
static const uint8_t POST[] = {0x83, 0x86, 0x84, 0x01, 0x03, 'a', '.', 'b'};
static const uint8_t STATUS_200[] = {0x88};

static void request(capture *c, uint32_t sid, bool end_stream) {
  frame(c, 0, HEADERS, (uint8_t)(EH | (end_stream ? ES : 0)), sid, REQ, sizeof REQ);
}

/* Handshake, preface, both SETTINGS (empty) and both ACKs. */
/* A connection after the TCP handshake, before any HTTP/2 byte. */
static void open_bare(capture *c, const char *name) {
  memset(c, 0, sizeof *c);
  pw_temp_path(name, c->path, sizeof c->path);
  ck_assert(pw_open_pcap(&c->file, c->path, PW_LINK_ETHERNET, 65535));
  pw_packet t;
  memset(&t, 0, sizeof t);
  t.linktype = PW_LINK_ETHERNET;
  t.ip_version = 4;
  t.src = "10.1.0.1";
  t.dst = "10.1.0.2";
  t.sport = 40001;
  t.dport = 8080;
  pw_conv_init(&c->conv, &c->file, &t, 100, 5000, 1700000000.0);
  c->conv.ts_step = 0.0001;
  ck_assert(pw_conv_handshake(&c->conv));
}

/* ... and the opening: preface, both SETTINGS, both ACKs. */
static void open_capture(capture *c, const char *name) {
  open_bare(c, name);
  bytes(c, 0, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24);
  frame(c, 0, SETTINGS, 0, 0, NULL, 0);
  frame(c, 1, SETTINGS, 0, 0, NULL, 0);
  frame(c, 1, SETTINGS, ACK, 0, NULL, 0);
  frame(c, 0, SETTINGS, ACK, 0, NULL, 0);
}

static void close_capture(capture *c) {
  flush(c);
  ck_assert(pw_conv_fin(&c->conv, 0));
  ck_assert(pw_conv_fin(&c->conv, 1));
  ck_assert(pw_close(&c->file));
}

/* Runs --lint --json (plus extra args) and checks the ids and exit status. */
static void expect(capture *c, const char *want_ids, int want_rc, const char *extra1,
                   const char *extra2) {
  char *argv[6] = {"read", "--lint", "--json", c->path};
  int argc = 4;
  if (extra1) {
    argv[argc++] = (char *)extra1;
    argv[argc++] = (char *)extra2;
  }
  int rc = run_read(argc, argv);
  ck_assert_msg(!strcmp(ids(), want_ids), "ids '%s', want '%s'\n%s", ids(), want_ids, output);
  ck_assert_int_eq(rc, want_rc);
}

/* How many output lines have "lint":"<id>". */
static int count_id(const char *id) {
  char needle[96];
  snprintf(needle, sizeof needle, "\"lint\":\"%s\"", id);
  int n = 0;
  for (const char *p = output; (p = strstr(p, needle)) != NULL; p += strlen(needle))
    n++;
  return n;
}

static void has(const char *needle) {
  /* (Check cannot pass messages of more than a few KB: the start is enough.) */
  ck_assert_msg(strstr(output, needle) != NULL, "missing %s in\n%.3000s", needle, output);
}

/* ---- clean ---- */

START_TEST(clean_exchange_reports_nothing) {
  capture c;
  open_capture(&c, "clean.pcap");
  for (uint32_t sid = 1; sid <= 9; sid += 2) {
    frame(&c, 0, HEADERS, EH, sid, POST, sizeof POST);
    frame(&c, 0, DATA, ES, sid, "hello", 5);
    frame(&c, 1, HEADERS, EH, sid, STATUS_200, 1);
    frame(&c, 1, DATA, ES, sid, "world", 5);
    window_update(&c, 1, 0, 5);
  }
  frame(&c, 0, PING, 0, 0, "12345678", 8);
  frame(&c, 1, PING, ACK, 0, "12345678", 8);
  frame(&c, 0, PRIORITY, 0, 11, "\x00\x00\x00\x00\x10", 5); /* PRIORITY on idle: allowed */
  goaway(&c, 0, 0);
  close_capture(&c);
  expect(&c, "", 0, NULL, NULL);
  /* The summary's verdict. */
  char *argv[] = {"read", "--lint", "--summary", "--json", c.path};
  ck_assert_int_eq(run_read(5, argv), 0);
  has("\"lint\":{\"verdict\":\"pass\",\"errors\":0,\"warnings\":0,\"info\":0,\"by_id\":{}}");
}
END_TEST

/* ---- abusive patterns ---- */

START_TEST(rapid_reset) {
  capture c;
  open_capture(&c, "rapid.pcap");
  for (uint32_t i = 0; i < 100; i++) {
    request(&c, 1 + 2 * i, true);
    rst(&c, 0, 1 + 2 * i, 8 /* CANCEL */);
  }
  close_capture(&c);
  expect(&c, "rapid-reset", 1, NULL, NULL);
  has("\"lint\":\"rapid-reset\",\"severity\":\"error\",\"conn\":1,");
  has("\"dir\":\"c2s\",\"stream\":199,\"frame\":204,\"section\":\"CVE-2023-44487 (HTTP/2 Rapid "
      "Reset)\"");
  /* A higher threshold: nothing. */
  expect(&c, "", 0, "--lint-threshold", "rapid-reset=101");
}
END_TEST

START_TEST(continuation_flood) {
  capture c;
  open_capture(&c, "contflood.pcap");
  /* REQ, then x-pad: 40 octets, one octet per frame. */
  uint8_t block[64];
  memcpy(block, REQ, sizeof REQ);
  size_t n = sizeof REQ;
  block[n++] = 0x00;
  block[n++] = 5;
  memcpy(block + n, "x-pad", 5);
  n += 5;
  block[n++] = 40;
  memset(block + n, 'p', 40);
  n += 40;
  /* Two such blocks: reported once per endpoint, like every pattern. */
  for (uint32_t sid = 1; sid <= 3; sid += 2) {
    frame(&c, 0, HEADERS, ES, sid, block, 1);
    for (size_t i = 1; i < n; i++)
      frame(&c, 0, CONT, i + 1 == n ? EH : 0, sid, block + i, 1);
    frame(&c, 1, HEADERS, EH | ES, sid, STATUS_200, 1);
  }
  close_capture(&c);
  expect(&c, "continuation-flood", 1, NULL, NULL);
  has("\"section\":\"VU#421644 / CVE-2024-27316 (CONTINUATION flood)\"");
}
END_TEST

START_TEST(settings_flood) {
  capture c;
  open_capture(&c, "settingsflood.pcap");
  for (int i = 0; i < 100; i++) {
    setting(&c, 0, 4, 65535);
    frame(&c, 1, SETTINGS, ACK, 0, NULL, 0);
  }
  close_capture(&c);
  expect(&c, "settings-flood", 1, NULL, NULL);
  has("\"lint\":\"settings-flood\",\"severity\":\"error\"");
  has("\"section\":\"CVE-2019-9515 (Settings Flood)\"");
}
END_TEST

START_TEST(ping_flood) {
  capture c;
  open_capture(&c, "pingflood.pcap");
  for (int i = 0; i < 100; i++) {
    frame(&c, 0, PING, 0, 0, "abcdefgh", 8);
    frame(&c, 1, PING, ACK, 0, "abcdefgh", 8);
  }
  close_capture(&c);
  expect(&c, "ping-flood", 1, NULL, NULL);
  has("\"section\":\"CVE-2019-9512 (Ping Flood)\"");
}
END_TEST

START_TEST(empty_frames_flood) {
  capture c;
  open_capture(&c, "emptyflood.pcap");
  frame(&c, 0, HEADERS, EH, 1, POST, sizeof POST);
  for (int i = 0; i < 100; i++)
    frame(&c, 0, DATA, 0, 1, NULL, 0);
  frame(&c, 0, DATA, ES, 1, NULL, 0);
  frame(&c, 1, HEADERS, EH | ES, 1, STATUS_200, 1);
  close_capture(&c);
  expect(&c, "empty-frames-flood", 1, NULL, NULL);
  has("\"section\":\"CVE-2019-9518 (Empty Frames Flood)\"");
}
END_TEST

START_TEST(hpack_bomb) {
  capture c;
  open_capture(&c, "bomb.pcap");
  /* Request 1 stores x-big: 4000 octets in the dynamic table (entry 62)... */
  static uint8_t big[4100];
  size_t n = 0;
  memcpy(big, REQ, sizeof REQ);
  n = sizeof REQ;
  big[n++] = 0x40; /* literal with incremental indexing, new name */
  big[n++] = 5;
  memcpy(big + n, "x-big", 5);
  n += 5;
  big[n++] = 0x7f; /* 4000 = 127 + 3873: 0x7f, then 3873 as 7-bit groups */
  big[n++] = (uint8_t)(0x80 | (3873 & 0x7f));
  big[n++] = (uint8_t)(3873 >> 7);
  memset(big + n, 'b', 4000);
  n += 4000;
  frame(&c, 0, HEADERS, EH | ES, 1, big, n);
  frame(&c, 1, HEADERS, EH | ES, 1, STATUS_200, 1);
  /* ... request 3 refers to it 20 times: 32 octets decode to about 80 KB. */
  uint8_t small[64];
  memcpy(small, REQ, sizeof REQ);
  n = sizeof REQ;
  for (int i = 0; i < 20; i++)
    small[n++] = 0xbe;
  frame(&c, 0, HEADERS, EH | ES, 3, small, n);
  frame(&c, 1, HEADERS, EH | ES, 3, STATUS_200, 1);
  close_capture(&c);
  expect(&c, "hpack-bomb", 1, NULL, NULL);
  has("\"stream\":3,\"frame\":7,\"section\":\"CVE-2016-6581 / CVE-2016-1544 (HPACK Bomb)\","
      "\"message\":\"a header block of 28 octets on the wire decodes to 80908 octets\"");
}
END_TEST

/* The classic bomb: one dynamic-table entry of 4037 octets (RFC 7541 §4.1
 * size), referred to 4000 times in one block of 4008 octets, about 16 MB.
 * The decoder stops handing out fields at its own 256 KiB list limit (256 KiB
 * / 4 KB is below the ratio 100); the size the whole block decodes to is
 * measured without expanding it, and that is judged. */
static void write_classic_bomb(capture *c, const char *name, uint32_t server_limit, int bombs) {
  open_capture(c, name);
  if (server_limit) {
    setting(c, 1, 6, server_limit); /* MAX_HEADER_LIST_SIZE */
    frame(c, 0, SETTINGS, ACK, 0, NULL, 0);
  }
  static uint8_t big[4100];
  memcpy(big, REQ, sizeof REQ);
  size_t n = sizeof REQ;
  big[n++] = 0x40; /* literal with incremental indexing, new name */
  big[n++] = 5;
  memcpy(big + n, "x-big", 5);
  n += 5;
  big[n++] = 0x7f; /* 4000 = 127 + 3873 */
  big[n++] = (uint8_t)(0x80 | (3873 & 0x7f));
  big[n++] = (uint8_t)(3873 >> 7);
  memset(big + n, 'b', 4000);
  n += 4000;
  frame(c, 0, HEADERS, EH | ES, 1, big, n);
  frame(c, 1, HEADERS, EH | ES, 1, STATUS_200, 1);
  static uint8_t bomb[sizeof REQ + 4000];
  memcpy(bomb, REQ, sizeof REQ);
  memset(bomb + sizeof REQ, 0xbe, 4000); /* index 62: x-big */
  for (int i = 0; i < bombs; i++) {
    frame(c, 0, HEADERS, EH | ES, 3 + 2 * (uint32_t)i, bomb, sizeof bomb);
    frame(c, 1, HEADERS, EH | ES, 3 + 2 * (uint32_t)i, STATUS_200, 1);
  }
  close_capture(c);
}

START_TEST(hpack_bomb_past_decoder_limit) {
  capture c;
  write_classic_bomb(&c, "bomb-classic.pcap", 0, 1);
  /* 168 octets of request fields + 4000 x (5 + 4000 + 32). */
  expect(&c, "hpack-bomb", 1, NULL, NULL);
  has("\"stream\":3,\"frame\":7,\"section\":\"CVE-2016-6581 / CVE-2016-1544 (HPACK Bomb)\","
      "\"message\":\"a header block of 4008 octets on the wire decodes to 16148168 octets "
      "(measured past the decoder's limit, not expanded)\"");
  /* A ratio above the real one (4029): nothing. */
  expect(&c, "", 0, "--lint-threshold", "hpack-bomb=4100");
  /* The plain read names the limit that stopped the decoder: h2scope's own,
   * since the server advertised none. */
  char *argv[] = {"read", c.path};
  ck_assert_int_eq(run_read(2, argv), 0);
  has("header block error: header list of 16148168 octets (name + value + 32 per field), larger "
      "than h2scope's --max-header-list limit (262144 bytes) [header-list-too-large]");
  ck_assert_ptr_null(strstr(output, "SETTINGS_MAX_HEADER_LIST_SIZE"));
  char *argv2[] = {"read", "--json", "--max-header-list", "100000", c.path};
  ck_assert_int_eq(run_read(5, argv2), 0);
  has("\"message\":\"header list of 16148168 octets (name + value + 32 per field), larger than "
      "h2scope's --max-header-list limit (100000 bytes)\"");
  /* The server advertised a limit: named too, and the lint warning says it. */
  write_classic_bomb(&c, "bomb-classic-limit.pcap", 8192, 1);
  ck_assert_int_eq(run_read(2, argv), 0);
  has("larger than h2scope's --max-header-list limit (262144 bytes) and the receiver's "
      "SETTINGS_MAX_HEADER_LIST_SIZE (8192) [header-list-too-large]");
  expect(&c, "hpack-bomb header-list-too-large", 1, NULL, NULL);
  has("\"message\":\"a header list of 16148168 octets, above the server's "
      "SETTINGS_MAX_HEADER_LIST_SIZE 8192\"");
  /* A receiver's limit above the list: only h2scope's own was passed. */
  write_classic_bomb(&c, "bomb-classic-biglimit.pcap", 20000000, 1);
  ck_assert_int_eq(run_read(2, argv), 0);
  has("larger than h2scope's --max-header-list limit (262144 bytes); the receiver's "
      "SETTINGS_MAX_HEADER_LIST_SIZE is 20000000 [header-list-too-large]");
  /* Like every pattern, reported once per endpoint: --lint never suppresses
   * patterns, so a connection of many bombs must not hold a finding each. */
  write_classic_bomb(&c, "bomb-classic-many.pcap", 0, 50);
  expect(&c, "hpack-bomb", 1, NULL, NULL);
}
END_TEST

START_TEST(data_dribble) {
  capture c;
  open_capture(&c, "dribble.pcap");
  request(&c, 1, true);
  frame(&c, 1, HEADERS, EH, 1, STATUS_200, 1);
  for (int i = 0; i < 100; i++) {
    frame(&c, 1, DATA, 0, 1, "x", 1);
    window_update(&c, 0, 1, 1);
  }
  frame(&c, 1, DATA, ES, 1, NULL, 0);
  close_capture(&c);
  expect(&c, "data-dribble", 1, NULL, NULL);
  has("\"lint\":\"data-dribble\",\"severity\":\"error\",\"conn\":1");
  has("\"section\":\"CVE-2019-9511 (Data Dribble)\"");
}
END_TEST

/* A zero-window stall: the server has more of the response to send (no
 * END_STREAM) but the client keeps the stream window at 0 for longer than
 * stall-ms of capture time. */
START_TEST(zero_window_stall) {
  static uint8_t body[16384];
  memset(body, 'b', sizeof body);
  capture c;
  open_capture(&c, "stall.pcap");
  window_update(&c, 0, 0, 1 << 20); /* the connection window is not the limit */
  request(&c, 1, true);
  frame(&c, 1, HEADERS, EH, 1, STATUS_200, 1);
  for (int i = 0; i < 3; i++)
    frame(&c, 1, DATA, 0, 1, body, sizeof body);
  frame(&c, 1, DATA, 0, 1, body, 16383); /* 65535: the whole stream window */
  flush(&c);
  c.conv.ts += 20.0;
  frame(&c, 0, PING, 0, 0, "12345678", 8); /* 20 s at 0: below the default 30 s */
  frame(&c, 1, PING, ACK, 0, "12345678", 8);
  flush(&c);
  c.conv.ts += 15.0;
  frame(&c, 0, PING, 0, 0, "abcdefgh", 8); /* 35 s */
  frame(&c, 1, PING, ACK, 0, "abcdefgh", 8);
  window_update(&c, 0, 1, 100);
  frame(&c, 1, DATA, ES, 1, body, 100);
  close_capture(&c);
  expect(&c, "data-dribble", 0, NULL, NULL);
  has("\"lint\":\"data-dribble\",\"severity\":\"warning\",\"conn\":1");
  has("\"dir\":\"c2s\",\"stream\":1,");
  has("\"message\":\"the client held the stream window at 0 for 35");
  has("while the server had DATA pending on stream 1\"");
  /* A longer allowance: nothing; 0 turns the check off. */
  expect(&c, "", 0, "--lint-threshold", "stall-ms=40000");
  expect(&c, "", 0, "--lint-threshold", "stall-ms=0");
  expect(&c, "data-dribble", 0, "--lint-threshold", "stall-ms=10000");
}
END_TEST

/* The window opened in time, or the sender ended the message: no stall. */
START_TEST(zero_window_no_stall) {
  static uint8_t body[16384];
  memset(body, 'b', sizeof body);
  capture c;
  open_capture(&c, "nostall.pcap");
  request(&c, 1, true);
  request(&c, 3, true);
  frame(&c, 1, HEADERS, EH, 1, STATUS_200, 1);
  frame(&c, 1, HEADERS, EH, 3, STATUS_200, 1);
  for (int i = 0; i < 3; i++)
    frame(&c, 1, DATA, 0, 1, body, sizeof body);
  frame(&c, 1, DATA, ES, 1, body, 16383); /* the whole window, and the end of the message */
  flush(&c);
  c.conv.ts += 60.0;
  frame(&c, 0, PING, 0, 0, "12345678", 8);
  frame(&c, 1, PING, ACK, 0, "12345678", 8);
  window_update(&c, 0, 0, 65535); /* the connection window back */
  for (int i = 0; i < 3; i++)
    frame(&c, 1, DATA, 0, 3, body, sizeof body);
  frame(&c, 1, DATA, 0, 3, body, 16383); /* stream 3 at 0 ... */
  flush(&c);
  c.conv.ts += 5.0;
  window_update(&c, 0, 3, 1000); /* ... for 5 s only */
  window_update(&c, 0, 0, 1000);
  frame(&c, 1, DATA, ES, 3, body, 1000);
  flush(&c);
  c.conv.ts += 60.0;
  frame(&c, 0, PING, 0, 0, "abcdefgh", 8);
  frame(&c, 1, PING, ACK, 0, "abcdefgh", 8);
  close_capture(&c);
  expect(&c, "", 0, NULL, NULL);
}
END_TEST

START_TEST(reset_flood) {
  capture c;
  open_capture(&c, "resetflood.pcap");
  for (uint32_t i = 0; i < 50; i++) {
    request(&c, 1 + 2 * i, true);
    rst(&c, 1, 1 + 2 * i, 7 /* REFUSED_STREAM */);
  }
  close_capture(&c);
  expect(&c, "reset-flood", 1, "--lint-threshold", "reset-flood=50");
  has("\"dir\":\"s2c\",\"stream\":99,");
  has("\"section\":\"CVE-2019-9514 (Reset Flood)\"");
  expect(&c, "", 0, NULL, NULL); /* default threshold 1000 */
}
END_TEST

/* WINDOW_UPDATEs beyond what the traffic explains (two per DATA frame
 * received, one per stream opened): 10 DATA frames and one stream explain 21,
 * so the 1021st WINDOW_UPDATE is the 1000th unexplained one. */
static void write_window_updates(capture *c, const char *name, int updates) {
  open_capture(c, name);
  request(c, 1, true);
  frame(c, 1, HEADERS, EH, 1, STATUS_200, 1);
  for (int i = 0; i < 10; i++)
    frame(c, 1, DATA, 0, 1, "x", 1);
  for (int i = 0; i < updates; i++)
    window_update(c, 0, 0, 1000);
  frame(c, 1, DATA, ES, 1, NULL, 0);
  close_capture(c);
}

START_TEST(window_update_flood) {
  capture c;
  write_window_updates(&c, "wuflood.pcap", 1021);
  expect(&c, "window-update-flood", 1, NULL, NULL);
  has("\"lint\":\"window-update-flood\",\"severity\":\"error\",\"conn\":1,");
  has("\"dir\":\"c2s\",\"stream\":0,\"frame\":1037,\"section\":\"RFC 9113 §10.5 (WINDOW_UPDATE "
      "flood)\",\"message\":\"1021 WINDOW_UPDATE frames from the client within 10000 ms, 1000 "
      "more than the DATA frames it received and the streams it opened explain\"");
  expect(&c, "", 0, "--lint-threshold", "window-update-flood=1001");
  write_window_updates(&c, "wuflood-below.pcap", 1020);
  expect(&c, "", 0, NULL, NULL);
  /* A download read with a stream and a connection WINDOW_UPDATE per DATA
   * frame: 4000 WINDOW_UPDATEs, all explained. */
  static uint8_t body[1000];
  open_capture(&c, "wu-download.pcap");
  request(&c, 1, true);
  frame(&c, 1, HEADERS, EH, 1, STATUS_200, 1);
  for (int i = 0; i < 2000; i++) {
    frame(&c, 1, DATA, 0, 1, body, sizeof body);
    window_update(&c, 0, 1, sizeof body);
    window_update(&c, 0, 0, sizeof body);
  }
  frame(&c, 1, DATA, ES, 1, NULL, 0);
  close_capture(&c);
  expect(&c, "", 0, NULL, NULL);
}
END_TEST

/* CVE-2019-9516: a request with 100 fields of empty name and value (3
 * octets each on the wire); 99 is below the threshold. */
/* fields with an empty value (named "x"), or with empty names too, which
 * makes the list malformed as well (RFC 9113 §8.2.1, field-invalid) */
static void write_empty_fields(capture *c, const char *name, int fields, bool empty_names) {
  static uint8_t block[sizeof REQ + 4 * 200];
  memcpy(block, REQ, sizeof REQ);
  size_t n = sizeof REQ;
  for (int i = 0; i < fields; i++) {
    block[n++] = 0x00; /* literal without indexing, new name */
    if (empty_names) {
      block[n++] = 0x00; /* name: 0 octets */
    } else {
      block[n++] = 0x01; /* name: "x" */
      block[n++] = 'x';
    }
    block[n++] = 0x00; /* value: 0 octets */
  }
  open_capture(c, name);
  frame(c, 0, HEADERS, EH | ES, 1, block, n);
  frame(c, 1, HEADERS, EH | ES, 1, STATUS_200, 1);
  close_capture(c);
}

START_TEST(zero_length_headers) {
  capture c;
  write_empty_fields(&c, "emptyfields.pcap", 100, false);
  expect(&c, "zero-length-headers", 1, NULL, NULL);
  has("\"lint\":\"zero-length-headers\",\"severity\":\"error\",\"conn\":1,");
  has("\"dir\":\"c2s\",\"stream\":1,\"frame\":5,\"section\":\"CVE-2019-9516 (0-Length Headers "
      "Leak)\",\"message\":\"a field block from the client with 100 fields of empty name or "
      "value (of 104)\"");
  expect(&c, "", 0, "--lint-threshold", "zero-length-headers=101");
  write_empty_fields(&c, "emptyfields-below.pcap", 99, false);
  expect(&c, "", 0, NULL, NULL);
  write_empty_fields(&c, "emptynames.pcap", 100, true);
  expect(&c, "field-invalid zero-length-headers", 1, NULL, NULL);
  has("\"lint\":\"field-invalid\",\"severity\":\"error\",\"conn\":1,");
}
END_TEST

/* CVE-2019-9517: the client sets INITIAL_WINDOW_SIZE 0 and asks for 100
 * responses; the server sends their HEADERS and can send no DATA: all 100
 * are blocked for 35 s of capture time. */
static void write_buffering(capture *c, const char *name, uint32_t streams) {
  open_capture(c, name);
  setting(c, 0, 4, 0); /* INITIAL_WINDOW_SIZE 0 */
  frame(c, 1, SETTINGS, ACK, 0, NULL, 0);
  for (uint32_t i = 0; i < streams; i++)
    request(c, 1 + 2 * i, true);
  for (uint32_t i = 0; i < streams; i++)
    frame(c, 1, HEADERS, EH, 1 + 2 * i, STATUS_200, 1);
  flush(c);
  c->conv.ts += 35.0;
  frame(c, 0, PING, 0, 0, "12345678", 8);
  frame(c, 1, PING, ACK, 0, "12345678", 8);
  close_capture(c);
}

START_TEST(internal_data_buffering) {
  capture c;
  write_buffering(&c, "buffering.pcap", 100);
  expect(&c, "internal-data-buffering", 1, NULL, NULL);
  has("\"lint\":\"internal-data-buffering\",\"severity\":\"error\",\"conn\":1,");
  has("\"dir\":\"c2s\",\"stream\":0,\"frame\":207,\"section\":\"CVE-2019-9517 (Internal Data "
      "Buffering)\",\"message\":\"the client held 100 streams at a zero stream window for 35");
  has(" ms while the server had DATA pending on them\"");
  expect(&c, "", 0, "--lint-threshold", "internal-data-buffering=101");
  expect(&c, "", 0, "--lint-threshold", "buffering-ms=40000");
  expect(&c, "", 0, "--lint-threshold", "internal-data-buffering=0");
  write_buffering(&c, "buffering-below.pcap", 99);
  expect(&c, "", 0, NULL, NULL);
  /* The connection window: 100 responses under way, 655 octets each use it
   * up (65535), none ended; the client does not open it for 35 s. The one
   * stream that used up the window last also shows as a zero-window stall. */
  static uint8_t body[700];
  open_capture(&c, "buffering-conn.pcap");
  for (uint32_t i = 0; i < 100; i++)
    request(&c, 1 + 2 * i, true);
  for (uint32_t i = 0; i < 100; i++) {
    frame(&c, 1, HEADERS, EH, 1 + 2 * i, STATUS_200, 1);
    frame(&c, 1, DATA, 0, 1 + 2 * i, body, i < 99 ? 655 : 690);
  }
  flush(&c);
  c.conv.ts += 35.0;
  frame(&c, 0, PING, 0, 0, "12345678", 8);
  frame(&c, 1, PING, ACK, 0, "12345678", 8);
  close_capture(&c);
  expect(&c, "data-dribble internal-data-buffering", 1, NULL, NULL);
  has("\"message\":\"the client held 100 streams at a zero connection window for 35");
  /* Windows opened in time: nothing. */
  open_capture(&c, "buffering-open.pcap");
  setting(&c, 0, 4, 0);
  frame(&c, 1, SETTINGS, ACK, 0, NULL, 0);
  for (uint32_t i = 0; i < 100; i++)
    request(&c, 1 + 2 * i, true);
  for (uint32_t i = 0; i < 100; i++)
    frame(&c, 1, HEADERS, EH, 1 + 2 * i, STATUS_200, 1);
  flush(&c);
  c.conv.ts += 5.0;
  for (uint32_t i = 0; i < 100; i++) {
    window_update(&c, 0, 1 + 2 * i, 600);
    frame(&c, 1, DATA, ES, 1 + 2 * i, body, 600);
  }
  flush(&c);
  c.conv.ts += 60.0;
  frame(&c, 0, PING, 0, 0, "12345678", 8);
  frame(&c, 1, PING, ACK, 0, "12345678", 8);
  close_capture(&c);
  expect(&c, "", 0, NULL, NULL);
}
END_TEST

START_TEST(resource_loop) {
  capture c;
  open_capture(&c, "resourceloop.pcap");
  request(&c, 1, true);
  for (int i = 0; i < 200; i++)
    frame(&c, 0, PRIORITY, 0, 1, (uint8_t[]){0, 0, 0, (uint8_t)(i % 2 ? 3 : 5), 16}, 5);
  frame(&c, 1, HEADERS, EH | ES, 1, STATUS_200, 1);
  close_capture(&c);
  expect(&c, "resource-loop", 1, NULL, NULL);
  has("\"section\":\"CVE-2019-9513 (Resource Loop)\"");
}
END_TEST

/* RFC 9218 PRIORITY_UPDATE frames (type 0x10, on stream 0) count too, mixed
 * with PRIORITY frames; the finding names the stream of the last one. */
START_TEST(resource_loop_priority_update) {
  capture c;
  open_capture(&c, "resourceloop-pu.pcap");
  request(&c, 1, true);
  for (int i = 0; i < 150; i++)
    frame(&c, 0, 0x10, 0, 0, (uint8_t[]){0, 0, 0, 1, 'u', '=', (uint8_t)('0' + i % 8)}, 7);
  for (int i = 0; i < 49; i++)
    frame(&c, 0, PRIORITY, 0, 1, (uint8_t[]){0, 0, 0, 0, 16}, 5);
  close_capture(&c);
  expect(&c, "", 0, NULL, NULL); /* 199 */
  open_capture(&c, "resourceloop-pu.pcap");
  request(&c, 1, true);
  for (int i = 0; i < 49; i++)
    frame(&c, 0, PRIORITY, 0, 1, (uint8_t[]){0, 0, 0, 0, 16}, 5);
  for (int i = 0; i < 151; i++)
    frame(&c, 0, 0x10, 0, 0, (uint8_t[]){0, 0, 0, 1, 'u', '=', (uint8_t)('0' + i % 8)}, 7);
  frame(&c, 1, HEADERS, EH | ES, 1, STATUS_200, 1);
  close_capture(&c);
  expect(&c, "resource-loop", 1, NULL, NULL); /* the 200th is a PRIORITY_UPDATE */
  has("\"lint\":\"resource-loop\",\"severity\":\"error\",\"conn\":1");
  has("\"dir\":\"c2s\",\"stream\":1,\"frame\":205,");
  has("\"message\":\"200 PRIORITY and PRIORITY_UPDATE frames from the client within 10000 ms\"");
  expect(&c, "", 0, "--lint-threshold", "resource-loop=201");
}
END_TEST

START_TEST(excessive_streams) {
  capture c;
  open_capture(&c, "excessive.pcap");
  setting(&c, 1, 3, 2); /* MAX_CONCURRENT_STREAMS 2 */
  frame(&c, 0, SETTINGS, ACK, 0, NULL, 0);
  request(&c, 1, true);
  request(&c, 3, true);
  request(&c, 5, true);
  for (uint32_t sid = 1; sid <= 5; sid += 2)
    frame(&c, 1, HEADERS, EH | ES, sid, STATUS_200, 1);
  close_capture(&c);
  expect(&c, "excessive-streams", 1, NULL, NULL);
  has("\"lint\":\"excessive-streams\",\"severity\":\"error\",\"conn\":1");
  has("\"dir\":\"c2s\",\"stream\":5,\"frame\":9,\"section\":\"RFC 9113 §5.1.2\"");
  /* Without an announced limit: a warning above the threshold. */
  capture d;
  open_capture(&d, "excessive2.pcap");
  for (uint32_t i = 0; i < 5; i++)
    request(&d, 1 + 2 * i, true);
  close_capture(&d);
  expect(&d, "excessive-streams", 0, "--lint-threshold", "excessive-streams=5");
  has("\"lint\":\"excessive-streams\",\"severity\":\"warning\"");
}
END_TEST

START_TEST(made_you_reset) {
  capture c;
  open_capture(&c, "madeyoureset.pcap");
  /* Each stream: the client ends its side, then sends DATA anyway; the server
   * answers with RST_STREAM STREAM_CLOSED (§5.1 half-closed (remote)). */
  for (uint32_t i = 0; i < 10; i++) {
    uint32_t sid = 1 + 2 * i;
    request(&c, sid, true);
    frame(&c, 0, DATA, 0, sid, "x", 1);
    rst(&c, 1, sid, 5 /* STREAM_CLOSED */);
  }
  close_capture(&c);
  char *argv[] = {"read", "--lint", "--json", "--lint-threshold", "made-you-reset=10", c.path};
  ck_assert_int_eq(run_read(6, argv), 1);
  const char *l = ids();
  ck_assert_msg(strstr(l, "data-on-half-closed-remote made-you-reset") != NULL, "%s", l);
  has("\"lint\":\"made-you-reset\",\"severity\":\"error\",\"conn\":1");
  has("\"dir\":\"c2s\",\"stream\":19,\"frame\":34,\"section\":\"CVE-2025-8671 (MadeYouReset)\"");
}
END_TEST

/* ---- stream states and ids ---- */

START_TEST(stream_state_violations) {
  capture c;
  open_capture(&c, "states.pcap");
  frame(&c, 0, DATA, 0, 5, "x", 1); /* idle */
  request(&c, 1, true);
  frame(&c, 0, DATA, ES, 1, "y", 1); /* after END_STREAM */
  frame(&c, 1, HEADERS, EH | ES, 1, STATUS_200, 1);
  frame(&c, 0, DATA, 0, 1, "z", 1); /* closed */
  window_update(&c, 1, 9, 100);     /* idle */
  rst(&c, 0, 11, 8);                /* idle */
  close_capture(&c);
  expect(&c,
         "data-on-idle data-on-half-closed-remote data-on-closed window-update-on-idle "
         "rst-on-idle",
         1, NULL, NULL);
  has("\"lint\":\"data-on-idle\",\"severity\":\"error\",\"conn\":1");
  has("\"dir\":\"c2s\",\"stream\":5,\"frame\":5,\"section\":\"RFC 9113 §5.1\"");
  has("\"dir\":\"s2c\",\"stream\":9,");
}
END_TEST

START_TEST(stream_id_rules) {
  capture c;
  open_capture(&c, "ids.pcap");
  request(&c, 2, true); /* even */
  request(&c, 5, true);
  request(&c, 3, true);                             /* lower than 5 */
  frame(&c, 1, HEADERS, EH | ES, 7, STATUS_200, 1); /* server opening with HEADERS */
  frame(&c, 1, HEADERS, EH | ES, 5, STATUS_200, 1);
  close_capture(&c);
  expect(&c, "stream-id-parity stream-id-order stream-id-parity", 1, NULL, NULL);
  has("\"dir\":\"c2s\",\"stream\":2,\"frame\":5,\"section\":\"RFC 9113 §5.1.1\"");
  has("\"dir\":\"c2s\",\"stream\":3,\"frame\":7,\"section\":\"RFC 9113 §5.1.1\"");
}
END_TEST

START_TEST(goaway_rules) {
  capture c;
  open_capture(&c, "goaway.pcap");
  request(&c, 1, true);
  frame(&c, 1, HEADERS, EH | ES, 1, STATUS_200, 1);
  goaway(&c, 1, 1);
  request(&c, 3, true);
  goaway(&c, 1, 3);
  close_capture(&c);
  expect(&c, "stream-after-goaway goaway-last-stream-increased", 1, NULL, NULL);
  has("\"lint\":\"stream-after-goaway\",\"severity\":\"warning\"");
  has("\"section\":\"RFC 9113 §6.8\"");
}
END_TEST

START_TEST(push_rules) {
  capture c;
  open_capture(&c, "push.pcap");
  setting(&c, 0, 2, 0); /* ENABLE_PUSH 0 */
  frame(&c, 1, SETTINGS, ACK, 0, NULL, 0);
  request(&c, 1, true);
  frame(&c, 1, HEADERS, EH | ES, 1, STATUS_200, 1);
  uint8_t pp[4 + sizeof REQ];
  u32be(pp, 2);
  memcpy(pp + 4, REQ, sizeof REQ);
  frame(&c, 1, PUSH, EH, 1, pp, sizeof pp); /* push disabled, and stream 1 is closed */
  close_capture(&c);
  expect(&c, "push-disabled push-on-closed-stream", 1, NULL, NULL);
  has("\"section\":\"RFC 9113 §8.4\"");
  has("\"section\":\"RFC 9113 §6.6\"");
}
END_TEST

START_TEST(reserved_and_closed_streams) {
  static const uint8_t trailer[] = {0x00, 3, 'x', '-', 't', 1, '1'}; /* x-t: 1 */
  capture c;
  open_capture(&c, "reserved.pcap");
  request(&c, 1, false);
  uint8_t pp[4 + sizeof REQ];
  u32be(pp, 2);
  memcpy(pp + 4, REQ, sizeof REQ);
  frame(&c, 1, PUSH, EH, 1, pp, sizeof pp);
  frame(&c, 1, DATA, 0, 2, "x", 1);                      /* before the pushed response's HEADERS */
  window_update(&c, 1, 2, 10);                           /* the server on its own reserved stream */
  frame(&c, 0, HEADERS, EH, 2, trailer, sizeof trailer); /* the client on the server's stream */
  frame(&c, 1, PUSH, EH, 1, pp, sizeof pp);              /* stream 2 promised again */
  frame(&c, 0, HEADERS, EH | ES, 1, trailer, sizeof trailer); /* trailers: END_STREAM */
  frame(&c, 0, HEADERS, EH, 1, trailer, sizeof trailer);      /* more after END_STREAM */
  frame(&c, 1, HEADERS, EH | ES, 1, STATUS_200, 1);
  frame(&c, 1, HEADERS, EH | ES, 1, STATUS_200, 1); /* closed */
  window_update(&c, 0, 0, 0);                       /* a malformed frame (increment 0) */
  close_capture(&c);
  expect(&c,
         "data-on-reserved window-update-on-reserved headers-on-reserved-local "
         "push-promise-reused-id headers-on-half-closed-remote headers-on-closed frame-invalid",
         1, NULL, NULL);
  has("\"dir\":\"s2c\",\"stream\":2,\"frame\":7,\"section\":\"RFC 9113 §5.1\",\"message\":"
      "\"DATA from the server on stream 2, reserved (remote) for the client (connection error)\"");
  has("\"lint\":\"frame-invalid\",\"severity\":\"error\",\"conn\":1");
  has("\"section\":\"RFC 9113 §6.9\",\"message\":\"WINDOW_UPDATE frame: WINDOW_UPDATE with an "
      "increment of 0 "
      "(window-update-zero)\"");
}
END_TEST

START_TEST(findings_limit) {
  capture c;
  open_capture(&c, "many.pcap");
  for (uint32_t sid = 101; sid <= 109; sid += 2)
    frame(&c, 0, DATA, 0, sid, "x", 1);
  close_capture(&c);
  expect(&c, "data-on-idle data-on-idle findings-suppressed", 1, "--lint-max", "2");
  has("\"lint\":\"findings-suppressed\",\"severity\":\"info\"");
  has("\"message\":\"3 more data-on-idle findings on this connection not shown (counted)\"");
  char sarif[512];
  pw_temp_path("many.sarif", sarif, sizeof sarif);
  char *argv[] = {"read",   "--lint",  "--lint-max", "2",   "--summary",
                  "--json", "--sarif", sarif,        c.path};
  ck_assert_int_eq(run_read(9, argv), 1);
  has("\"lint\":{\"verdict\":\"fail\",\"errors\":5,\"warnings\":0,\"info\":1,"
      "\"by_id\":{\"data-on-idle\":5,\"findings-suppressed\":1}}");
  /* SARIF: two results of data-on-idle, the count of all five in the run. */
  FILE *f = fopen(sarif, "rb");
  ck_assert_ptr_nonnull(f);
  static char doc[1 << 16];
  size_t n = fread(doc, 1, sizeof doc - 1, f);
  doc[n] = '\0';
  fclose(f);
  ck_assert_msg(strstr(doc, "\"properties\": {\"findingCounts\": {\"data-on-idle\":5,"
                            "\"findings-suppressed\":1}}") != NULL,
                "%s", doc);
}
END_TEST

/* 4000 requests without :path, each reset by the server with PROTOCOL_ERROR:
 * the flood of pseudo-header-invalid findings must not hide the attack
 * patterns it carries (made-you-reset at the 100th reset, reset-flood at the
 * 1000th). The cap is per id, and patterns are never suppressed. */
START_TEST(findings_limit_keeps_patterns) {
  static const uint8_t no_path[] = {0x82, 0x86, 0x01, 0x01, 'a'};
  capture c;
  open_capture(&c, "malformed-flood.pcap");
  for (uint32_t i = 0; i < 4000; i++) {
    frame(&c, 0, HEADERS, EH | ES, 1 + 2 * i, no_path, sizeof no_path);
    rst(&c, 1, 1 + 2 * i, 1 /* PROTOCOL_ERROR */);
  }
  close_capture(&c);
  char *argv[] = {"read", "--lint", "--json", "--summary", c.path};
  ck_assert_int_eq(run_read(5, argv), 1);
  ck_assert_int_eq(count_id("pseudo-header-invalid"), 1000);
  ck_assert_int_eq(count_id("made-you-reset"), 1);
  ck_assert_int_eq(count_id("reset-flood"), 1);
  ck_assert_int_eq(count_id("findings-suppressed"), 1);
  has("\"lint\":\"reset-flood\",\"severity\":\"error\",\"conn\":1,");
  has("\"dir\":\"s2c\",\"stream\":1999,");
  has("\"message\":\"3000 more pseudo-header-invalid findings on this connection not shown "
      "(counted)\"");
  /* The summary counts every finding, shown or not, by id. */
  has("\"lint\":{\"verdict\":\"fail\",\"errors\":4002,\"warnings\":0,\"info\":1,\"by_id\":{"
      "\"reset-flood\":1,\"made-you-reset\":1,\"pseudo-header-invalid\":4000,"
      "\"findings-suppressed\":1}}");
  /* A smaller cap: still both patterns. */
  char *argv2[] = {"read", "--lint", "--json", "--lint-max", "10", c.path};
  ck_assert_int_eq(run_read(6, argv2), 1);
  ck_assert_int_eq(count_id("pseudo-header-invalid"), 10);
  ck_assert_int_eq(count_id("made-you-reset"), 1);
  ck_assert_int_eq(count_id("reset-flood"), 1);
  has("\"message\":\"3990 more pseudo-header-invalid findings on this connection not shown "
      "(counted)\"");
  /* Text summary: the counts by id after the verdict. */
  char *argv3[] = {"read", "--lint", "--summary", c.path};
  ck_assert_int_eq(run_read(4, argv3), 1);
  has("\nlint: fail (4002 errors, 0 warnings, 1 info)\nlint findings by id: reset-flood=1 "
      "made-you-reset=1 pseudo-header-invalid=4000 findings-suppressed=1\n");
}
END_TEST

/* ---- flow control, settings, sizes ---- */

START_TEST(flow_control_overrun) {
  capture c;
  open_capture(&c, "overrun.pcap");
  frame(&c, 0, HEADERS, EH, 1, POST, sizeof POST);
  static uint8_t chunk[16384];
  memset(chunk, 'd', sizeof chunk);
  for (int i = 0; i < 3; i++)
    frame(&c, 0, DATA, 0, 1, chunk, sizeof chunk);
  window_update(&c, 1, 0, 40000); /* the connection gets more, the stream does not */
  frame(&c, 0, DATA, 0, 1, chunk, sizeof chunk);
  frame(&c, 0, DATA, ES, 1, chunk, 100);
  frame(&c, 1, HEADERS, EH | ES, 1, STATUS_200, 1);
  close_capture(&c);
  expect(&c, "flow-control-overrun", 1, NULL, NULL);
  has("\"dir\":\"c2s\",\"stream\":1,\"frame\":10,\"section\":\"RFC 9113 §6.9.1\","
      "\"message\":\"DATA from the client overruns the window of stream 1 by 1 octets\"");
}
END_TEST

START_TEST(connection_window_overrun) {
  /* Two streams of 40000 octets each: each fits its stream window, together
   * they overrun the connection's 65535. */
  capture c;
  open_capture(&c, "connoverrun.pcap");
  static uint8_t chunk[10000];
  for (uint32_t sid = 1; sid <= 3; sid += 2) {
    frame(&c, 0, HEADERS, EH, sid, POST, sizeof POST);
    for (int i = 0; i < 4; i++)
      frame(&c, 0, DATA, i == 3 ? ES : 0, sid, chunk, sizeof chunk);
  }
  close_capture(&c);
  expect(&c, "flow-control-overrun", 1, NULL, NULL);
  has("\"stream\":3,\"frame\":13,\"section\":\"RFC 9113 §6.9.1\",\"message\":\"DATA from the "
      "client overruns the connection window by 4465 octets\"");
}
END_TEST

START_TEST(initial_window_size_change) {
  /* The server lowers INITIAL_WINDOW_SIZE to 10 with stream 1 open; once the
   * client acknowledged, 20 octets overrun it (the window went to 10 - 0). */
  capture c;
  open_capture(&c, "iws.pcap");
  frame(&c, 0, HEADERS, EH, 1, POST, sizeof POST);
  setting(&c, 1, 4, 10);
  frame(&c, 0, DATA, 0, 1, "0123456789abcdefghij", 20); /* before the ACK: old window */
  frame(&c, 0, SETTINGS, ACK, 0, NULL, 0);
  frame(&c, 0, DATA, ES, 1, "x", 1); /* window now 10 - 20 = -10: overrun */
  frame(&c, 1, HEADERS, EH | ES, 1, STATUS_200, 1);
  close_capture(&c);
  expect(&c, "flow-control-overrun", 1, NULL, NULL);
  has("\"message\":\"DATA from the client overruns the window of stream 1 by 11 octets\"");
}
END_TEST

START_TEST(window_overflow) {
  capture c;
  open_capture(&c, "wovf.pcap");
  window_update(&c, 0, 0, 0x7fffffff);
  close_capture(&c);
  expect(&c, "window-overflow", 1, NULL, NULL);
  has("\"section\":\"RFC 9113 §6.9.1\"");
}
END_TEST

START_TEST(frame_too_large) {
  capture c;
  open_capture(&c, "toolarge.pcap");
  frame(&c, 0, HEADERS, EH, 1, POST, sizeof POST);
  static uint8_t chunk[16385];
  frame(&c, 0, DATA, ES, 1, chunk, sizeof chunk);
  close_capture(&c);
  char *argv[] = {"read", "--lint", "--json", c.path};
  ck_assert_int_eq(run_read(4, argv), 1);
  ck_assert_msg(!strncmp(ids(), "frame-too-large", 15), "%s", output);
  has("\"section\":\"RFC 9113 §4.2\"");
}
END_TEST

START_TEST(header_list_too_large) {
  capture c;
  open_capture(&c, "hlist.pcap");
  setting(&c, 1, 6, 100); /* MAX_HEADER_LIST_SIZE 100 */
  frame(&c, 0, SETTINGS, ACK, 0, NULL, 0);
  uint8_t block[128];
  memcpy(block, REQ, sizeof REQ);
  size_t n = sizeof REQ;
  block[n++] = 0x00;
  block[n++] = 5;
  memcpy(block + n, "x-pad", 5);
  n += 5;
  block[n++] = 60;
  memset(block + n, 'p', 60);
  n += 60;
  frame(&c, 0, HEADERS, EH | ES, 1, block, n);
  frame(&c, 1, HEADERS, EH | ES, 1, STATUS_200, 1);
  close_capture(&c);
  expect(&c, "header-list-too-large", 0, NULL, NULL); /* advisory: a warning */
  has("\"lint\":\"header-list-too-large\",\"severity\":\"warning\"");
  has("\"message\":\"a header list of 265 octets, above the server's "
      "SETTINGS_MAX_HEADER_LIST_SIZE 100\"");
}
END_TEST

START_TEST(settings_ack_rules) {
  capture c;
  open_capture(&c, "ack.pcap");
  setting(&c, 0, 4, 1000);                 /* never acknowledged ... */
  frame(&c, 1, PING, 0, 0, "abcdefgh", 8); /* ... although the server kept sending */
  frame(&c, 0, PING, ACK, 0, "abcdefgh", 8);
  frame(&c, 0, SETTINGS, ACK, 0, NULL, 0); /* nothing of the server's to acknowledge */
  close_capture(&c);
  expect(&c, "settings-ack-unexpected settings-ack-missing", 1, NULL, NULL);
  has("\"lint\":\"settings-ack-missing\",\"severity\":\"warning\",\"conn\":1");
  has("\"dir\":\"s2c\",\"stream\":0,\"frame\":8,\"section\":\"RFC 9113 §6.5.3\",\"message\":\"the "
      "server never acknowledged 1 SETTINGS from the client although it kept sending\"");
  has("\"section\":\"RFC 9113 §6.5.3\"");
  /* A browser's unused preconnect: the server's SETTINGS arrive first, the
   * client writes its opening flight (preface SETTINGS, connection
   * WINDOW_UPDATE) and a GOAWAY without reading them. Nothing it sent shows
   * it read the SETTINGS: no finding. */
  open_bare(&c, "preconnect.pcap");
  frame(&c, 1, SETTINGS, 0, 0, NULL, 0);
  window_update(&c, 1, 0, 1 << 20);
  bytes(&c, 0, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24);
  setting(&c, 0, 4, 6291456);
  window_update(&c, 0, 0, 15663105);
  goaway(&c, 0, 0);
  close_capture(&c);
  expect(&c, "", 0, NULL, NULL);
  /* The same opening followed by a PING: the client went on without an ACK. */
  open_bare(&c, "preconnect-ping.pcap");
  frame(&c, 1, SETTINGS, 0, 0, NULL, 0);
  bytes(&c, 0, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24);
  setting(&c, 0, 4, 6291456);
  window_update(&c, 0, 0, 15663105);
  frame(&c, 0, PING, 0, 0, "abcdefgh", 8);
  frame(&c, 1, PING, ACK, 0, "abcdefgh", 8);
  frame(&c, 1, SETTINGS, ACK, 0, NULL, 0);
  close_capture(&c);
  expect(&c, "settings-ack-missing", 0, NULL, NULL);
  has("\"message\":\"the client never acknowledged 1 SETTINGS from the server although it kept "
      "sending\"");
}
END_TEST

/* ---- field blocks ---- */

START_TEST(field_block_rules) {
  capture c;
  open_capture(&c, "fields.pcap");
  /* 1: HEADERS without END_HEADERS, interrupted by DATA. */
  frame(&c, 0, HEADERS, ES, 1, REQ, 3);
  frame(&c, 0, DATA, 0, 1, "x", 1);
  close_capture(&c);
  char *argv[] = {"read", "--lint", "--json", c.path};
  ck_assert_int_eq(run_read(4, argv), 1);
  ck_assert_msg(!strncmp(ids(), "continuation-interleaved", 24), "%s", output);
  has("\"section\":\"RFC 9113 §6.10\"");

  capture d;
  open_capture(&d, "fields2.pcap");
  /* 1: no :path. */
  frame(&d, 0, HEADERS, EH | ES, 1, (uint8_t[]){0x82, 0x86, 0x01, 0x01, 'a'}, 5);
  /* 3: connection: keep-alive (literal, new name). */
  static const uint8_t conn_field[] = {0x82, 0x86, 0x84, 0x01, 0x01, 'a', 0x00, 10,  'c', 'o',
                                       'n',  'n',  'e',  'c',  't',  'i', 'o',  'n', 10,  'k',
                                       'e',  'e',  'p',  '-',  'a',  'l', 'i',  'v', 'e'};
  frame(&d, 0, HEADERS, EH | ES, 3, conn_field, sizeof conn_field);
  /* 5: content-length 10 (static name 28), 5 octets of DATA. */
  static const uint8_t cl[] = {0x83, 0x86, 0x84, 0x01, 0x01, 'a', 0x0f, 0x0d, 2, '1', '0'};
  frame(&d, 0, HEADERS, EH, 5, cl, sizeof cl);
  frame(&d, 0, DATA, ES, 5, "12345", 5);
  /* 7: an uppercase field name. */
  static const uint8_t upper[] = {0x82, 0x86, 0x84, 0x01, 0x01, 'a', 0x00, 1, 'X', 1, 'y'};
  frame(&d, 0, HEADERS, EH | ES, 7, upper, sizeof upper);
  /* 9: HPACK index 0. */
  frame(&d, 0, HEADERS, EH | ES, 9, (uint8_t[]){0x80}, 1);
  for (uint32_t sid = 1; sid <= 7; sid += 2)
    frame(&d, 1, HEADERS, EH | ES, sid, STATUS_200, 1);
  close_capture(&d);
  expect(&d,
         "pseudo-header-invalid connection-specific-field content-length-mismatch "
         "field-invalid hpack-error",
         1, NULL, NULL);
  has("\"stream\":1,\"frame\":5,\"section\":\"RFC 9113 §8.3.1\"");
  has("\"stream\":3,\"frame\":6,\"section\":\"RFC 9113 §8.2.2\"");
  has("\"stream\":5,\"frame\":8,\"section\":\"RFC 9113 §8.1.1\",\"message\":\"the client's "
      "content-length is 10 but the message carried 5 octets of DATA\"");
  has("\"lint\":\"hpack-error\",\"severity\":\"error\"");
}
END_TEST

/* ---- packet loss ---- */

START_TEST(loss_explains_findings) {
  /* The server's SETTINGS segment is missing from the capture; the client's
   * ACK for it looks unexpected until the server's next segment shows the
   * gap: the finding is left out, an info line says so. */
  capture c;
  open_capture(&c, "loss.pcap");
  request(&c, 1, true);
  flush(&c);
  c.conv.next_seq[1] += 9 + 6; /* a SETTINGS frame with one setting, never captured */
  frame(&c, 0, SETTINGS, ACK, 0, NULL, 0);
  frame(&c, 1, HEADERS, EH | ES, 1, STATUS_200, 1);
  close_capture(&c);
  expect(&c, "findings-discarded", 0, NULL, NULL);
  has("\"lint\":\"findings-discarded\",\"severity\":\"info\"");
  has("\"message\":\"1 findings after packets missing from the capture left out (they may come "
      "from the loss)\"");
}
END_TEST

/* ---- output forms ---- */

START_TEST(text_output_and_sarif) {
  capture c;
  open_capture(&c, "sarif.pcap");
  frame(&c, 0, DATA, 0, 5, "x", 1);
  close_capture(&c);
  char sarif[512];
  pw_temp_path("out.sarif", sarif, sizeof sarif);
  char *argv[] = {"read", "--lint", "--sarif", sarif, c.path};
  ck_assert_int_eq(run_read(5, argv), 1);
  /* the finding names the capture packet of its frame (#6: the handshake and
   * the preface came first) */
  ck_assert_msg(strstr(output, " conn 1 c2s stream 5 frame 5 #6 error data-on-idle: DATA from the "
                               "client on stream 5, idle for the server (connection error) "
                               "[RFC 9113 §5.1]\n") != NULL,
                "%s", output);
  FILE *f = fopen(sarif, "rb");
  ck_assert_ptr_nonnull(f);
  static char doc[1 << 16];
  size_t n = fread(doc, 1, sizeof doc - 1, f);
  doc[n] = '\0';
  fclose(f);
  ck_assert_ptr_nonnull(strstr(doc, "\"version\": \"2.1.0\""));
  ck_assert_ptr_nonnull(strstr(doc, "{\"id\":\"rapid-reset\",\"shortDescription\""));
  ck_assert_ptr_nonnull(strstr(doc, "{\"ruleId\":\"data-on-idle\",\"ruleIndex\":14,"
                                    "\"level\":\"error\",\"message\":{\"text\":\"DATA from the "
                                    "client on stream 5, idle for the server (connection error) "
                                    "(RFC 9113 §5.1)\"}"));
  ck_assert_ptr_nonnull(strstr(doc, "\"artifacts\": [{\"location\":{\"uri\":"));
  ck_assert_ptr_nonnull(
      strstr(doc, "stream 5, frame 5, packet 6\"}}],\"properties\":{\"pkt\":6}}"));
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("lint_findings");
  TCase *tc = tcase_create("lint");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, clean_exchange_reports_nothing);
  tcase_add_test(tc, rapid_reset);
  tcase_add_test(tc, continuation_flood);
  tcase_add_test(tc, settings_flood);
  tcase_add_test(tc, ping_flood);
  tcase_add_test(tc, empty_frames_flood);
  tcase_add_test(tc, hpack_bomb);
  tcase_add_test(tc, hpack_bomb_past_decoder_limit);
  tcase_add_test(tc, data_dribble);
  tcase_add_test(tc, zero_window_stall);
  tcase_add_test(tc, zero_window_no_stall);
  tcase_add_test(tc, reset_flood);
  tcase_add_test(tc, window_update_flood);
  tcase_add_test(tc, zero_length_headers);
  tcase_add_test(tc, internal_data_buffering);
  tcase_add_test(tc, resource_loop);
  tcase_add_test(tc, resource_loop_priority_update);
  tcase_add_test(tc, excessive_streams);
  tcase_add_test(tc, made_you_reset);
  tcase_add_test(tc, stream_state_violations);
  tcase_add_test(tc, stream_id_rules);
  tcase_add_test(tc, goaway_rules);
  tcase_add_test(tc, push_rules);
  tcase_add_test(tc, reserved_and_closed_streams);
  tcase_add_test(tc, findings_limit);
  tcase_add_test(tc, findings_limit_keeps_patterns);
  tcase_add_test(tc, flow_control_overrun);
  tcase_add_test(tc, connection_window_overrun);
  tcase_add_test(tc, initial_window_size_change);
  tcase_add_test(tc, window_overflow);
  tcase_add_test(tc, frame_too_large);
  tcase_add_test(tc, header_list_too_large);
  tcase_add_test(tc, settings_ack_rules);
  tcase_add_test(tc, field_block_rules);
  tcase_add_test(tc, loss_explains_findings);
  tcase_add_test(tc, text_output_and_sarif);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(suite());
}
