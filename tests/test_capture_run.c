/* test_capture_run.c — capture_run end to end: synthetic pcap and pcapng
 * files (several link types, IPv4/IPv6, VLAN), stdin, BPF filters,
 * max_packets, capture_stop, unusable inputs (missing, not a capture, empty,
 * bad filter, no such interface) give a clear error, files cut at every
 * length give an error or a partial result but never a crash, and a live
 * capture on loopback stopped by SIGINT (when allowed to capture). */
#include <arpa/inet.h>
#include <check.h>

#include "run_suite.h"
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture_files.h"
#include "capture_recorder.h"
#include "capture_run.h"
#include "pcap_write.h"

static const char REQUEST[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
static const char RESPONSE[] = "\x00\x00\x00\x04\x00\x00\x00\x00\x00";

/* A complete exchange: handshake, request in two segments (second one
 * first), response, FIN both ways. 10 packets. */
static void write_exchange(pw_file *w, const pw_packet *tmpl, double start) {
  pw_conv c;
  pw_conv_init(&c, w, tmpl, 1000, 0xfffffff0u, start);
  ck_assert(pw_conv_handshake(&c));
  ck_assert(pw_conv_send_at(&c, 0, 10, REQUEST + 10, sizeof REQUEST - 1 - 10, 0x18));
  ck_assert(pw_conv_send_at(&c, 0, 0, REQUEST, 10, 0x18));
  c.next_seq[0] += sizeof REQUEST - 1;
  ck_assert(pw_conv_send(&c, 1, RESPONSE, sizeof RESPONSE - 1, 0));
  ck_assert(pw_conv_fin(&c, 0));
  ck_assert(pw_conv_fin(&c, 1));
}

static pw_packet tmpl_of(int linktype, int ip_version, int vlan_tags) {
  pw_packet p;
  memset(&p, 0, sizeof p);
  p.linktype = linktype;
  p.ip_version = ip_version;
  p.vlan_tags = vlan_tags;
  p.src = ip_version == 6 ? "fd00::10" : "10.1.1.10";
  p.dst = ip_version == 6 ? "fd00::20" : "10.1.1.20";
  p.sport = 43210;
  p.dport = 8080;
  return p;
}

typedef struct run_result {
  recorder rec;
  capture_stats stats;
  int rc;
  char err[256];
} run_result;

static void run_file(run_result *r, const char *path, const char *bpf) {
  rec_init(&r->rec);
  flow_consumer c = rec_consumer(&r->rec);
  capture_options o;
  capture_options_default(&o);
  o.file = path;
  o.bpf = bpf;
  r->rc = capture_run(&o, &c, &r->stats, r->err, sizeof r->err);
}

static void check_exchange(run_result *r, const char *client, const char *server) {
  ck_assert_msg(r->rc == 0, "%s", r->err);
  char expect[512];
  snprintf(expect, sizeof expect, "open 1 %s %s syn\nclose 1 fin %zu/%zu\n", client, server,
           sizeof REQUEST - 1, sizeof RESPONSE - 1);
  ck_assert_str_eq(r->rec.log, expect);
  rec_stream *up = &r->rec.stream[1][0], *down = &r->rec.stream[1][1];
  ck_assert_uint_eq(up->len, sizeof REQUEST - 1);
  ck_assert(memcmp(up->data, REQUEST, up->len) == 0);
  ck_assert_uint_eq(down->len, sizeof RESPONSE - 1);
  ck_assert(memcmp(down->data, RESPONSE, down->len) == 0);
  ck_assert_int_eq(r->rec.errors, 0);
  ck_assert_uint_eq(r->stats.packets, 10);
  ck_assert_uint_eq(r->stats.connections, 1);
  ck_assert_uint_eq(r->stats.tcp_payload_bytes, sizeof REQUEST - 1 + sizeof RESPONSE - 1);
  ck_assert_uint_eq(r->stats.gaps, 0);
  ck_assert(!r->stats.interrupted);
}

START_TEST(pcap_ethernet_vlan_ipv4) {
  char path[256];
  pw_temp_path("eth_vlan4.pcap", path, sizeof path);
  pw_file w;
  ck_assert(pw_open_pcap(&w, path, PW_LINK_ETHERNET, 0));
  pw_packet t = tmpl_of(PW_LINK_ETHERNET, 4, 1);
  write_exchange(&w, &t, 1700000000.25);
  ck_assert(pw_close(&w));
  run_result r;
  run_file(&r, path, NULL);
  check_exchange(&r, "10.1.1.10:43210", "10.1.1.20:8080");
  ck_assert(r.rec.open_ts[1] == 1700000000.25);
  ck_assert(r.rec.close_ts[1] > 1700000000.25 && r.rec.close_ts[1] < 1700000000.27);
  rec_free(&r.rec);
}
END_TEST

START_TEST(pcapng_sll2_ipv6) {
  char path[256];
  pw_temp_path("sll2_6.pcapng", path, sizeof path);
  pw_file w;
  ck_assert(pw_open_pcapng(&w, path, PW_LINK_SLL2, 0));
  pw_packet t = tmpl_of(PW_LINK_SLL2, 6, 0);
  t.ipv6_ext = PW_EXT_HOPOPTS | PW_EXT_DSTOPTS;
  write_exchange(&w, &t, 1700000100.5);
  ck_assert(pw_close(&w));
  run_result r;
  run_file(&r, path, NULL);
  check_exchange(&r, "[fd00::10]:43210", "[fd00::20]:8080");
  ck_assert(r.rec.open_ts[1] == 1700000100.5);
  rec_free(&r.rec);
}
END_TEST

START_TEST(every_link_type_in_pcap_and_pcapng) {
  static const int links[] = {PW_LINK_ETHERNET, PW_LINK_SLL, PW_LINK_SLL2, PW_LINK_NULL,
                              PW_LINK_LOOP,     PW_LINK_RAW, PW_LINK_IPV4, PW_LINK_IPV6};
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
    for (int ng = 0; ng < 2; ng++) {
      int ipv = links[i] == PW_LINK_IPV6 || (links[i] != PW_LINK_IPV4 && i % 2) ? 6 : 4;
      char name[64], path[256];
      snprintf(name, sizeof name, "link%d_%d.%s", links[i], ipv, ng ? "pcapng" : "pcap");
      pw_temp_path(name, path, sizeof path);
      pw_file w;
      ck_assert(ng ? pw_open_pcapng(&w, path, links[i], 0) : pw_open_pcap(&w, path, links[i], 0));
      pw_packet t = tmpl_of(links[i], ipv, links[i] == PW_LINK_SLL ? 2 : 0);
      write_exchange(&w, &t, 1000.0);
      ck_assert(pw_close(&w));
      run_result r;
      run_file(&r, path, NULL);
      if (ipv == 6)
        check_exchange(&r, "[fd00::10]:43210", "[fd00::20]:8080");
      else
        check_exchange(&r, "10.1.1.10:43210", "10.1.1.20:8080");
      rec_free(&r.rec);
    }
  }
}
END_TEST

