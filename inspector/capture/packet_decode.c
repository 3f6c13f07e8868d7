/* packet_decode.c — decodes one captured packet down to its TCP segment:
 * link layer → IPv4/IPv6 → TCP, every read bounds-checked through h2_cursor.
 * Two lengths run side by side: what was captured (the cursor) and what the
 * packet had on the wire; a payload the snap length cut is reported as
 * truncated, a header cut short makes the whole packet truncated. */
#include "packet_decode.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "h2/cursor.h"

/* Link types as pcap_datalink() reports them on this platform (pcap/dlt.h,
 * https://www.tcpdump.org/linktypes.html). */
enum {
  LINK_NULL = 0,        /* DLT_NULL: BSD loopback, 4-byte AF in host byte order */
  LINK_ETHERNET = 1,    /* DLT_EN10MB */
  LINK_RAW = 12,        /* DLT_RAW on most platforms */
  LINK_RAW_BSDOS = 14,  /* DLT_RAW on BSD/OS */
  LINK_RAW_LT = 101,    /* LINKTYPE_RAW, when not mapped to DLT_RAW */
  LINK_LOOP = 108,      /* DLT_LOOP: OpenBSD loopback, AF in network byte order */
  LINK_SLL = 113,       /* DLT_LINUX_SLL: Linux cooked v1 */
  LINK_IPV4 = 228,      /* DLT_IPV4 */
  LINK_IPV6 = 229,      /* DLT_IPV6 */
  LINK_SLL2 = 276,      /* DLT_LINUX_SLL2: Linux cooked v2 */
};

enum {
  ETHERTYPE_IPV4 = 0x0800,
  ETHERTYPE_IPV6 = 0x86dd,
  ETHERTYPE_VLAN = 0x8100,   /* IEEE 802.1Q C-tag */
  ETHERTYPE_QINQ = 0x88a8,   /* IEEE 802.1ad S-tag */
  ETHERTYPE_QINQ_OLD = 0x9100,
  ETHERTYPE_MIN = 0x0600,    /* below: an IEEE 802.3 length field, LLC follows */
};

enum {
  IPPROTO_NUM_HOPOPTS = 0,
  IPPROTO_NUM_TCP = 6,
  IPPROTO_NUM_ROUTING = 43,
  IPPROTO_NUM_FRAGMENT = 44,
  IPPROTO_NUM_AH = 51,
  IPPROTO_NUM_DSTOPTS = 60,
  IPPROTO_NUM_MOBILITY = 135,
  IPPROTO_NUM_HIP = 139,
  IPPROTO_NUM_SHIM6 = 140,
};

/* More VLAN tags or IPv6 extension headers than this is not a real packet. */
enum { MAX_VLAN_TAGS = 8, MAX_IPV6_EXT_HEADERS = 16 };

/* Decode state: the captured bytes left (cursor) and the bytes the packet
 * had on the wire from the same position on. */
typedef struct decode_pos {
  h2_cursor c;
  size_t wire_left;
} decode_pos;

/* Consumes n header bytes. A header that does not fit the captured bytes is
 * truncated if the wire had it, malformed if not even the wire had it. */
static packet_result take_header(decode_pos *d, size_t n, h2_cursor *hdr) {
  if (d->wire_left < n) return PACKET_MALFORMED;
  if (!h2_cursor_get_sub(&d->c, n, hdr)) return PACKET_TRUNCATED;
  d->wire_left -= n;
  return PACKET_TCP;
}

bool packet_link_supported(int linktype) {
  switch (linktype) {
  case LINK_NULL:
  case LINK_ETHERNET:
  case LINK_RAW:
  case LINK_RAW_BSDOS:
  case LINK_RAW_LT:
  case LINK_LOOP:
  case LINK_SLL:
  case LINK_IPV4:
  case LINK_IPV6:
  case LINK_SLL2:
    return true;
  default:
    return false;
  }
}

