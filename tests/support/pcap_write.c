/* pcap_write.c — test-only synthetic capture writer: builds link/IP/TCP
 * packets byte by byte and writes them as classic pcap or pcapng, so tests
 * control every sequence number, flag, header and truncation. */
#include "pcap_write.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A write position in an output buffer; ok turns false on overflow. */
typedef struct pw_buf {
  uint8_t *p;
  size_t len, cap;
  bool ok;
} pw_buf;

static void put_bytes(pw_buf *b, const void *data, size_t n) {
  if (!b->ok || n > b->cap - b->len) {
    b->ok = false;
    return;
  }
  if (n) memcpy(b->p + b->len, data, n);
  b->len += n;
}

static void put_u8(pw_buf *b, uint8_t v) {
  put_bytes(b, &v, 1);
}

static void put_u16(pw_buf *b, uint16_t v) {
  uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
  put_bytes(b, x, 2);
}

static void put_u32(pw_buf *b, uint32_t v) {
  uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
  put_bytes(b, x, 4);
}

static void put_zeros(pw_buf *b, size_t n) {
  for (size_t i = 0; i < n; i++) put_u8(b, 0);
}

static void set_u16(pw_buf *b, size_t at, uint16_t v) {
  if (!b->ok || at + 2 > b->len) return;
  b->p[at] = (uint8_t)(v >> 8);
  b->p[at + 1] = (uint8_t)v;
}

/* Internet checksum (RFC 1071) over a sum already started. */
static uint32_t sum_bytes(uint32_t sum, const uint8_t *p, size_t n) {
  for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t)(p[i] << 8 | p[i + 1]);
  if (n & 1) sum += (uint32_t)(p[n - 1] << 8);
  return sum;
}

static uint16_t fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

static void put_link_type_chain(pw_buf *b, const pw_packet *p, uint16_t final_type) {
  /* The protocol field of the link header was written by the caller as
   * the first TPID (or the final type when there are no tags). */
  for (int i = 0; i < p->vlan_tags; i++) {
    put_u16(b, (uint16_t)(100 + i)); /* TCI: VLAN id 100, 101, ... */
    if (i + 1 < p->vlan_tags) put_u16(b, 0x8100);
    else put_u16(b, final_type);
  }
}

static uint16_t first_link_type(const pw_packet *p, uint16_t final_type) {
  if (p->vlan_tags == 0) return final_type;
  return p->vlan_tags >= 2 ? 0x88a8 : 0x8100;
}

static void put_link(pw_buf *b, const pw_packet *p, int ip_version) {
  uint16_t type = p->ethertype ? p->ethertype : (ip_version == 6 ? 0x86dd : 0x0800);
  static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a}, mac_b[6] = {0x02, 0, 0, 0, 0, 0x0b};
  switch (p->linktype) {
  case PW_LINK_ETHERNET:
    put_bytes(b, mac_b, 6);
    put_bytes(b, mac_a, 6);
    put_u16(b, first_link_type(p, type));
    put_link_type_chain(b, p, type);
    break;
  case PW_LINK_SLL:
    put_u16(b, 0); /* packet for us */
    put_u16(b, 1); /* ARPHRD_ETHER */
    put_u16(b, 6);
    put_bytes(b, mac_a, 6);
    put_zeros(b, 2);
    put_u16(b, first_link_type(p, type));
    put_link_type_chain(b, p, type);
    break;
  case PW_LINK_SLL2:
    put_u16(b, first_link_type(p, type));
    put_u16(b, 0);
    put_u32(b, 1); /* interface index */
    put_u16(b, 1); /* ARPHRD_ETHER */
    put_u8(b, 0);
    put_u8(b, 6);
    put_bytes(b, mac_a, 6);
    put_zeros(b, 2);
    put_link_type_chain(b, p, type);
    break;
  case PW_LINK_NULL:
  case PW_LINK_LOOP: {
    uint32_t af = p->ethertype ? p->ethertype : (ip_version == 6 ? 30u : 2u);
    bool big = p->linktype == PW_LINK_LOOP || p->null_big_endian;
    if (big) {
      put_u32(b, af);
    } else {
      uint8_t x[4] = {(uint8_t)af, (uint8_t)(af >> 8), (uint8_t)(af >> 16), (uint8_t)(af >> 24)};
      put_bytes(b, x, 4);
    }
    break;
  }
  default: /* raw IP: no link header */
    break;
  }
}