/* Two interleaved connections; a BPF filter keeps one. */
static void write_two(const char *path) {
  pw_file w;
  ck_assert(pw_open_pcap(&w, path, PW_LINK_ETHERNET, 0));
  pw_packet a = tmpl_of(PW_LINK_ETHERNET, 4, 0), b = a;
  b.dport = 9090;
  b.sport = 50000;
  pw_conv ca, cb;
  pw_conv_init(&ca, &w, &a, 1, 2, 10.0);
  pw_conv_init(&cb, &w, &b, 3, 4, 10.0005);
  ck_assert(pw_conv_handshake(&ca) && pw_conv_handshake(&cb));
  ck_assert(pw_conv_send(&ca, 0, "alpha", 5, 0) && pw_conv_send(&cb, 0, "bravo!", 6, 0));
  ck_assert(pw_conv_send(&cb, 1, "B", 1, 0) && pw_conv_send(&ca, 1, "A", 1, 0));
  ck_assert(pw_close(&w));
}

START_TEST(two_connections_and_bpf) {
  char path[256];
  pw_temp_path("two.pcap", path, sizeof path);
  write_two(path);
  run_result r;
  run_file(&r, path, NULL);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_str_eq(r.rec.log, "open 1 10.1.1.10:43210 10.1.1.20:8080 syn\n"
                              "open 2 10.1.1.10:50000 10.1.1.20:9090 syn\n"
                              "close 1 end 5/1\n"
                              "close 2 end 6/1\n");
  ck_assert_uint_eq(r.stats.packets, 10);
  rec_free(&r.rec);

  run_file(&r, path, "tcp port 9090");
  ck_assert_msg(r.rc == 0, "%s", r.err);
  ck_assert_str_eq(r.rec.log, "open 1 10.1.1.10:50000 10.1.1.20:9090 syn\n"
                              "close 1 end 6/1\n");
  ck_assert_uint_eq(r.stats.packets, 5);
  char *t = rec_text(&r.rec, 1, 0);
  ck_assert_str_eq(t, "bravo!");
  free(t);
  rec_free(&r.rec);

  run_file(&r, path, "tcp port (((");
  ck_assert_int_ne(r.rc, 0);
  ck_assert_msg(strstr(r.err, "bad filter") != NULL, "%s", r.err);
  rec_free(&r.rec);
}
END_TEST