const char *packet_result_name(packet_result r) {
  switch (r) {
  case PACKET_TCP:
    return "tcp";
  case PACKET_NON_IP:
    return "non-ip";
  case PACKET_NON_TCP:
    return "non-tcp";
  case PACKET_UNSUPPORTED_LINK:
    return "unsupported-linktype";
  case PACKET_TRUNCATED:
    return "truncated";
  case PACKET_MALFORMED:
    return "malformed";
  case PACKET_IP_FRAGMENT:
    return "ip-fragment";
  }
  return "?";
}

void packet_format_endpoint(int ip_version, const uint8_t addr[16], uint16_t port, char *buf,
                            size_t bufcap) {
  char ip[INET6_ADDRSTRLEN];
  if (ip_version == 6) {
    if (!inet_ntop(AF_INET6, addr, ip, sizeof ip)) ip[0] = '\0';
    snprintf(buf, bufcap, "[%s]:%u", ip, (unsigned)port);
  } else {
    if (!inet_ntop(AF_INET, addr, ip, sizeof ip)) ip[0] = '\0';
    snprintf(buf, bufcap, "%s:%u", ip, (unsigned)port);
  }
}

/* Skips 802.1Q / 802.1ad tags after an ethertype field (IEEE 802.1Q §9). */
static packet_result skip_vlan_tags(decode_pos *d, uint16_t *ethertype, packet_info *info) {
  while (*ethertype == ETHERTYPE_VLAN || *ethertype == ETHERTYPE_QINQ ||
         *ethertype == ETHERTYPE_QINQ_OLD) {
    if (info->vlan_count >= MAX_VLAN_TAGS) return PACKET_MALFORMED;
    h2_cursor tag;
    packet_result r = take_header(d, 4, &tag);
    if (r != PACKET_TCP) return r;
    uint16_t tci = 0;
    (void)h2_cursor_get_u16(&tag, &tci);
    (void)h2_cursor_get_u16(&tag, ethertype);
    if (info->vlan_count == 0) info->vlan_id = tci & 0x0fff;
    info->vlan_count++;
  }
  info->ethertype = *ethertype;
  return PACKET_TCP;
}

static int ip_version_of_ethertype(uint16_t ethertype) {
  if (ethertype == ETHERTYPE_IPV4) return 4;
  if (ethertype == ETHERTYPE_IPV6) return 6;
  return 0;
}

/* Peeks the IP version nibble (raw IP link types). */
static int ip_version_of_first_byte(const decode_pos *d) {
  uint8_t b = 0;
  if (!h2_cursor_peek_u8(&d->c, &b)) return -1;
  return b >> 4;
}

