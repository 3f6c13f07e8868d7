/* test_packet_decode.c — link/IP/TCP decoding: every link type × IPv4/IPv6
 * (options, extension headers) × VLAN tags decodes to the exact segment; a
 * packet cut at every length never crashes and is classified exactly; non-IP,
 * non-TCP, fragments, malformed headers and unsupported links are reported
 * (once) and counted by the engine. */
#include <check.h>

#include "run_suite.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_engine.h"
#include "capture_recorder.h"
#include "packet_decode.h"
#include "pcap_write.h"

static const uint8_t PAYLOAD[] = "GET / HTTP/1.1\r\n";

typedef struct variant {
  int linktype;
  bool null_big_endian;
  int vlan_tags;
  int ip_version;
  bool ip_options;
  int ipv6_ext;
  bool tcp_options;
} variant;

static pw_packet packet_of(const variant *v) {
  pw_packet p;
  memset(&p, 0, sizeof p);
  p.linktype = v->linktype;
  p.null_big_endian = v->null_big_endian;
  p.vlan_tags = v->vlan_tags;
  p.ip_version = v->ip_version;
  p.src = v->ip_version == 6 ? "2001:db8::1" : "192.0.2.1";
  p.dst = v->ip_version == 6 ? "2001:db8::2" : "192.0.2.2";
  p.sport = 51000;
  p.dport = 8080;
  p.seq = 0xdeadbeef;
  p.ack = 0x01020304;
  p.flags = 0x18;
  p.window = 1234;
  p.payload = PAYLOAD;
  p.payload_len = sizeof PAYLOAD - 1;
  p.ip_options = v->ip_options;
  p.ipv6_ext = v->ipv6_ext;
  p.tcp_options = v->tcp_options;
  return p;
}

/* Every variant the matrix covers. */
static size_t all_variants(variant *out, size_t cap) {
  static const int links[] = {PW_LINK_ETHERNET, PW_LINK_SLL, PW_LINK_SLL2, PW_LINK_NULL,
                              PW_LINK_NULL,     PW_LINK_LOOP, PW_LINK_RAW, PW_LINK_IPV4,
                              PW_LINK_IPV6};
  size_t n = 0;
  for (size_t li = 0; li < sizeof links / sizeof links[0]; li++) {
    int link = links[li];
    bool tags = link == PW_LINK_ETHERNET || link == PW_LINK_SLL || link == PW_LINK_SLL2;
    for (int ipv = 4; ipv <= 6; ipv += 2) {
      if ((link == PW_LINK_IPV4 && ipv != 4) || (link == PW_LINK_IPV6 && ipv != 6)) continue;
      for (int vlan = 0; vlan <= (tags ? 2 : 0); vlan++) {
        for (int ext = 0; ext < 2; ext++) {
          for (int topt = 0; topt < 2; topt++) {
            if (n == cap) return n;
            variant v = {link, li == 4, vlan, ipv, ipv == 4 && ext, 0, topt};
            if (ipv == 6 && ext)
              v.ipv6_ext =
                  PW_EXT_HOPOPTS | PW_EXT_ROUTING | PW_EXT_FRAGMENT | PW_EXT_DSTOPTS | PW_EXT_AH;
            out[n++] = v;
          }
        }
      }
    }
  }
  return n;
}

static void describe(const variant *v, char *buf, size_t cap) {
  snprintf(buf, cap, "link %d%s vlan %d ipv%d ext %d/%d tcpopt %d", v->linktype,
           v->null_big_endian ? " BE" : "", v->vlan_tags, v->ip_version, v->ip_options,
           v->ipv6_ext, v->tcp_options);
}