START_TEST(stdin_dash) {
  char path[256];
  pw_temp_path("stdin.pcap", path, sizeof path);
  write_two(path);
  ck_assert(freopen(path, "rb", stdin) != NULL);
  run_result r;
  run_file(&r, "-", NULL);
  ck_assert_msg(r.rc == 0, "%s", r.err);
  ck_assert_str_eq(r.rec.log, "open 1 10.1.1.10:43210 10.1.1.20:8080 syn\n"
                              "open 2 10.1.1.10:50000 10.1.1.20:9090 syn\n"
                              "close 1 end 5/1\n"
                              "close 2 end 6/1\n");
  rec_free(&r.rec);
}
END_TEST

/* stdin through a pipe from another process (not seekable). */
START_TEST(stdin_pipe) {
  char path[256];
  pw_temp_path("pipe.pcapng", path, sizeof path);
  pw_file w;
  ck_assert(pw_open_pcapng(&w, path, PW_LINK_RAW, 0));
  pw_packet t = tmpl_of(PW_LINK_RAW, 4, 0);
  write_exchange(&w, &t, 5.0);
  ck_assert(pw_close(&w));
  int fds[2];
  ck_assert_int_eq(pipe(fds), 0);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    FILE *in = fopen(path, "rb");
    char buf[4096];
    size_t n;
    while (in && (n = fread(buf, 1, sizeof buf, in)) > 0) {
      if (write(fds[1], buf, n) != (ssize_t)n) break;
    }
    _exit(0);
  }
  close(fds[1]);
  ck_assert_int_ge(dup2(fds[0], 0), 0);
  close(fds[0]);
  clearerr(stdin);
  run_result r;
  run_file(&r, "-", NULL);
  waitpid(pid, NULL, 0);
  check_exchange(&r, "10.1.1.10:43210", "10.1.1.20:8080");
  rec_free(&r.rec);
}
END_TEST

