/* test_read_pcap.c — `h2scope read` end to end on synthetic captures written
 * with tests/support/pcap_write: HTTP/2 with prior knowledge on an odd port
 * over IPv6 with a VLAN tag, a lost segment (gap event, resync, frames after
 * it with unknown dynamic-table state), garbage TCP payload and plain
 * HTTP/1.1 (no frames, nothing bogus), filters. cmd_read runs in-process
 * with stdout sent to a file; the JSON Lines are checked line by line. */
#include <check.h>

#include "run_suite.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command_output.h"
#include "commands.h"
#include "pcap_write.h"

static char output[65536];

/* Runs `h2scope read ARGS...` and keeps its stdout in `output`. */
static int run_read(int argc, char **argv) {
  return command_output(cmd_read, argc, argv, "read-out.txt", output, sizeof output);
}

static size_t count(const char *needle) {
  size_t n = 0;
  for (const char *p = output; (p = strstr(p, needle)) != NULL; p++)
    n++;
  return n;
}

static size_t put_frame(uint8_t *out, uint8_t type, uint8_t flags, uint32_t sid,
                        const void *payload, size_t len) {
  out[0] = (uint8_t)(len >> 16);
  out[1] = (uint8_t)(len >> 8);
  out[2] = (uint8_t)len;
  out[3] = type;
  out[4] = flags;
  out[5] = (uint8_t)(sid >> 24);
  out[6] = (uint8_t)(sid >> 16);
  out[7] = (uint8_t)(sid >> 8);
  out[8] = (uint8_t)sid;
  memcpy(out + 9, payload, len);
  return 9 + len;
}