/* Link layer: leaves d at the IP header; *ip_version is 4, 6 or 0 (non-IP). */
static packet_result decode_link(int linktype, decode_pos *d, int *ip_version,
                                 packet_info *info) {
  h2_cursor hdr;
  packet_result r;
  uint16_t ethertype = 0;
  *ip_version = 0;
  switch (linktype) {
  case LINK_ETHERNET: /* dst MAC, src MAC, ethertype */
    r = take_header(d, 14, &hdr);
    if (r != PACKET_TCP) return r;
    (void)h2_cursor_skip(&hdr, 12);
    (void)h2_cursor_get_u16(&hdr, &ethertype);
    r = skip_vlan_tags(d, &ethertype, info);
    if (r != PACKET_TCP) return r;
    *ip_version = ip_version_of_ethertype(ethertype);
    return PACKET_TCP;
  case LINK_SLL: /* packet type, ARPHRD, address length, address[8], protocol */
    r = take_header(d, 16, &hdr);
    if (r != PACKET_TCP) return r;
    (void)h2_cursor_skip(&hdr, 14);
    (void)h2_cursor_get_u16(&hdr, &ethertype);
    r = skip_vlan_tags(d, &ethertype, info);
    if (r != PACKET_TCP) return r;
    *ip_version = ip_version_of_ethertype(ethertype);
    return PACKET_TCP;
  case LINK_SLL2: /* protocol, reserved, ifindex, ARPHRD, packet type, addr len, addr[8] */
    r = take_header(d, 20, &hdr);
    if (r != PACKET_TCP) return r;
    (void)h2_cursor_get_u16(&hdr, &ethertype);
    r = skip_vlan_tags(d, &ethertype, info);
    if (r != PACKET_TCP) return r;
    *ip_version = ip_version_of_ethertype(ethertype);
    return PACKET_TCP;
  case LINK_NULL:
  case LINK_LOOP: {
    /* The address family is in the capturing host's byte order (DLT_NULL) or
     * network order (DLT_LOOP); files move between hosts, so accept both. */
    r = take_header(d, 4, &hdr);
    if (r != PACKET_TCP) return r;
    uint32_t be = 0;
    (void)h2_cursor_get_u32(&hdr, &be);
    uint32_t le = ((be & 0xffu) << 24) | ((be & 0xff00u) << 8) | ((be >> 8) & 0xff00u) |
                  (be >> 24);
    uint32_t family = be <= 0xffff ? be : le;
    info->ethertype = (uint16_t)family;
    if (family == 2) *ip_version = 4;                      /* AF_INET everywhere */
    else if (family == 10 || family == 24 || family == 28 || family == 30)
      *ip_version = 6; /* AF_INET6: Linux, Net/OpenBSD, FreeBSD, Darwin */
    return PACKET_TCP;
  }
  case LINK_RAW:
  case LINK_RAW_BSDOS:
  case LINK_RAW_LT:
  case LINK_IPV4:
  case LINK_IPV6: {
    int v = ip_version_of_first_byte(d);
    if (v < 0) return d->wire_left > 0 ? PACKET_TRUNCATED : PACKET_MALFORMED;
    if (v != 4 && v != 6) return PACKET_MALFORMED;
    if ((linktype == LINK_IPV4 && v != 4) || (linktype == LINK_IPV6 && v != 6))
      return PACKET_MALFORMED;
    *ip_version = v;
    info->ethertype = v == 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
    return PACKET_TCP;
  }
  default:
    return PACKET_UNSUPPORTED_LINK;
  }
}

/* Restricts d to the first n bytes on the wire (the IP datagram length):
 * drops link-layer padding and trailers. Returns false if the wire had fewer. */
static bool limit_to(decode_pos *d, size_t n) {
  bool fits = n <= d->wire_left;
  if (n < d->wire_left) d->wire_left = n;
  if (n < d->c.left) d->c.left = n;
  return fits;
}

/* IPv4 header (RFC 791 §3.1). Leaves d at the transport header. */
static packet_result decode_ipv4(decode_pos *d, packet_info *info, bool *short_on_wire) {
  h2_cursor hdr;
  packet_result r = take_header(d, 20, &hdr);
  if (r != PACKET_TCP) return r;
  uint8_t ver_ihl = 0, tos = 0, ttl = 0, proto = 0;
  uint16_t total_len = 0, ident = 0, frag = 0, csum = 0;
  (void)h2_cursor_get_u8(&hdr, &ver_ihl);
  (void)h2_cursor_get_u8(&hdr, &tos);
  (void)h2_cursor_get_u16(&hdr, &total_len);
  (void)h2_cursor_get_u16(&hdr, &ident);
  (void)h2_cursor_get_u16(&hdr, &frag);
  (void)h2_cursor_get_u8(&hdr, &ttl);
  (void)h2_cursor_get_u8(&hdr, &proto);
  (void)h2_cursor_get_u16(&hdr, &csum);
  const uint8_t *src = NULL, *dst = NULL;
  (void)h2_cursor_get_bytes(&hdr, 4, &src);
  (void)h2_cursor_get_bytes(&hdr, 4, &dst);
  info->ip_version = 4;
  info->ip_proto = proto;
  if ((ver_ihl >> 4) != 4) return PACKET_MALFORMED;
  size_t header_len = (size_t)(ver_ihl & 0x0f) * 4;
  if (header_len < 20) return PACKET_MALFORMED;
  memset(info->src, 0, sizeof info->src);
  memset(info->dst, 0, sizeof info->dst);
  memcpy(info->src, src, 4);
  memcpy(info->dst, dst, 4);
  /* A total length of 0 is what captures of TCP segmentation offload show
   * on the sending host: the datagram runs to the end of the frame. */
  size_t datagram_len = total_len == 0 ? d->wire_left + 20 : total_len;
  if (datagram_len < header_len) return PACKET_MALFORMED;
  /* Options (RFC 791 §3.1) are skipped as a block. */
  h2_cursor options;
  r = take_header(d, header_len - 20, &options);
  if (r != PACKET_TCP) return r;
  *short_on_wire = !limit_to(d, datagram_len - header_len);
  /* MF set or a non-zero offset: a fragment (RFC 791 §2.3). */
  if ((frag & 0x2000) || (frag & 0x1fff)) return PACKET_IP_FRAGMENT;
  return PACKET_TCP;
}