static size_t tcp_header_len(const pw_packet *p) {
  return p->tcp_options ? 40 : 20;
}

static void put_tcp(pw_buf *b, const pw_packet *p, const uint8_t *src, const uint8_t *dst,
                    int ip_version) {
  size_t start = b->len;
  size_t hlen = tcp_header_len(p);
  put_u16(b, p->sport);
  put_u16(b, p->dport);
  put_u32(b, p->seq);
  put_u32(b, p->ack);
  put_u8(b, (uint8_t)((hlen / 4) << 4));
  put_u8(b, p->flags);
  put_u16(b, p->window ? p->window : 65535);
  put_u16(b, 0); /* checksum, filled below */
  put_u16(b, 0);
  if (p->tcp_options) {
    static const uint8_t opts[20] = {2, 4, 0x05, 0xb4,          /* MSS 1460 */
                                     4, 2,                      /* SACK permitted */
                                     8, 10, 0, 0, 0, 1, 0, 0, 0, 0, /* timestamps */
                                     1,                         /* NOP */
                                     3, 3, 7};                  /* window scale 7 */
    put_bytes(b, opts, sizeof opts);
  }
  put_bytes(b, p->payload, p->payload_len);
  if (!b->ok) return;
  size_t seg_len = b->len - start;
  size_t alen = ip_version == 6 ? 16 : 4;
  uint32_t sum = sum_bytes(0, src, alen);
  sum = sum_bytes(sum, dst, alen);
  sum += 6;
  sum += (uint32_t)seg_len;
  sum = sum_bytes(sum, b->p + start, seg_len);
  set_u16(b, start + 16, fold(sum));
}

static void put_transport(pw_buf *b, const pw_packet *p, const uint8_t *src, const uint8_t *dst,
                          int ip_version) {
  if (p->ip_proto && p->ip_proto != 6) put_bytes(b, p->payload, p->payload_len);
  else put_tcp(b, p, src, dst, ip_version);
}

static size_t transport_len(const pw_packet *p) {
  if (p->ip_proto && p->ip_proto != 6) return p->payload_len;
  return tcp_header_len(p) + p->payload_len;
}

static void put_ipv4(pw_buf *b, const pw_packet *p) {
  uint8_t src[4] = {0}, dst[4] = {0};
  if (inet_pton(AF_INET, p->src, src) != 1 || inet_pton(AF_INET, p->dst, dst) != 1) {
    b->ok = false;
    return;
  }
  size_t start = b->len;
  size_t hlen = p->ip_options ? 28 : 20;
  uint16_t frag = (uint16_t)(p->frag_offset & 0x1fff);
  if (p->more_fragments) frag |= 0x2000;
  if (!p->more_fragments && p->frag_offset == 0) frag |= 0x4000; /* DF */
  put_u8(b, (uint8_t)(0x40 | (hlen / 4)));
  put_u8(b, 0);
  put_u16(b, (uint16_t)(hlen + transport_len(p)));
  put_u16(b, 0x1234);
  put_u16(b, frag);
  put_u8(b, 64);
  put_u8(b, (uint8_t)(p->ip_proto ? p->ip_proto : 6));
  put_u16(b, 0);
  put_bytes(b, src, 4);
  put_bytes(b, dst, 4);
  if (p->ip_options) {
    static const uint8_t opts[8] = {1, 1, 1, 1, 1, 1, 1, 0};
    put_bytes(b, opts, sizeof opts);
  }
  if (b->ok) set_u16(b, start + 10, fold(sum_bytes(0, b->p + start, hlen)));
  put_transport(b, p, src, dst, 4);
}