START_TEST(unusable_inputs) {
  run_result r;
  run_file(&r, "/nonexistent/dir/x.pcap", NULL);
  ck_assert_int_ne(r.rc, 0);
  ck_assert_msg(strstr(r.err, "cannot read capture /nonexistent/dir/x.pcap") == r.err, "%s", r.err);
  ck_assert_str_eq(r.rec.log, "");
  rec_free(&r.rec);

  char path[256];
  pw_temp_path("text.pcap", path, sizeof path);
  FILE *f = fopen(path, "w");
  fputs("this is not a capture file, just some text that is long enough\n", f);
  fclose(f);
  run_file(&r, path, NULL);
  ck_assert_int_ne(r.rc, 0);
  ck_assert_msg(strstr(r.err, "unknown file format") != NULL, "%s", r.err);
  rec_free(&r.rec);

  pw_temp_path("empty.pcap", path, sizeof path);
  f = fopen(path, "w");
  fclose(f);
  run_file(&r, path, NULL);
  ck_assert_int_ne(r.rc, 0);
  ck_assert(r.err[0] != '\0');
  rec_free(&r.rec);

  rec_init(&r.rec);
  flow_consumer c = rec_consumer(&r.rec);
  capture_options o;
  capture_options_default(&o);
  o.iface = "h2scope-no-such-if0";
  r.rc = capture_run(&o, &c, &r.stats, r.err, sizeof r.err);
  ck_assert_int_ne(r.rc, 0);
  ck_assert_msg(strstr(r.err, "cannot capture on h2scope-no-such-if0") == r.err, "%s", r.err);
  o.iface = NULL;
  r.rc = capture_run(&o, &c, &r.stats, r.err, sizeof r.err);
  ck_assert_int_ne(r.rc, 0);
  ck_assert_str_eq(r.err, "no capture file or interface given");
  rec_free(&r.rec);
}
END_TEST

static size_t file_size(const char *path) {
  struct stat st;
  ck_assert_int_eq(stat(path, &st), 0);
  return (size_t)st.st_size;
}

static void copy_prefix(const char *from, const char *to, size_t n) {
  FILE *in = fopen(from, "rb");
  FILE *out = fopen(to, "wb");
  ck_assert(in && out);
  for (size_t i = 0; i < n; i++) {
    int ch = fgetc(in);
    if (ch == EOF) break;
    fputc(ch, out);
  }
  fclose(in);
  fclose(out);
}

/* A file cut at every length: a clean error when nothing usable is left,
 * otherwise the packets before the cut, every flow closed, never a crash. */
static void cut_everywhere(bool pcapng) {
  char path[256], cut[256];
  pw_temp_path(pcapng ? "full.pcapng" : "full.pcap", path, sizeof path);
  pw_temp_path(pcapng ? "cut.pcapng" : "cut.pcap", cut, sizeof cut);
  pw_file w;
  ck_assert(pcapng ? pw_open_pcapng(&w, path, PW_LINK_ETHERNET, 0)
                   : pw_open_pcap(&w, path, PW_LINK_ETHERNET, 0));
  pw_packet t = tmpl_of(PW_LINK_ETHERNET, 4, 0);
  write_exchange(&w, &t, 1.0);
  ck_assert(pw_close(&w));
  size_t size = file_size(path);
  size_t header = pcapng ? 48 : 24; /* SHB + IDB, or the file header */
  int errors = 0, partial = 0;
  for (size_t n = 0; n < size; n++) {
    copy_prefix(path, cut, n);
    run_result r;
    run_file(&r, cut, NULL);
    if (n < header) {
      ck_assert_msg(r.rc != 0, "cut at %zu accepted", n);
      ck_assert(r.err[0] != '\0');
      ck_assert_str_eq(r.rec.log, "");
      errors++;
    } else {
      ck_assert_msg(r.rc == 0, "cut at %zu: %s", n, r.err);
      ck_assert_int_eq(r.rec.open_flows, 0); /* every flow closed */
      ck_assert_int_eq(r.rec.errors, 0);
      ck_assert_uint_lt(r.stats.packets, 10);
      if (strstr(r.rec.log, "capture-file-error")) partial++;
    }
    rec_free(&r.rec);
  }
  ck_assert_int_eq(errors, (int)header);
  ck_assert_int_gt(partial, 0);
}

START_TEST(truncated_pcap_every_length) {
  cut_everywhere(false);
}
END_TEST

START_TEST(truncated_pcapng_every_length) {
  cut_everywhere(true);
}
END_TEST