/* IPv6 header (RFC 8200 §3) and extension headers (RFC 8200 §4). Leaves d
 * at the upper-layer header, info->ip_proto naming it. */
static packet_result decode_ipv6(decode_pos *d, packet_info *info, bool *short_on_wire) {
  h2_cursor hdr;
  packet_result r = take_header(d, 40, &hdr);
  if (r != PACKET_TCP) return r;
  uint32_t ver_class_flow = 0;
  uint16_t payload_len = 0;
  uint8_t next = 0, hop_limit = 0;
  (void)h2_cursor_get_u32(&hdr, &ver_class_flow);
  (void)h2_cursor_get_u16(&hdr, &payload_len);
  (void)h2_cursor_get_u8(&hdr, &next);
  (void)h2_cursor_get_u8(&hdr, &hop_limit);
  const uint8_t *src = NULL, *dst = NULL;
  (void)h2_cursor_get_bytes(&hdr, 16, &src);
  (void)h2_cursor_get_bytes(&hdr, 16, &dst);
  info->ip_version = 6;
  info->ip_proto = next;
  if ((ver_class_flow >> 28) != 6) return PACKET_MALFORMED;
  memcpy(info->src, src, 16);
  memcpy(info->dst, dst, 16);
  /* Payload length 0 means a jumbogram (RFC 2675) or TSO: to the frame end. */
  *short_on_wire = payload_len != 0 && !limit_to(d, payload_len);
  for (int n = 0;; n++) {
    if (n > MAX_IPV6_EXT_HEADERS) return PACKET_MALFORMED;
    info->ip_proto = next;
    switch (next) {
    case IPPROTO_NUM_HOPOPTS:
    case IPPROTO_NUM_ROUTING:
    case IPPROTO_NUM_DSTOPTS:
    case IPPROTO_NUM_MOBILITY:
    case IPPROTO_NUM_HIP:
    case IPPROTO_NUM_SHIM6: {
      /* Next Header, Hdr Ext Len in 8-octet units not counting the first 8. */
      r = take_header(d, 8, &hdr);
      if (r != PACKET_TCP) return r;
      uint8_t ext_len = 0;
      (void)h2_cursor_get_u8(&hdr, &next);
      (void)h2_cursor_get_u8(&hdr, &ext_len);
      r = take_header(d, (size_t)ext_len * 8, &hdr);
      if (r != PACKET_TCP) return r;
      break;
    }
    case IPPROTO_NUM_FRAGMENT: {
      /* RFC 8200 §4.5: offset 0 and M clear is an atomic fragment, whose
       * payload is the whole packet; anything else is a real fragment. */
      r = take_header(d, 8, &hdr);
      if (r != PACKET_TCP) return r;
      uint8_t reserved = 0;
      uint16_t offset_flags = 0;
      (void)h2_cursor_get_u8(&hdr, &next);
      (void)h2_cursor_get_u8(&hdr, &reserved);
      (void)h2_cursor_get_u16(&hdr, &offset_flags);
      if ((offset_flags & 0xfff8) || (offset_flags & 1)) return PACKET_IP_FRAGMENT;
      break;
    }
    case IPPROTO_NUM_AH: {
      /* RFC 4302 §2.2: Payload Len is in 4-octet units, minus 2. */
      r = take_header(d, 2, &hdr);
      if (r != PACKET_TCP) return r;
      uint8_t ah_len = 0;
      (void)h2_cursor_get_u8(&hdr, &next);
      (void)h2_cursor_get_u8(&hdr, &ah_len);
      size_t total = ((size_t)ah_len + 2) * 4;
      r = take_header(d, total - 2, &hdr);
      if (r != PACKET_TCP) return r;
      break;
    }
    default:
      return PACKET_TCP;
    }
  }
}