static size_t ipv6_ext_len(const pw_packet *p) {
  size_t n = 0;
  if (p->ipv6_ext & PW_EXT_HOPOPTS) n += 8;
  if (p->ipv6_ext & PW_EXT_ROUTING) n += 24;
  if (p->ipv6_ext & PW_EXT_FRAGMENT) n += 8;
  if (p->ipv6_ext & PW_EXT_DSTOPTS) n += 16;
  if (p->ipv6_ext & PW_EXT_AH) n += 16;
  return n;
}

/* The next-header value after extension header bit `after` (0 = after
 * the fixed header). */
static uint8_t next_header_after(const pw_packet *p, int after) {
  static const int order[] = {PW_EXT_HOPOPTS, PW_EXT_ROUTING, PW_EXT_FRAGMENT, PW_EXT_DSTOPTS,
                              PW_EXT_AH};
  static const uint8_t numbers[] = {0, 43, 44, 60, 51};
  bool passed = after == 0;
  for (int i = 0; i < 5; i++) {
    if (passed && (p->ipv6_ext & order[i])) return numbers[i];
    if (order[i] == after) passed = true;
  }
  return (uint8_t)(p->ip_proto ? p->ip_proto : 6);
}

static void put_ipv6(pw_buf *b, const pw_packet *p) {
  uint8_t src[16], dst[16];
  if (inet_pton(AF_INET6, p->src, src) != 1 || inet_pton(AF_INET6, p->dst, dst) != 1) {
    b->ok = false;
    return;
  }
  put_u32(b, 0x60000000u);
  put_u16(b, (uint16_t)(ipv6_ext_len(p) + transport_len(p)));
  put_u8(b, next_header_after(p, 0));
  put_u8(b, 64);
  put_bytes(b, src, 16);
  put_bytes(b, dst, 16);
  if (p->ipv6_ext & PW_EXT_HOPOPTS) {
    put_u8(b, next_header_after(p, PW_EXT_HOPOPTS));
    put_u8(b, 0);
    put_u8(b, 1); /* PadN */
    put_u8(b, 4);
    put_zeros(b, 4);
  }
  if (p->ipv6_ext & PW_EXT_ROUTING) {
    put_u8(b, next_header_after(p, PW_EXT_ROUTING));
    put_u8(b, 2); /* 24 bytes */
    put_u8(b, 0); /* type 0 */
    put_u8(b, 0); /* segments left */
    put_zeros(b, 4);
    put_bytes(b, dst, 16);
  }
  if (p->ipv6_ext & PW_EXT_FRAGMENT) {
    put_u8(b, next_header_after(p, PW_EXT_FRAGMENT));
    put_u8(b, 0);
    put_u16(b, (uint16_t)((p->frag_offset << 3) | (p->more_fragments ? 1 : 0)));
    put_u32(b, 0xabcd);
  }
  if (p->ipv6_ext & PW_EXT_DSTOPTS) {
    put_u8(b, next_header_after(p, PW_EXT_DSTOPTS));
    put_u8(b, 1); /* 16 bytes */
    put_u8(b, 1); /* PadN */
    put_u8(b, 12);
    put_zeros(b, 12);
  }
  if (p->ipv6_ext & PW_EXT_AH) {
    put_u8(b, next_header_after(p, PW_EXT_AH));
    put_u8(b, 2); /* (2 + 2) * 4 = 16 bytes */
    put_zeros(b, 2);
    put_u32(b, 0x100); /* SPI */
    put_u32(b, 1);     /* sequence */
    put_u32(b, 0);     /* ICV */
  }
  put_transport(b, p, src, dst, 6);
}

size_t pw_build(const pw_packet *p, uint8_t *out, size_t cap) {
  pw_buf b = {out, 0, cap, true};
  int ip_version = p->ip_version ? p->ip_version : 4;
  put_link(&b, p, ip_version);
  if (p->ethertype) put_bytes(&b, p->payload, p->payload_len);
  else if (ip_version == 6) put_ipv6(&b, p);
  else put_ipv4(&b, p);
  return b.ok ? b.len : 0;
}