static const char PREFACE[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/* :method GET, :scheme http, :path /, :authority "ex.com" (incremental
 * indexing: entry 62 of the client's table). */
static const uint8_t REQ[] = {0x82, 0x86, 0x84, 0x41, 0x06, 'e', 'x', '.', 'c', 'o', 'm'};
/* The same again, :authority from the dynamic table. */
static const uint8_t REQ_AGAIN[] = {0x82, 0x86, 0x84, 0xbe};

static pw_packet tmpl(int linktype, int ip_version, int vlan) {
  pw_packet p;
  memset(&p, 0, sizeof p);
  p.linktype = linktype;
  p.ip_version = ip_version;
  p.vlan_tags = vlan;
  p.src = ip_version == 6 ? "fd00::1" : "10.0.0.1";
  p.dst = ip_version == 6 ? "fd00::2" : "10.0.0.2";
  p.sport = 50001;
  p.dport = 7001; /* no well-known port */
  return p;
}

/* A request on stream 1, its response, then (optionally after a lost
 * client segment) a request on stream 3 that refers to the dynamic table. */
static void write_h2(const char *path, bool lose_segment) {
  pw_file w;
  ck_assert(pw_open_pcap(&w, path, PW_LINK_ETHERNET, 65535));
  pw_packet t = tmpl(PW_LINK_ETHERNET, 6, 1);
  pw_conv c;
  pw_conv_init(&c, &w, &t, 7, 9000, 1700000000.0);
  ck_assert(pw_conv_handshake(&c));
  uint8_t buf[256];
  size_t n = 0;
  memcpy(buf, PREFACE, 24);
  n = 24;
  n += put_frame(buf + n, 4, 0, 0, "", 0);
  n += put_frame(buf + n, 1, 0x5, 1, REQ, sizeof REQ);
  ck_assert(pw_conv_send(&c, 0, buf, n, 0));
  n = put_frame(buf, 4, 0, 0, "", 0);
  n += put_frame(buf + n, 4, 1, 0, "", 0);
  n += put_frame(buf + n, 1, 0x4, 1, "\x88", 1);
  n += put_frame(buf + n, 0, 0x1, 1, "hello", 5);
  ck_assert(pw_conv_send(&c, 1, buf, n, 0));
  n = put_frame(buf, 4, 1, 0, "", 0); /* client's SETTINGS ACK */
  if (lose_segment)
    c.next_seq[0] += (uint32_t)n; /* this segment never reaches the capture */
  else
    ck_assert(pw_conv_send(&c, 0, buf, n, 0));
  /* PING, then the second request: after a loss, the boundary is found again. */
  n = put_frame(buf, 6, 0, 0, "12345678", 8);
  n += put_frame(buf + n, 8, 0, 0, "\x00\x00\x01\x00", 4);
  n += put_frame(buf + n, 1, 0x5, 3, REQ_AGAIN, sizeof REQ_AGAIN);
  ck_assert(pw_conv_send(&c, 0, buf, n, 0));
  ck_assert(pw_conv_fin(&c, 0));
  ck_assert(pw_conv_fin(&c, 1));
  ck_assert(pw_close(&w));
}

START_TEST(prior_knowledge_ipv6_vlan) {
  char path[512];
  pw_temp_path("h2.pcap", path, sizeof path);
  write_h2(path, false);
  char *argv[] = {"read", "--json", path};
  ck_assert_int_eq(run_read(3, argv), 0);
  ck_assert_uint_eq(count("\"type\":"), 10); /* 6 from the client, 4 from the server */
  ck_assert_ptr_nonnull(strstr(output, "\"src\":\"[fd00::1]:50001\",\"dst\":\"[fd00::2]:7001\","
                                       "\"dir\":\"c2s\",\"event\":\"detect\""));
  ck_assert_ptr_nonnull(strstr(output, "\"stream\":3,\"type\":\"HEADERS\""));
  /* the list, then the windows the request's HEADERS opened, the packet */
  ck_assert_ptr_nonnull(strstr(output,
                               "\"headers\":[[\":method\",\"GET\"],[\":scheme\","
                               "\"http\"],[\":path\",\"/\"],[\":authority\","
                               "\"ex.com\"]],\"windows\":{\"sender\":{\"conn\":65535,"
                               "\"stream\":65535},\"peer\":{\"conn\":65535,\"stream\":"
                               "65535}},\"pkt\":4}\n{\"v\":1,\"conn\":1,\"ts\":1700000000.0"));
  ck_assert_uint_eq(count("[\":authority\",\"ex.com\"]"), 2);
  ck_assert_uint_eq(count("\"event\":\"gap\""), 0);
  ck_assert_uint_eq(count("\"notes\""), 0);
  ck_assert_uint_eq(count("\"error\""), 0);
  ck_assert_ptr_nonnull(strstr(output, "\"event\":\"close\""));

  /* Filters: only stream 1 HEADERS (request and response). */
  char *argv2[] = {"read", "--json", "--stream", "1", "--type", "HEADERS", path};
  ck_assert_int_eq(run_read(7, argv2), 0);
  ck_assert_uint_eq(count("\n"), 2);
  ck_assert_uint_eq(count("\"stream\":1,\"type\":\"HEADERS\""), 2);
}
END_TEST

START_TEST(lost_segment_gap_and_resync) {
  char path[512];
  pw_temp_path("gap.pcap", path, sizeof path);
  write_h2(path, true);
  char *argv[] = {"read", "--json", path};
  ck_assert_int_eq(run_read(3, argv), 0);
  /* The 9-byte ACK (at 24 + 9 + 20) is lost: reported with its offset and length. */
  ck_assert_msg(strstr(output, "\"dir\":\"c2s\",\"event\":\"gap\",\"offset\":53,"
                               "\"message\":\"9 bytes at offset 53 were not captured\"") != NULL,
                "%s", output);
  /* The next frames start right after the hole: found again, decoded. */
  ck_assert_ptr_nonnull(strstr(output, "\"event\":\"resync\",\"offset\":62"));
  ck_assert_ptr_nonnull(strstr(output, "\"offset\":62,\"stream\":0,\"type\":\"PING\""));
  /* The dynamic-table reference after the gap: undecodable, the rest decoded. */
  ck_assert_ptr_nonnull(strstr(output, "\"headers\":[[\":method\",\"GET\"],[\":scheme\",\"http\"],"
                                       "[\":path\",\"/\"],[null,null]],\"undecodable\":"
                                       "\"dynamic table state unknown\""));
  ck_assert_uint_eq(count("\"notes\""), 0);
}
END_TEST

START_TEST(garbage_and_http1_print_nothing_bogus) {
  char path[512];
  pw_temp_path("junk.pcap", path, sizeof path);
  pw_file w;
  ck_assert(pw_open_pcapng(&w, path, PW_LINK_SLL2, 65535));
  pw_packet t = tmpl(PW_LINK_SLL2, 4, 0);
  pw_conv c;
  pw_conv_init(&c, &w, &t, 1, 2, 1700000100.0);
  ck_assert(pw_conv_handshake(&c));
  uint8_t junk[1400];
  uint32_t x = 99;
  for (int round = 0; round < 6; round++) {
    for (size_t i = 0; i < sizeof junk; i++) {
      x = x * 1664525u + 1013904223u;
      junk[i] = (uint8_t)(x >> 24);
    }
    ck_assert(pw_conv_send(&c, round & 1, junk, sizeof junk, 0));
  }
  ck_assert(pw_conv_fin(&c, 0));
  pw_packet t2 = t;
  t2.sport = 50002;
  pw_conv_init(&c, &w, &t2, 1, 2, 1700000101.0);
  ck_assert(pw_conv_handshake(&c));
  static const char GET[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  static const char OK[] =
      "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";
  ck_assert(pw_conv_send(&c, 0, GET, sizeof GET - 1, 0));
  ck_assert(pw_conv_send(&c, 1, OK, sizeof OK - 1, 0));
  ck_assert(pw_conv_fin(&c, 0));
  ck_assert(pw_close(&w));
  char *argv[] = {"read", "--json", path};
  ck_assert_int_eq(run_read(3, argv), 0);
  ck_assert_uint_eq(count("\"type\":"), 0);
  ck_assert_uint_eq(count("\"event\":\"not-http2\""), 2);
  ck_assert_uint_eq(count("\"event\":\"connection\""), 2);
  ck_assert_uint_eq(count("\"event\":\"close\""), 2);
  ck_assert_uint_eq(count("\n"), 6);
  char *argv2[] = {"read", "-q", "--summary", path};
  ck_assert_int_eq(run_read(4, argv2), 0);
  ck_assert_ptr_nonnull(strstr(output, "2 connections (0 HTTP/2), 0 frames"));
}
END_TEST

START_TEST(unusable_and_cut_files) {
  char path[512];
  pw_temp_path("cut.pcap", path, sizeof path);
  char full[512];
  pw_temp_path("full.pcap", full, sizeof full);
  write_h2(full, false);
  FILE *in = fopen(full, "rb");
  ck_assert_ptr_nonnull(in);
  static uint8_t bytes[8192];
  size_t len = fread(bytes, 1, sizeof bytes, in);
  fclose(in);
  /* Every cut: exit 0 (partial) or 3 (not a capture), never a crash. */
  for (size_t cut = 0; cut < len; cut += 7) {
    FILE *o = fopen(path, "wb");
    ck_assert_ptr_nonnull(o);
    fwrite(bytes, 1, cut, o);
    fclose(o);
    char *argv[] = {"read", "--json", "--hpack", path};
    int rc = run_read(4, argv);
    ck_assert_msg(rc == 0 || (rc == 3 && cut < 24), "cut %zu: rc %d", cut, rc);
  }
  char *argv[] = {"read", "/nonexistent/x.pcap"};
  ck_assert_int_eq(run_read(2, argv), 3);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("read_pcap");
  TCase *t = tcase_create("read");
  tcase_set_timeout(t, 300);
  tcase_add_test(t, prior_knowledge_ipv6_vlan);
  tcase_add_test(t, lost_segment_gap_and_resync);
  tcase_add_test(t, garbage_and_http1_print_nothing_bogus);
  tcase_add_test(t, unusable_and_cut_files);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