/* TCP options (RFC 9293 §3.2). Malformed options do not stop the decode:
 * the segment's data is still good. */
static void decode_tcp_options(h2_cursor opts, packet_info *info) {
  uint8_t kind = 0;
  while (h2_cursor_get_u8(&opts, &kind)) {
    if (kind == 0) return; /* End of Option List */
    if (kind == 1) continue; /* No-Operation */
    uint8_t len = 0;
    h2_cursor body;
    if (!h2_cursor_get_u8(&opts, &len) || len < 2 || !h2_cursor_get_sub(&opts, len - 2u, &body)) {
      info->options_malformed = true;
      return;
    }
    switch (kind) {
    case 2: /* Maximum Segment Size */
      info->has_mss = body.left == 2 && h2_cursor_get_u16(&body, &info->mss);
      break;
    case 3: /* Window Scale (RFC 7323 §2) */
      info->has_wscale = body.left == 1 && h2_cursor_get_u8(&body, &info->wscale);
      break;
    case 4: /* SACK-Permitted (RFC 2018) */
      info->sack_permitted = body.left == 0;
      break;
    case 8: /* Timestamps (RFC 7323 §3) */
      info->has_timestamps = body.left == 8 && h2_cursor_get_u32(&body, &info->ts_val) &&
                             h2_cursor_get_u32(&body, &info->ts_ecr);
      break;
    default:
      break;
    }
  }
}

/* TCP header (RFC 9293 §3.1). d holds exactly the segment. */
static packet_result decode_tcp(decode_pos *d, packet_info *info) {
  h2_cursor hdr;
  packet_result r = take_header(d, 20, &hdr);
  if (r != PACKET_TCP) return r;
  uint8_t offset_byte = 0;
  uint16_t csum = 0, urgent = 0;
  (void)h2_cursor_get_u16(&hdr, &info->sport);
  (void)h2_cursor_get_u16(&hdr, &info->dport);
  (void)h2_cursor_get_u32(&hdr, &info->seq);
  (void)h2_cursor_get_u32(&hdr, &info->ack);
  (void)h2_cursor_get_u8(&hdr, &offset_byte);
  (void)h2_cursor_get_u8(&hdr, &info->tcp_flags);
  (void)h2_cursor_get_u16(&hdr, &info->window);
  (void)h2_cursor_get_u16(&hdr, &csum);
  (void)h2_cursor_get_u16(&hdr, &urgent);
  size_t header_len = (size_t)(offset_byte >> 4) * 4;
  if (header_len < 20) return PACKET_MALFORMED;
  h2_cursor opts;
  r = take_header(d, header_len - 20, &opts);
  if (r != PACKET_TCP) return r;
  decode_tcp_options(opts, info);
  info->payload_len = d->wire_left;
  info->payload_captured = d->c.left;
  (void)h2_cursor_get_bytes(&d->c, d->c.left, &info->payload);
  info->truncated = info->payload_captured < info->payload_len;
  return PACKET_TCP;
}

packet_result packet_decode(int linktype, const uint8_t *data, size_t caplen, size_t wirelen,
                            packet_info *info) {
  memset(info, 0, sizeof *info);
  decode_pos d = {h2_cursor_make(data, caplen), wirelen < caplen ? caplen : wirelen};
  int ip_version = 0;
  packet_result r = decode_link(linktype, &d, &ip_version, info);
  if (r != PACKET_TCP) return r;
  if (ip_version == 0) return PACKET_NON_IP;
  bool short_on_wire = false;
  r = ip_version == 4 ? decode_ipv4(&d, info, &short_on_wire)
                      : decode_ipv6(&d, info, &short_on_wire);
  if (r != PACKET_TCP) return r;
  if (info->ip_proto != IPPROTO_NUM_TCP) return PACKET_NON_TCP;
  r = decode_tcp(&d, info);
  if (r != PACKET_TCP) return r;
  /* The IP length promised more than the frame held: bytes are missing. */
  if (short_on_wire) info->truncated = true;
  return PACKET_TCP;
}