START_TEST(matrix_decodes_exactly) {
  variant vs[128];
  size_t nv = all_variants(vs, 128);
  ck_assert_uint_eq(nv, 112);
  for (size_t i = 0; i < nv; i++) {
    char what[96];
    describe(&vs[i], what, sizeof what);
    pw_packet p = packet_of(&vs[i]);
    uint8_t buf[512];
    size_t n = pw_build(&p, buf, sizeof buf);
    ck_assert_msg(n > 0, "build %s", what);
    packet_info info;
    packet_result r = packet_decode(p.linktype, buf, n, n, &info);
    ck_assert_msg(r == PACKET_TCP, "%s: %s", what, packet_result_name(r));
    ck_assert_int_eq(info.ip_version, vs[i].ip_version);
    ck_assert_uint_eq(info.sport, 51000);
    ck_assert_uint_eq(info.dport, 8080);
    ck_assert_uint_eq(info.seq, 0xdeadbeef);
    ck_assert_uint_eq(info.ack, 0x01020304);
    ck_assert_uint_eq(info.tcp_flags, 0x18);
    ck_assert_uint_eq(info.window, 1234);
    ck_assert_uint_eq(info.vlan_count, vs[i].vlan_tags);
    if (vs[i].vlan_tags) ck_assert_uint_eq(info.vlan_id, 100);
    ck_assert_uint_eq(info.payload_len, sizeof PAYLOAD - 1);
    ck_assert_uint_eq(info.payload_captured, sizeof PAYLOAD - 1);
    ck_assert(!info.truncated);
    ck_assert(memcmp(info.payload, PAYLOAD, sizeof PAYLOAD - 1) == 0);
    char src[64], dst[64];
    packet_format_endpoint(info.ip_version, info.src, info.sport, src, sizeof src);
    packet_format_endpoint(info.ip_version, info.dst, info.dport, dst, sizeof dst);
    if (vs[i].ip_version == 6) {
      ck_assert_str_eq(src, "[2001:db8::1]:51000");
      ck_assert_str_eq(dst, "[2001:db8::2]:8080");
    } else {
      ck_assert_str_eq(src, "192.0.2.1:51000");
      ck_assert_str_eq(dst, "192.0.2.2:8080");
    }
    ck_assert(info.has_mss == vs[i].tcp_options);
    if (vs[i].tcp_options) {
      ck_assert_uint_eq(info.mss, 1460);
      ck_assert(info.has_wscale);
      ck_assert_uint_eq(info.wscale, 7);
      ck_assert(info.sack_permitted);
      ck_assert(info.has_timestamps);
      ck_assert_uint_eq(info.ts_val, 1);
      ck_assert_uint_eq(info.ts_ecr, 0);
    }
    ck_assert(!info.options_malformed);
  }
}
END_TEST

/* Cut at every length: captured < wire gives TRUNCATED until the headers
 * are complete, then TCP with a truncated payload; a packet that is itself
 * short on the wire is MALFORMED until the headers fit. */
START_TEST(truncated_at_every_length) {
  variant vs[128];
  size_t nv = all_variants(vs, 128);
  for (size_t i = 0; i < nv; i++) {
    char what[96];
    describe(&vs[i], what, sizeof what);
    pw_packet p = packet_of(&vs[i]);
    uint8_t full[512];
    size_t n = pw_build(&p, full, sizeof full);
    size_t header_len = n - p.payload_len;
    for (size_t cut = 0; cut < n; cut++) {
      /* an exact-size heap copy so ASan catches any read past the cut */
      uint8_t *copy = malloc(cut ? cut : 1);
      memcpy(copy, full, cut);
      packet_info info;
      packet_result r = packet_decode(p.linktype, copy, cut, n, &info);
      if (cut < header_len) {
        ck_assert_msg(r == PACKET_TRUNCATED, "%s cut %zu: %s", what, cut, packet_result_name(r));
      } else {
        ck_assert_msg(r == PACKET_TCP, "%s cut %zu: %s", what, cut, packet_result_name(r));
        ck_assert(info.truncated);
        ck_assert_uint_eq(info.payload_len, p.payload_len);
        ck_assert_uint_eq(info.payload_captured, cut - header_len);
      }
      r = packet_decode(p.linktype, copy, cut, cut, &info);
      if (cut < header_len) {
        ck_assert_msg(r == PACKET_MALFORMED, "%s short %zu: %s", what, cut, packet_result_name(r));
      } else {
        ck_assert_msg(r == PACKET_TCP, "%s short %zu: %s", what, cut, packet_result_name(r));
        ck_assert(info.truncated); /* the IP length promised more */
        ck_assert_uint_eq(info.payload_captured, cut - header_len);
      }
      free(copy);
    }
  }
}
END_TEST