/* File writers: integers in host byte order (readers detect it from the
 * magic numbers). */
static bool write_raw(pw_file *w, const void *data, size_t n) {
  return n == 0 || fwrite(data, 1, n, w->f) == n;
}

static bool write_u32(pw_file *w, uint32_t v) {
  return write_raw(w, &v, 4);
}

static bool write_u16(pw_file *w, uint16_t v) {
  return write_raw(w, &v, 2);
}

bool pw_open_pcap(pw_file *w, const char *path, int linktype, uint32_t snaplen) {
  w->pcapng = false;
  w->f = fopen(path, "wb");
  if (!w->f) return false;
  return write_u32(w, 0xa1b2c3d4u) && write_u16(w, 2) && write_u16(w, 4) && write_u32(w, 0) &&
         write_u32(w, 0) && write_u32(w, snaplen ? snaplen : 262144) &&
         write_u32(w, (uint32_t)linktype);
}

bool pw_open_pcapng(pw_file *w, const char *path, int linktype, uint32_t snaplen) {
  w->pcapng = true;
  w->f = fopen(path, "wb");
  if (!w->f) return false;
  /* Section Header Block: type, length, byte-order magic, version 1.0,
   * section length unknown (-1), length again. */
  bool ok = write_u32(w, 0x0a0d0d0au) && write_u32(w, 28) && write_u32(w, 0x1a2b3c4du) &&
            write_u16(w, 1) && write_u16(w, 0) && write_u32(w, 0xffffffffu) &&
            write_u32(w, 0xffffffffu) && write_u32(w, 28);
  /* Interface Description Block, no options: microsecond timestamps. */
  ok = ok && write_u32(w, 1) && write_u32(w, 20) && write_u16(w, (uint16_t)linktype) &&
       write_u16(w, 0) && write_u32(w, snaplen ? snaplen : 262144) && write_u32(w, 20);
  return ok;
}

bool pw_write(pw_file *w, double ts, const uint8_t *data, size_t caplen, size_t orig_len) {
  if (orig_len == 0) orig_len = caplen;
  uint64_t usec = (uint64_t)(ts * 1e6 + 0.5);
  if (!w->pcapng) {
    return write_u32(w, (uint32_t)(usec / 1000000)) && write_u32(w, (uint32_t)(usec % 1000000)) &&
           write_u32(w, (uint32_t)caplen) && write_u32(w, (uint32_t)orig_len) &&
           write_raw(w, data, caplen);
  }
  /* Enhanced Packet Block, data padded to 32 bits. */
  size_t pad = (4 - caplen % 4) % 4;
  uint32_t total = (uint32_t)(32 + caplen + pad);
  static const uint8_t zeros[4] = {0};
  return write_u32(w, 6) && write_u32(w, total) && write_u32(w, 0) &&
         write_u32(w, (uint32_t)(usec >> 32)) && write_u32(w, (uint32_t)usec) &&
         write_u32(w, (uint32_t)caplen) && write_u32(w, (uint32_t)orig_len) &&
         write_raw(w, data, caplen) && write_raw(w, zeros, pad) && write_u32(w, total);
}

bool pw_close(pw_file *w) {
  if (!w->f) return false;
  bool ok = fclose(w->f) == 0;
  w->f = NULL;
  return ok;
}

bool pw_write_packet(pw_file *w, double ts, const pw_packet *p, size_t snaplen) {
  uint8_t buf[70000];
  size_t n = pw_build(p, buf, sizeof buf);
  if (n == 0) return false;
  size_t cap = snaplen && snaplen < n ? snaplen : n;
  return pw_write(w, ts, buf, cap, n);
}

/* Temporary directory, removed by the process that created it. */
static char g_tempdir[64];
static pid_t g_tempdir_owner;

