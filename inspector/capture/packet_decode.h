/* packet_decode.h — one captured packet (link layer record) → the TCP segment
 * it carries: link header (Ethernet + 802.1Q/802.1ad tags, Linux cooked v1/v2,
 * BSD loopback, raw IP), IPv4 (options; fragments are reported, not
 * reassembled) or IPv6 (extension headers skipped), then the TCP header with
 * its options. No allocation; the payload points into the packet buffer. */
#ifndef H2SCOPE_PACKET_DECODE_H
#define H2SCOPE_PACKET_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TCP flag bits (RFC 9293 §3.1). */
enum {
  TCP_FLAG_FIN = 0x01,
  TCP_FLAG_SYN = 0x02,
  TCP_FLAG_RST = 0x04,
  TCP_FLAG_PSH = 0x08,
  TCP_FLAG_ACK = 0x10,
  TCP_FLAG_URG = 0x20,
  TCP_FLAG_ECE = 0x40,
  TCP_FLAG_CWR = 0x80,
};

typedef enum packet_result {
  PACKET_TCP = 0,           /* info describes a TCP segment */
  PACKET_NON_IP,            /* link payload is not IPv4/IPv6 (info->ethertype says what) */
  PACKET_NON_TCP,           /* IP without TCP (info->ip_proto says what) */
  PACKET_UNSUPPORTED_LINK,  /* link type we do not decode */
  PACKET_TRUNCATED,         /* a header is cut short by the capture length */
  PACKET_MALFORMED,         /* impossible header (bad version, lengths) */
  PACKET_IP_FRAGMENT,       /* an IP fragment (not reassembled) */
} packet_result;

typedef struct packet_info {
  uint8_t ip_version;    /* 4 or 6 */
  uint8_t ip_proto;      /* transport protocol (last next-header for IPv6) */
  uint16_t ethertype;    /* last ethertype / protocol seen on the link layer */
  uint8_t vlan_count;    /* 802.1Q/802.1ad tags skipped */
  uint16_t vlan_id;      /* outermost VLAN id (if vlan_count > 0) */
  uint8_t src[16];       /* addresses (IPv4 in the first 4 bytes) */
  uint8_t dst[16];
  uint16_t sport, dport;
  uint32_t seq, ack;
  uint8_t tcp_flags;     /* TCP_FLAG_* */
  uint16_t window;
  /* TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018) */
  bool has_mss, has_wscale, sack_permitted, has_timestamps, options_malformed;
  uint16_t mss;
  uint8_t wscale;
  uint32_t ts_val, ts_ecr;
  /* Payload: payload_len bytes according to the IP length, of which only
   * payload_captured are in the buffer (fewer when the snap length cut the
   * packet; then truncated is set). */
  const uint8_t *payload;
  size_t payload_captured;
  size_t payload_len;
  bool truncated;
} packet_info;

/* True when packet_decode knows the link type (a DLT_ value from pcap_datalink). */
bool packet_link_supported(int linktype);

/* Decodes one record: data holds caplen captured bytes of a wirelen-byte
 * packet. Fills *info as far as it got (addresses and ports only for
 * PACKET_TCP). Never reads past data + caplen. */
packet_result packet_decode(int linktype, const uint8_t *data, size_t caplen, size_t wirelen,
                            packet_info *info);

/* Short English name of a result ("tcp", "non-ip", ...). */
const char *packet_result_name(packet_result r);

/* "1.2.3.4:80" or "[::1]:80" into buf (at least 64 bytes). */
void packet_format_endpoint(int ip_version, const uint8_t addr[16], uint16_t port, char *buf,
                            size_t bufcap);

#endif