/* Random bytes after valid link headers: never a crash. */
START_TEST(garbage_never_crashes) {
  uint64_t s = 7;
  static const int links[] = {0, 1, 12, 101, 108, 113, 228, 229, 276};
  for (int iter = 0; iter < 20000; iter++) {
    size_t len = (size_t)(s % 200);
    uint8_t *buf = malloc(len ? len : 1);
    for (size_t i = 0; i < len; i++) {
      s ^= s << 13;
      s ^= s >> 7;
      s ^= s << 17;
      buf[i] = (uint8_t)s;
    }
    /* make IP-looking bytes likely */
    if (len > 20 && (iter & 1)) buf[iter % 3 == 0 ? 0 : 14] = (iter & 2) ? 0x45 : 0x60;
    packet_info info;
    int link = links[iter % 9];
    (void)packet_decode(link, buf, len, len + (size_t)(iter % 3), &info);
    free(buf);
  }
}
END_TEST

static packet_result decode_built(const pw_packet *p, packet_info *info) {
  static uint8_t buf[2048];
  size_t n = pw_build(p, buf, sizeof buf);
  ck_assert_uint_gt(n, 0);
  return packet_decode(p->linktype, buf, n, n, info);
}

START_TEST(non_ip_non_tcp_fragments) {
  variant v4 = {PW_LINK_ETHERNET, false, 1, 4, false, 0, false};
  variant v6 = {PW_LINK_ETHERNET, false, 0, 6, false, 0, false};
  packet_info info;

  pw_packet p = packet_of(&v4);
  p.ethertype = 0x0806; /* ARP */
  ck_assert_int_eq(decode_built(&p, &info), PACKET_NON_IP);
  ck_assert_uint_eq(info.ethertype, 0x0806);
  p.ethertype = 0x0040; /* an 802.3 length field: LLC follows */
  ck_assert_int_eq(decode_built(&p, &info), PACKET_NON_IP);
  variant vnull = {PW_LINK_NULL, false, 0, 4, false, 0, false};
  p = packet_of(&vnull);
  p.ethertype = 7; /* some other address family */
  ck_assert_int_eq(decode_built(&p, &info), PACKET_NON_IP);

  p = packet_of(&v4);
  p.ip_proto = 17; /* UDP */
  ck_assert_int_eq(decode_built(&p, &info), PACKET_NON_TCP);
  ck_assert_uint_eq(info.ip_proto, 17);
  p = packet_of(&v6);
  p.ip_proto = 50; /* ESP: encrypted, nothing to skip to */
  p.ipv6_ext = PW_EXT_HOPOPTS;
  ck_assert_int_eq(decode_built(&p, &info), PACKET_NON_TCP);
  ck_assert_uint_eq(info.ip_proto, 50);
  p.ip_proto = 59; /* No Next Header */
  ck_assert_int_eq(decode_built(&p, &info), PACKET_NON_TCP);

  p = packet_of(&v4);
  p.more_fragments = true;
  ck_assert_int_eq(decode_built(&p, &info), PACKET_IP_FRAGMENT);
  p.more_fragments = false;
  p.frag_offset = 185;
  ck_assert_int_eq(decode_built(&p, &info), PACKET_IP_FRAGMENT);
  p = packet_of(&v6);
  p.ipv6_ext = PW_EXT_FRAGMENT;
  p.more_fragments = true;
  ck_assert_int_eq(decode_built(&p, &info), PACKET_IP_FRAGMENT);
  p.more_fragments = false;
  p.frag_offset = 10;
  ck_assert_int_eq(decode_built(&p, &info), PACKET_IP_FRAGMENT);
  p.frag_offset = 0; /* atomic fragment: a whole packet */
  ck_assert_int_eq(decode_built(&p, &info), PACKET_TCP);
}
END_TEST

