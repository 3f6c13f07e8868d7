/* tcp_reassembly.h — one direction of a TCP connection: turns segments in
 * capture order (reordered, retransmitted, overlapping, wrapping around 2^32)
 * into an in-order byte stream with 64-bit offsets, plus gaps for bytes that
 * were never captured. In-order data is passed straight from the packet
 * buffer; only out-of-order data is copied (one allocation per buffered
 * segment), bounded by explicit limits. First received data wins on overlap. */
#ifndef H2SCOPE_TCP_REASSEMBLY_H
#define H2SCOPE_TCP_REASSEMBLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tcp_reassembly_limits {
  uint32_t max_ooo_bytes;    /* buffered out-of-order payload bytes */
  uint32_t max_ooo_segments; /* buffered out-of-order segments */
} tcp_reassembly_limits;

/* Counters a reassembler adds to (shared by all flows of a capture). */
typedef struct tcp_reassembly_counters {
  uint64_t gaps, gap_bytes;
  uint64_t retransmitted_bytes; /* bytes already delivered or buffered, seen again */
  uint64_t overlap_conflicts;   /* overlaps whose bytes differed */
  uint64_t ooo_limit_hits;      /* times a limit forced a gap */
  uint64_t keepalives;
  uint64_t ignored_bytes; /* before the stream start or after the FIN */
} tcp_reassembly_counters;

/* Where the reassembler's output goes. */
typedef struct tcp_stream_sink {
  void *ctx;
  /* pkt: the capture packet the bytes came from (the sink's `pkt` when the
   * segment was given; a buffered out-of-order segment keeps its own). */
  void (*on_data)(void *ctx, uint64_t offset, const uint8_t *data, size_t len, uint64_t pkt);
  void (*on_gap)(void *ctx, uint64_t offset, uint64_t len);
  /* kind: "overlap-conflict", "limit-ooo-bytes", "data-before-start",
   * "data-after-fin" — each at most once per reassembler. */
  void (*on_notice)(void *ctx, const char *kind, const char *message);
  const tcp_reassembly_limits *limits;
  tcp_reassembly_counters *counters;
  uint64_t pkt; /* the packet of the segment being given (1-based; 0: unknown) */
} tcp_stream_sink;

typedef struct tcp_ooo_segment tcp_ooo_segment; /* a buffered out-of-order segment */

typedef struct tcp_reassembler {
  bool started;      /* the sequence number of offset 0 is known */
  bool fin_seen;     /* a FIN was seen; fin_offset is where the stream ends */
  bool finished;     /* every byte up to the FIN was delivered (or gapped) */
  uint32_t base_seq; /* sequence number of stream offset 0 */
  uint64_t next;     /* offset of the next byte to deliver (RCV.NXT) */
  uint64_t fin_offset;
  tcp_ooo_segment *ooo_head, *ooo_tail; /* sorted by offset, never overlapping */
  uint32_t ooo_bytes, ooo_segments;
  uint8_t notices_sent; /* bit per notice kind, so each is reported once */
} tcp_reassembler;

void tcp_reassembler_init(tcp_reassembler *r);

/* Frees the buffered segments (without delivering them). */
void tcp_reassembler_free(tcp_reassembler *r);

/* Sets the sequence number of the first data byte (ISN + 1 after a SYN, or
 * the first captured segment's seq when the handshake was missed). Only the
 * first call counts. */
void tcp_reassembler_start(tcp_reassembler *r, uint32_t first_seq);

/* Resets to the initial state (frees buffered data) and starts at first_seq. */
void tcp_reassembler_restart(tcp_reassembler *r, uint32_t first_seq);

/* One segment: `len` payload bytes at sequence number seq, of which the
 * first `captured` are in data (captured < len when the snap length cut the
 * packet: the missing tail becomes a gap once it is in order). fin: the FIN
 * flag (the stream ends after these bytes). The reassembler must be started.
 * Returns true if the segment was a keep-alive (ignored). */
bool tcp_reassembler_segment(tcp_reassembler *r, uint32_t seq, const uint8_t *data, size_t captured,
                             size_t len, bool fin, const tcp_stream_sink *sink);

/* An acknowledgment from the other side: ack (the peer's RCV.NXT for this
 * stream). If the peer acknowledged bytes that sit in front of buffered
 * out-of-order data (or in front of the FIN), the capture lost them and no
 * retransmission will come: they are reported as a gap now. */
void tcp_reassembler_ack(tcp_reassembler *r, uint32_t ack, const tcp_stream_sink *sink);

/* The stream will get no more segments (RST, end of capture, idle, evicted):
 * delivers every buffered segment in order with gaps for the holes between,
 * and a gap up to the FIN if one was seen. */
void tcp_reassembler_flush(tcp_reassembler *r, const tcp_stream_sink *sink);

/* Stream offset of a sequence number, relative to next (serial arithmetic,
 * RFC 1982 / RFC 9293 §3.4); negative if before the stream start. */
int64_t tcp_reassembler_offset_of(const tcp_reassembler *r, uint32_t seq);

#endif