START_TEST(truncated_record_reports_and_keeps_data) {
  char path[256], cut[256];
  pw_temp_path("tail.pcap", path, sizeof path);
  pw_temp_path("tail_cut.pcap", cut, sizeof cut);
  pw_file w;
  ck_assert(pw_open_pcap(&w, path, PW_LINK_RAW, 0));
  pw_packet t = tmpl_of(PW_LINK_RAW, 4, 0);
  pw_conv c;
  pw_conv_init(&c, &w, &t, 100, 200, 1.0);
  ck_assert(pw_conv_handshake(&c));
  ck_assert(pw_conv_send(&c, 0, "complete", 8, 0));
  ck_assert(pw_conv_send(&c, 0, "cut-off", 7, 0));
  ck_assert(pw_close(&w));
  copy_prefix(path, cut, file_size(path) - 3);
  run_result r;
  run_file(&r, cut, NULL);
  ck_assert_msg(r.rc == 0, "%s", r.err);
  ck_assert_str_eq(r.rec.log, "open 1 10.1.1.10:43210 10.1.1.20:8080 syn\n"
                              "notice 0 capture-file-error\n"
                              "close 1 end 8/0\n");
  ck_assert_uint_eq(r.stats.packets, 4);
  rec_free(&r.rec);
}
END_TEST

START_TEST(unsupported_linktype_file) {
  char path[256];
  pw_temp_path("user0.pcap", path, sizeof path);
  pw_file w;
  ck_assert(pw_open_pcap(&w, path, 147, 0)); /* LINKTYPE_USER0 */
  uint8_t junk[40] = {1, 2, 3};
  for (int i = 0; i < 5; i++)
    ck_assert(pw_write(&w, 1.0 + i, junk, sizeof junk, 0));
  ck_assert(pw_close(&w));
  run_result r;
  run_file(&r, path, NULL);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_str_eq(r.rec.log, "notice 0 unsupported-linktype\n");
  ck_assert_uint_eq(r.stats.unsupported_link, 5);
  ck_assert_uint_eq(r.stats.packets, 5);
  rec_free(&r.rec);
}
END_TEST

START_TEST(max_packets_option) {
  char path[256];
  pw_temp_path("max.pcap", path, sizeof path);
  write_two(path);
  run_result r;
  rec_init(&r.rec);
  flow_consumer c = rec_consumer(&r.rec);
  capture_options o;
  capture_options_default(&o);
  o.file = path;
  o.max_packets = 3;
  ck_assert_int_eq(capture_run(&o, &c, &r.stats, r.err, sizeof r.err), 0);
  ck_assert_uint_eq(r.stats.packets, 3);
  ck_assert(!r.stats.interrupted);
  ck_assert_str_eq(r.rec.log, "open 1 10.1.1.10:43210 10.1.1.20:8080 syn\n"
                              "close 1 end 0/0\n");
  rec_free(&r.rec);
}
END_TEST

/* capture_stop() from a consumer callback ends the run after that packet. */
static void stop_on_bytes(void *user, capture_flow *f, int dir, uint64_t offset,
                          const uint8_t *data, size_t len, double ts) {
  rec_on_bytes(user, f, dir, offset, data, len, ts);
  capture_stop();
}

START_TEST(capture_stop_from_callback) {
  char path[256];
  pw_temp_path("stop.pcap", path, sizeof path);
  write_two(path);
  run_result r;
  rec_init(&r.rec);
  flow_consumer c = rec_consumer(&r.rec);
  c.on_bytes = stop_on_bytes;
  capture_options o;
  capture_options_default(&o);
  o.file = path;
  ck_assert_int_eq(capture_run(&o, &c, &r.stats, r.err, sizeof r.err), 0);
  ck_assert(r.stats.interrupted);
  ck_assert_uint_eq(r.stats.packets, 7);
  ck_assert_str_eq(r.rec.log, "open 1 10.1.1.10:43210 10.1.1.20:8080 syn\n"
                              "open 2 10.1.1.10:50000 10.1.1.20:9090 syn\n"
                              "close 1 end 5/0\n"
                              "close 2 end 0/0\n");
  rec_free(&r.rec);
}
END_TEST