START_TEST(malformed_and_unsupported) {
  variant v4 = {PW_LINK_RAW, false, 0, 4, false, 0, false};
  pw_packet p = packet_of(&v4);
  uint8_t buf[256];
  size_t n = pw_build(&p, buf, sizeof buf);
  packet_info info;

  ck_assert(!packet_link_supported(147));
  ck_assert(packet_link_supported(1));
  ck_assert_int_eq(packet_decode(147, buf, n, n, &info), PACKET_UNSUPPORTED_LINK);

  uint8_t bad[256];
  memcpy(bad, buf, n);
  bad[0] = 0x44; /* IHL 4 < 5 */
  ck_assert_int_eq(packet_decode(PW_LINK_RAW, bad, n, n, &info), PACKET_MALFORMED);
  memcpy(bad, buf, n);
  bad[0] = 0x75; /* version 7 */
  ck_assert_int_eq(packet_decode(PW_LINK_RAW, bad, n, n, &info), PACKET_MALFORMED);
  ck_assert_int_eq(packet_decode(PW_LINK_IPV6, buf, n, n, &info), PACKET_MALFORMED);
  memcpy(bad, buf, n);
  bad[2] = 0;
  bad[3] = 10; /* total length below the header length */
  ck_assert_int_eq(packet_decode(PW_LINK_RAW, bad, n, n, &info), PACKET_MALFORMED);
  memcpy(bad, buf, n);
  bad[20 + 12] = 0x40; /* TCP data offset 4 */
  ck_assert_int_eq(packet_decode(PW_LINK_RAW, bad, n, n, &info), PACKET_MALFORMED);
  memcpy(bad, buf, n);
  bad[20 + 12] = 0xf0; /* TCP data offset 60 > segment */
  ck_assert_int_eq(packet_decode(PW_LINK_RAW, bad, n, n, &info), PACKET_MALFORMED);

  /* Ethernet with an IPv4 ethertype but an IPv6 header */
  variant ve = {PW_LINK_ETHERNET, false, 0, 6, false, 0, false};
  pw_packet pe = packet_of(&ve);
  size_t ne = pw_build(&pe, buf, sizeof buf);
  buf[12] = 0x08;
  buf[13] = 0x00;
  ck_assert_int_eq(packet_decode(PW_LINK_ETHERNET, buf, ne, ne, &info), PACKET_MALFORMED);

  /* a TCP option with a length running past the header: data still good */
  variant vo = {PW_LINK_RAW, false, 0, 4, false, 0, true};
  pw_packet po = packet_of(&vo);
  size_t no = pw_build(&po, buf, sizeof buf);
  buf[20 + 20 + 1] = 40; /* MSS option claims 40 bytes */
  ck_assert_int_eq(packet_decode(PW_LINK_RAW, buf, no, no, &info), PACKET_TCP);
  ck_assert(info.options_malformed);
  ck_assert_uint_eq(info.payload_len, sizeof PAYLOAD - 1);
}
END_TEST

START_TEST(ethernet_padding_and_tso_length) {
  variant v = {PW_LINK_ETHERNET, false, 0, 4, false, 0, false};
  pw_packet p = packet_of(&v);
  p.payload = NULL;
  p.payload_len = 0;
  uint8_t buf[128];
  memset(buf, 0xee, sizeof buf);
  size_t n = pw_build(&p, buf, sizeof buf);
  ck_assert_uint_eq(n, 54);
  packet_info info;
  /* the minimum frame is 60 bytes: 6 bytes of padding are not payload */
  ck_assert_int_eq(packet_decode(PW_LINK_ETHERNET, buf, 60, 60, &info), PACKET_TCP);
  ck_assert_uint_eq(info.payload_len, 0);
  ck_assert(!info.truncated);

  /* IPv4 total length 0 (TSO on the capturing host): runs to the frame end */
  p = packet_of(&v);
  n = pw_build(&p, buf, sizeof buf);
  buf[14 + 2] = 0;
  buf[14 + 3] = 0;
  ck_assert_int_eq(packet_decode(PW_LINK_ETHERNET, buf, n, n, &info), PACKET_TCP);
  ck_assert_uint_eq(info.payload_len, sizeof PAYLOAD - 1);
}
END_TEST