static void remove_tempdir(void) {
  if (!g_tempdir[0] || getpid() != g_tempdir_owner) return;
  DIR *d = opendir(g_tempdir);
  if (d) {
    struct dirent *ent;
    char path[512];
    while ((ent = readdir(d)) != NULL) {
      if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) continue;
      snprintf(path, sizeof path, "%s/%s", g_tempdir, ent->d_name);
      unlink(path);
    }
    closedir(d);
  }
  rmdir(g_tempdir);
}

const char *pw_tempdir(void) {
  if (!g_tempdir[0]) {
    snprintf(g_tempdir, sizeof g_tempdir, "/tmp/h2scope-test-XXXXXX");
    if (!mkdtemp(g_tempdir)) {
      g_tempdir[0] = '\0';
      return "/tmp";
    }
    g_tempdir_owner = getpid();
    atexit(remove_tempdir);
  }
  return g_tempdir;
}

char *pw_temp_path(const char *name, char *buf, size_t cap) {
  snprintf(buf, cap, "%s/%s", pw_tempdir(), name);
  return buf;
}

/* Conversation helper. */
void pw_conv_init(pw_conv *c, pw_file *file, const pw_packet *tmpl, uint32_t client_isn,
                  uint32_t server_isn, double start_ts) {
  memset(c, 0, sizeof *c);
  c->file = file;
  c->tmpl = *tmpl;
  c->isn[0] = client_isn;
  c->isn[1] = server_isn;
  c->next_seq[0] = client_isn + 1;
  c->next_seq[1] = server_isn + 1;
  c->ts = start_ts;
  c->ts_step = 0.001;
}

static bool conv_emit(pw_conv *c, int side, uint32_t seq, uint32_t ack, uint8_t flags,
                      const void *data, size_t len) {
  pw_packet p = c->tmpl;
  if (side == 1) {
    p.src = c->tmpl.dst;
    p.dst = c->tmpl.src;
    p.sport = c->tmpl.dport;
    p.dport = c->tmpl.sport;
  }
  p.seq = seq;
  p.ack = (flags & 0x10) ? ack : 0;
  p.flags = flags;
  p.payload = data;
  p.payload_len = len;
  bool ok = pw_write_packet(c->file, c->ts, &p, 0);
  c->ts += c->ts_step > 0 ? c->ts_step : 0.001;
  return ok;
}

bool pw_conv_handshake(pw_conv *c) {
  return conv_emit(c, 0, c->isn[0], 0, 0x02, NULL, 0) &&
         conv_emit(c, 1, c->isn[1], c->isn[0] + 1, 0x12, NULL, 0) &&
         conv_emit(c, 0, c->isn[0] + 1, c->isn[1] + 1, 0x10, NULL, 0);
}

bool pw_conv_send(pw_conv *c, int side, const void *data, size_t len, uint8_t extra_flags) {
  bool ok = conv_emit(c, side, c->next_seq[side], c->next_seq[1 - side],
                      (uint8_t)(0x18 | extra_flags), data, len);
  c->next_seq[side] += (uint32_t)len;
  if (extra_flags & 0x01) c->next_seq[side] += 1;
  return ok;
}

bool pw_conv_send_at(pw_conv *c, int side, uint32_t rel_offset, const void *data, size_t len,
                     uint8_t flags) {
  return conv_emit(c, side, c->isn[side] + 1 + rel_offset, c->next_seq[1 - side], flags, data,
                   len);
}

bool pw_conv_fin(pw_conv *c, int side) {
  bool ok = conv_emit(c, side, c->next_seq[side], c->next_seq[1 - side], 0x11, NULL, 0);
  c->next_seq[side] += 1;
  return ok && conv_emit(c, 1 - side, c->next_seq[1 - side], c->next_seq[side], 0x10, NULL, 0);
}

bool pw_conv_flags(pw_conv *c, int side, uint8_t flags) {
  return conv_emit(c, side, c->next_seq[side], c->next_seq[1 - side], flags, NULL, 0);
}