/* Live: capture on loopback while a child process talks TCP, then the
 * child sends SIGINT; capture_run returns normally with the flow closed. */
START_TEST(live_loopback_sigint) {
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(ls, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_int_eq(bind(ls, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(listen(ls, 4), 0);
  socklen_t alen = sizeof a;
  ck_assert_int_eq(getsockname(ls, (struct sockaddr *)&a, &alen), 0);
  unsigned port = ntohs(a.sin_port);

  /* SIGINT may be ignored when the suite runs as a background job; this
   * test wants the interactive case. */
  signal(SIGINT, SIG_DFL);
  pid_t parent = getpid();
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    struct timespec pause = {0, 700 * 1000 * 1000};
    nanosleep(&pause, NULL); /* let the capture start */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0) {
      if (write(s, "hello h2scope", 13) != 13) _exit(1);
    }
    nanosleep(&pause, NULL);
    kill(parent, SIGINT);
    _exit(0);
  }
  char bpf[64];
  snprintf(bpf, sizeof bpf, "tcp port %u", port);
  run_result r;
  rec_init(&r.rec);
  flow_consumer c = rec_consumer(&r.rec);
  capture_options o;
  capture_options_default(&o);
  o.iface = "lo";
  o.bpf = bpf;
  r.rc = capture_run(&o, &c, &r.stats, r.err, sizeof r.err);
  int status = 0;
  waitpid(pid, &status, 0);
  close(ls);
  if (r.rc != 0) {
    /* no permission to capture here: nothing more to check */
    fprintf(stderr, "live_loopback_sigint skipped: %s\n", r.err);
    rec_free(&r.rec);
    return;
  }
  ck_assert(r.stats.interrupted);
  ck_assert_int_eq(r.rec.open_flows, 0);
  char expect[160];
  snprintf(expect, sizeof expect, "open 1 127.0.0.1:");
  ck_assert_msg(strncmp(r.rec.log, expect, strlen(expect)) == 0, "%s", r.rec.log);
  snprintf(expect, sizeof expect, " 127.0.0.1:%u syn\n", port);
  ck_assert_msg(strstr(r.rec.log, expect) != NULL, "%s", r.rec.log);
  ck_assert_msg(strstr(r.rec.log, "close 1 end 13/0\n") != NULL, "%s", r.rec.log);
  char *t = rec_text(&r.rec, 1, 0);
  ck_assert_str_eq(t, "hello h2scope");
  free(t);
  /* the default SIGINT disposition is back */
  struct sigaction now;
  sigaction(SIGINT, NULL, &now);
  ck_assert(now.sa_handler == SIG_DFL);
  rec_free(&r.rec);
}
END_TEST

/* One exchange cut into two files of different formats and link types,
 * named so that name order is the wrong order, plus an empty file: the set
 * is put in time order (the empty file last) and read as one capture gives
 * the whole exchange, reassembled across the boundary. */
START_TEST(file_set_in_time_order_as_one_capture) {
  char first[256], second[256], empty[256];
  pw_temp_path("set_z_first.pcap", first, sizeof first);
  pw_temp_path("set_a_second.pcapng", second, sizeof second);
  pw_temp_path("set_0_empty.pcap", empty, sizeof empty);
  pw_file w1, w2, w3;
  ck_assert(pw_open_pcap(&w1, first, PW_LINK_ETHERNET, 0));
  ck_assert(pw_open_pcapng(&w2, second, PW_LINK_SLL2, 0));
  ck_assert(pw_open_pcap(&w3, empty, PW_LINK_ETHERNET, 0));
  ck_assert(pw_close(&w3));
  pw_packet t = tmpl_of(PW_LINK_ETHERNET, 4, 0);
  pw_conv c;
  pw_conv_init(&c, &w1, &t, 1000, 0xfffffff0u, 1700000300.0);
  ck_assert(pw_conv_handshake(&c));
  ck_assert(pw_conv_send_at(&c, 0, 10, REQUEST + 10, sizeof REQUEST - 1 - 10, 0x18));
  c.file = &w2; /* the rotation: the rest is in the next file */
  c.tmpl.linktype = PW_LINK_SLL2;
  ck_assert(pw_conv_send_at(&c, 0, 0, REQUEST, 10, 0x18));
  c.next_seq[0] += sizeof REQUEST - 1;
  ck_assert(pw_conv_send(&c, 1, RESPONSE, sizeof RESPONSE - 1, 0));
  ck_assert(pw_conv_fin(&c, 0));
  ck_assert(pw_conv_fin(&c, 1));
  ck_assert(pw_close(&w1));
  ck_assert(pw_close(&w2));

  const char *args[] = {empty, second, first};
  capture_file_set set;
  char err[256];
  ck_assert_msg(capture_file_set_build(&set, args, 3, err, sizeof err) == 0, "%s", err);
  ck_assert_uint_eq(set.count, 3);
  ck_assert_str_eq(set.paths[0], first);
  ck_assert_str_eq(set.paths[1], second);
  ck_assert_str_eq(set.paths[2], empty);

  run_result r;
  rec_init(&r.rec);
  flow_consumer fc = rec_consumer(&r.rec);
  capture_options o;
  capture_options_default(&o);
  o.files = (const char *const *)set.paths;
  o.nfiles = set.count;
  r.rc = capture_run(&o, &fc, &r.stats, r.err, sizeof r.err);
  check_exchange(&r, "10.1.1.10:43210", "10.1.1.20:8080");
  ck_assert_uint_eq(r.stats.files, 3);
  rec_free(&r.rec);

  /* The same files in name order are not one capture: the second half
   * comes first and the handshake after it. */
  const char *by_name[] = {second, first};
  rec_init(&r.rec);
  fc = rec_consumer(&r.rec);
  o.files = by_name;
  o.nfiles = 2;
  r.rc = capture_run(&o, &fc, &r.stats, r.err, sizeof r.err);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_msg(strstr(r.rec.log, "file-overlap") != NULL, "%s", r.rec.log);
  rec_free(&r.rec);
  capture_file_set_free(&set);

  /* A named file that is not a capture, and stdin among files, are refused. */
  const char *bad[] = {first, "/nonexistent/x.pcap"};
  ck_assert_int_ne(capture_file_set_build(&set, bad, 2, err, sizeof err), 0);
  ck_assert_msg(strstr(err, "/nonexistent/x.pcap") != NULL, "%s", err);
  const char *with_stdin[] = {first, "-"};
  ck_assert_int_ne(capture_file_set_build(&set, with_stdin, 2, err, sizeof err), 0);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("capture_run");
  TCase *t = tcase_create("files");
  tcase_set_timeout(t, 300);
  tcase_add_test(t, pcap_ethernet_vlan_ipv4);
  tcase_add_test(t, pcapng_sll2_ipv6);
  tcase_add_test(t, every_link_type_in_pcap_and_pcapng);
  tcase_add_test(t, two_connections_and_bpf);
  tcase_add_test(t, stdin_dash);
  tcase_add_test(t, stdin_pipe);
  tcase_add_test(t, unusable_inputs);
  tcase_add_test(t, truncated_pcap_every_length);
  tcase_add_test(t, truncated_pcapng_every_length);
  tcase_add_test(t, truncated_record_reports_and_keeps_data);
  tcase_add_test(t, unsupported_linktype_file);
  tcase_add_test(t, max_packets_option);
  tcase_add_test(t, capture_stop_from_callback);
  tcase_add_test(t, file_set_in_time_order_as_one_capture);
  suite_add_tcase(s, t);
  TCase *l = tcase_create("live");
  tcase_set_timeout(l, 60);
  tcase_add_test(l, live_loopback_sigint);
  suite_add_tcase(s, l);
  return s;
}

int main(void) {
  pw_tempdir(); /* created (and removed at exit) by this process */
  return run_suite(suite());
}