START_TEST(engine_counts_and_notices_once) {
  recorder rec;
  rec_init(&rec);
  flow_consumer c = rec_consumer(&rec);
  capture_stats st;
  memset(&st, 0, sizeof st);
  capture_engine e;
  ck_assert(capture_engine_init(&e, NULL, &c, &st));
  variant v = {PW_LINK_ETHERNET, false, 0, 4, false, 0, false};
  uint8_t buf[256];
  for (int i = 0; i < 3; i++) {
    pw_packet p = packet_of(&v);
    p.ethertype = 0x0806;
    size_t n = pw_build(&p, buf, sizeof buf);
    capture_engine_packet(&e, 1, buf, n, n, 1.0);
    p = packet_of(&v);
    p.ip_proto = 17;
    n = pw_build(&p, buf, sizeof buf);
    capture_engine_packet(&e, 1, buf, n, n, 1.0);
    p = packet_of(&v);
    p.more_fragments = true;
    n = pw_build(&p, buf, sizeof buf);
    capture_engine_packet(&e, 1, buf, n, n, 1.0);
    capture_engine_packet(&e, 147, buf, n, n, 1.0);
    p = packet_of(&v);
    n = pw_build(&p, buf, sizeof buf);
    capture_engine_packet(&e, 1, buf, 30, n, 1.0); /* headers cut */
    buf[14] = 0x41;                               /* IHL 1 */
    capture_engine_packet(&e, 1, buf, n, n, 1.0);
  }
  capture_engine_finish(&e);
  capture_engine_free(&e);
  ck_assert_str_eq(rec.log, "notice 0 non-ip\n"
                            "notice 0 non-tcp\n"
                            "notice 0 ip-fragment\n"
                            "notice 0 unsupported-linktype\n"
                            "notice 0 truncated-packet\n"
                            "notice 0 malformed-packet\n");
  ck_assert_uint_eq(st.packets, 18);
  ck_assert_uint_eq(st.non_ip, 3);
  ck_assert_uint_eq(st.non_tcp, 3);
  ck_assert_uint_eq(st.ip_fragments, 3);
  ck_assert_uint_eq(st.unsupported_link, 3);
  ck_assert_uint_eq(st.truncated, 3);
  ck_assert_uint_eq(st.malformed, 3);
  ck_assert_uint_eq(st.tcp_segments, 0);
  rec_free(&rec);
}
END_TEST

/* Every cut of every variant through the engine: counted, never a crash. */
START_TEST(engine_counts_every_truncation) {
  recorder rec;
  rec_init(&rec);
  flow_consumer c = rec_consumer(&rec);
  capture_stats st;
  memset(&st, 0, sizeof st);
  capture_engine e;
  ck_assert(capture_engine_init(&e, NULL, &c, &st));
  variant vs[128];
  size_t nv = all_variants(vs, 128);
  uint64_t cuts = 0;
  for (size_t i = 0; i < nv; i++) {
    pw_packet p = packet_of(&vs[i]);
    uint8_t full[512];
    size_t n = pw_build(&p, full, sizeof full);
    for (size_t cut = 0; cut < n; cut++, cuts++)
      capture_engine_packet(&e, p.linktype, full, cut, n, 2.0);
  }
  capture_engine_finish(&e);
  capture_engine_free(&e);
  ck_assert_uint_eq(st.packets, cuts);
  ck_assert_uint_eq(st.truncated, cuts);
  ck_assert_int_eq(rec.errors, 0);
  rec_free(&rec);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("packet_decode");
  TCase *t = tcase_create("decode");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, matrix_decodes_exactly);
  tcase_add_test(t, truncated_at_every_length);
  tcase_add_test(t, garbage_never_crashes);
  tcase_add_test(t, non_ip_non_tcp_fragments);
  tcase_add_test(t, malformed_and_unsupported);
  tcase_add_test(t, ethernet_padding_and_tso_length);
  tcase_add_test(t, engine_counts_and_notices_once);
  tcase_add_test(t, engine_counts_every_truncation);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
