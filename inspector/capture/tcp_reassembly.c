/* tcp_reassembly.c — one TCP direction → in-order bytes and gaps.
 *
 * Sequence numbers are 32-bit and wrap (RFC 9293 §3.4); every segment is
 * placed relative to RCV.NXT with serial arithmetic (RFC 1982) and then
 * handled as a 64-bit stream offset. In-order bytes go to the sink straight
 * from the packet; out-of-order bytes are copied into a sorted list of
 * non-overlapping segments. Where data overlaps, the copy received first
 * wins (what the receiver's stack most likely kept) and a difference is
 * reported once. Bytes that can no longer arrive become gaps. */
#include "tcp_reassembly.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/cursor.h"

struct tcp_ooo_segment {
  tcp_ooo_segment *prev, *next;
  uint64_t start; /* stream offset of data[0] */
  uint64_t pkt;   /* the capture packet it came from */
  uint32_t len;
  uint8_t data[];
};

enum {
  NOTICE_CONFLICT = 1,
  NOTICE_LIMIT = 2,
  NOTICE_BEFORE_START = 4,
  NOTICE_AFTER_FIN = 8,
};

static uint64_t seg_end(const tcp_ooo_segment *s) {
  return s->start + s->len;
}

/* n bytes of a buffer starting at `from` (bounds-checked). */
static const uint8_t *slice(const uint8_t *data, size_t len, uint64_t from, uint64_t n) {
  h2_cursor c = h2_cursor_make(data, len);
  const uint8_t *out = NULL;
  if (from > len || n > len - from) abort(); /* a bug here, not bad input */
  (void)h2_cursor_skip(&c, (size_t)from);
  (void)h2_cursor_get_bytes(&c, (size_t)n, &out);
  return out;
}

static void notice_once(tcp_reassembler *r, const tcp_stream_sink *sink, uint8_t bit,
                        const char *kind, const char *message) {
  if (r->notices_sent & bit) return;
  r->notices_sent |= bit;
  if (sink->on_notice) sink->on_notice(sink->ctx, kind, message);
}

void tcp_reassembler_init(tcp_reassembler *r) {
  memset(r, 0, sizeof *r);
}

void tcp_reassembler_free(tcp_reassembler *r) {
  tcp_ooo_segment *s = r->ooo_head;
  while (s) {
    tcp_ooo_segment *next = s->next;
    free(s);
    s = next;
  }
  r->ooo_head = r->ooo_tail = NULL;
  r->ooo_bytes = r->ooo_segments = 0;
}

void tcp_reassembler_start(tcp_reassembler *r, uint32_t first_seq) {
  if (r->started) return;
  r->started = true;
  r->base_seq = first_seq;
  r->next = 0;
}

void tcp_reassembler_restart(tcp_reassembler *r, uint32_t first_seq) {
  tcp_reassembler_free(r);
  tcp_reassembler_init(r);
  tcp_reassembler_start(r, first_seq);
}

int64_t tcp_reassembler_offset_of(const tcp_reassembler *r, uint32_t seq) {
  uint32_t next_seq = r->base_seq + (uint32_t)r->next;
  uint32_t diff = seq - next_seq;
  /* Serial number arithmetic: within 2^31 ahead is ahead, else behind. */
  int64_t delta = diff < 0x80000000u ? (int64_t)diff : (int64_t)diff - (int64_t)0x100000000;
  return (int64_t)r->next + delta;
}

static void unlink_segment(tcp_reassembler *r, tcp_ooo_segment *s) {
  if (s->prev)
    s->prev->next = s->next;
  else
    r->ooo_head = s->next;
  if (s->next)
    s->next->prev = s->prev;
  else
    r->ooo_tail = s->prev;
  r->ooo_bytes -= s->len;
  r->ooo_segments--;
  free(s);
}

static void emit_data(tcp_reassembler *r, const tcp_stream_sink *sink, const uint8_t *data,
                      uint64_t len, uint64_t pkt) {
  if (len == 0) return;
  uint64_t offset = r->next;
  r->next += len;
  sink->on_data(sink->ctx, offset, data, (size_t)len, pkt);
}

static void emit_gap(tcp_reassembler *r, const tcp_stream_sink *sink, uint64_t len) {
  if (len == 0) return;
  uint64_t offset = r->next;
  r->next += len;
  sink->counters->gaps++;
  sink->counters->gap_bytes += len;
  sink->on_gap(sink->ctx, offset, len);
}

static void check_finished(tcp_reassembler *r) {
  if (r->fin_seen && r->next >= r->fin_offset) r->finished = true;
}

/* Delivers buffered segments that are now in order. */
static void drain(tcp_reassembler *r, const tcp_stream_sink *sink) {
  tcp_ooo_segment *s;
  while ((s = r->ooo_head) != NULL && s->start <= r->next) {
    if (seg_end(s) > r->next) {
      uint64_t skip = r->next - s->start;
      emit_data(r, sink, slice(s->data, s->len, skip, s->len - skip), s->len - skip, s->pkt);
    }
    unlink_segment(r, s);
  }
  check_finished(r);
}

/* Moves next to target: buffered bytes on the way are delivered, the holes
 * between them reported as gaps. Then drains what became contiguous. */
static void advance_to(tcp_reassembler *r, uint64_t target, const tcp_stream_sink *sink) {
  while (r->next < target) {
    tcp_ooo_segment *s = r->ooo_head;
    if (s && s->start <= r->next) {
      drain(r, sink);
      continue;
    }
    uint64_t hole_end = s && s->start < target ? s->start : target;
    emit_gap(r, sink, hole_end - r->next);
  }
  drain(r, sink);
}

static void report_conflict(tcp_reassembler *r, const tcp_stream_sink *sink, uint64_t offset,
                            uint64_t len) {
  sink->counters->overlap_conflicts++;
  char msg[160];
  snprintf(msg, sizeof msg,
           "%" PRIu64 " bytes at stream offset %" PRIu64
           " arrived again with different content; the first copy was kept",
           len, offset);
  notice_once(r, sink, NOTICE_CONFLICT, "overlap-conflict", msg);
}

/* Compares an overlapping retransmission with what is buffered. */
static void compare_overlap(tcp_reassembler *r, const tcp_stream_sink *sink,
                            const tcp_ooo_segment *s, uint64_t pos, const uint8_t *fresh,
                            uint64_t n) {
  sink->counters->retransmitted_bytes += n;
  if (memcmp(slice(s->data, s->len, pos - s->start, n), fresh, (size_t)n) != 0)
    report_conflict(r, sink, pos, n);
}

/* [lo, hi) with data starting at lo, and lo == next. */
static void deliver_in_order(tcp_reassembler *r, uint64_t lo, uint64_t hi, const uint8_t *data,
                             const tcp_stream_sink *sink) {
  size_t len = (size_t)(hi - lo);
  uint64_t pos = lo;
  while (pos < hi) {
    tcp_ooo_segment *s = r->ooo_head;
    if (s && s->start <= pos) {
      if (seg_end(s) > pos) {
        uint64_t end = seg_end(s) < hi ? seg_end(s) : hi;
        compare_overlap(r, sink, s, pos, slice(data, len, pos - lo, end - pos), end - pos);
        emit_data(r, sink, slice(s->data, s->len, pos - s->start, seg_end(s) - pos),
                  seg_end(s) - pos, s->pkt);
        pos = seg_end(s);
      }
      unlink_segment(r, s);
    } else {
      uint64_t lim = s && s->start < hi ? s->start : hi;
      emit_data(r, sink, slice(data, len, pos - lo, lim - pos), lim - pos, sink->pkt);
      pos = lim;
    }
  }
  drain(r, sink);
}

static tcp_ooo_segment *new_segment(uint64_t start, const uint8_t *data, uint64_t len,
                                    uint64_t pkt) {
  tcp_ooo_segment *s = malloc(sizeof *s + (size_t)len);
  if (!s) abort();
  s->prev = s->next = NULL;
  s->start = start;
  s->pkt = pkt;
  s->len = (uint32_t)len;
  memcpy(s->data, data, (size_t)len);
  return s;
}

static void insert_before(tcp_reassembler *r, tcp_ooo_segment *before, tcp_ooo_segment *s) {
  s->next = before;
  s->prev = before ? before->prev : r->ooo_tail;
  if (s->prev)
    s->prev->next = s;
  else
    r->ooo_head = s;
  if (before)
    before->prev = s;
  else
    r->ooo_tail = s;
  r->ooo_bytes += s->len;
  r->ooo_segments++;
}

/* First buffered segment that ends after pos (searching from the tail:
 * reordering is usually close to the newest data). */
static tcp_ooo_segment *first_ending_after(const tcp_reassembler *r, uint64_t pos) {
  tcp_ooo_segment *s = r->ooo_tail;
  if (!s || seg_end(s) <= pos) return NULL;
  while (s->prev && seg_end(s->prev) > pos)
    s = s->prev;
  return s;
}

/* Buffers the parts of [lo, hi) not already buffered (first copy wins).
 * With apply false, only counts what would be added. */
static void store_pieces(tcp_reassembler *r, uint64_t lo, uint64_t hi, const uint8_t *data,
                         const tcp_stream_sink *sink, bool apply, uint64_t *add_bytes,
                         uint32_t *add_segments) {
  size_t len = (size_t)(hi - lo);
  uint64_t pos = lo;
  tcp_ooo_segment *s = first_ending_after(r, pos);
  *add_bytes = 0;
  *add_segments = 0;
  while (pos < hi) {
    if (!s || s->start >= hi || s->start > pos) {
      uint64_t piece_end = s && s->start < hi ? s->start : hi;
      *add_bytes += piece_end - pos;
      *add_segments += 1;
      if (apply)
        insert_before(r, s,
                      new_segment(pos, slice(data, len, pos - lo, piece_end - pos), piece_end - pos,
                                  sink->pkt));
      pos = piece_end;
    } else {
      uint64_t end = seg_end(s) < hi ? seg_end(s) : hi;
      if (apply) compare_overlap(r, sink, s, pos, slice(data, len, pos - lo, end - pos), end - pos);
      pos = end;
      s = s->next;
    }
  }
}

/* Captured bytes [lo, hi) (data points at lo), anywhere relative to next. */
static void process_range(tcp_reassembler *r, uint64_t lo, uint64_t hi, const uint8_t *data,
                          const tcp_stream_sink *sink) {
  const tcp_reassembly_limits *limits = sink->limits;
  for (;;) {
    if (hi <= r->next) {
      sink->counters->retransmitted_bytes += hi - lo;
      return;
    }
    if (lo < r->next) {
      sink->counters->retransmitted_bytes += r->next - lo;
      data = slice(data, (size_t)(hi - lo), r->next - lo, hi - r->next);
      lo = r->next;
    }
    if (lo == r->next) {
      deliver_in_order(r, lo, hi, data, sink);
      return;
    }
    uint64_t add_bytes = 0;
    uint32_t add_segments = 0;
    store_pieces(r, lo, hi, data, sink, false, &add_bytes, &add_segments);
    if (add_bytes == 0) { /* all of it already buffered: compare and keep the first */
      store_pieces(r, lo, hi, data, sink, true, &add_bytes, &add_segments);
      return;
    }
    if ((uint64_t)r->ooo_bytes + add_bytes <= limits->max_ooo_bytes &&
        (uint64_t)r->ooo_segments + add_segments <= limits->max_ooo_segments) {
      store_pieces(r, lo, hi, data, sink, true, &add_bytes, &add_segments);
      return;
    }
    /* Over the limit: stop waiting for the oldest hole. It becomes a gap and
     * the data behind it is delivered, until the new segment fits. */
    sink->counters->ooo_limit_hits++;
    char msg[200];
    snprintf(msg, sizeof msg,
             "out-of-order buffer limit reached (%" PRIu32 " bytes, %" PRIu32
             " segments buffered; limits %" PRIu32 " bytes, %" PRIu32
             " segments): the hole at stream offset %" PRIu64 " is reported as a gap",
             r->ooo_bytes, r->ooo_segments, limits->max_ooo_bytes, limits->max_ooo_segments,
             r->next);
    notice_once(r, sink, NOTICE_LIMIT, "limit-ooo-bytes", msg);
    if (r->ooo_head)
      advance_to(r, r->ooo_head->start, sink);
    else
      advance_to(r, lo, sink);
  }
}

bool tcp_reassembler_segment(tcp_reassembler *r, uint32_t seq, const uint8_t *data, size_t captured,
                             size_t len, bool fin, const tcp_stream_sink *sink) {
  if (!r->started) tcp_reassembler_start(r, seq);
  if (captured > len) captured = len;
  int64_t off = tcp_reassembler_offset_of(r, seq);
  /* RFC 9293 §3.8.4: a keep-alive carries SEG.SEQ = SND.NXT - 1 and zero or
   * one garbage byte; it is not stream data. */
  if (!fin && len <= 1 && r->next > 0 && off == (int64_t)r->next - 1) {
    sink->counters->keepalives++;
    return true;
  }
  int64_t end = off + (int64_t)len;
  if (fin && !r->fin_seen && end >= 0) {
    r->fin_seen = true;
    r->fin_offset = (uint64_t)end;
  }
  /* Nothing can follow the FIN (RFC 9293 §3.10.7.4): bytes beyond it are
   * not part of the stream. */
  if (r->fin_seen && end > (int64_t)r->fin_offset) {
    int64_t from = off > (int64_t)r->fin_offset ? off : (int64_t)r->fin_offset;
    sink->counters->ignored_bytes += (uint64_t)(end - from);
    char msg[128];
    snprintf(msg, sizeof msg,
             "%" PRId64 " bytes after the FIN at stream offset %" PRIu64 " were ignored",
             end - from, r->fin_offset);
    notice_once(r, sink, NOTICE_AFTER_FIN, "data-after-fin", msg);
    end = (int64_t)r->fin_offset;
  }
  int64_t lo = off;
  if (lo < 0) {
    /* Before the first byte we started the stream at (a reordered segment
     * of a connection whose start was not captured). */
    int64_t lost = (end < 0 ? end : 0) - lo;
    sink->counters->ignored_bytes += (uint64_t)lost;
    char msg[128];
    snprintf(msg, sizeof msg, "%" PRId64 " bytes from before the first captured byte were ignored",
             lost);
    notice_once(r, sink, NOTICE_BEFORE_START, "data-before-start", msg);
    lo = 0;
  }
  if (end > lo) {
    int64_t captured_end = off + (int64_t)captured;
    if (captured_end > end) captured_end = end;
    if (captured_end > lo)
      process_range(r, (uint64_t)lo, (uint64_t)captured_end,
                    slice(data, captured, (uint64_t)(lo - off), (uint64_t)(captured_end - lo)),
                    sink);
    /* The tail the snap length cut: once in order it can only be a gap (the
     * receiver got it, no retransmission will bring it). */
    if (captured_end < end && r->next >= (uint64_t)(captured_end > lo ? captured_end : lo))
      advance_to(r, (uint64_t)end, sink);
  }
  check_finished(r);
  return false;
}

void tcp_reassembler_ack(tcp_reassembler *r, uint32_t ack, const tcp_stream_sink *sink) {
  if (!r->started || (!r->ooo_head && !r->fin_seen)) return;
  int64_t ack_off = tcp_reassembler_offset_of(r, ack);
  if (ack_off <= (int64_t)r->next) return;
  uint64_t bound = r->ooo_tail ? seg_end(r->ooo_tail) : 0;
  if (r->fin_seen && r->fin_offset > bound) bound = r->fin_offset;
  uint64_t target = (uint64_t)ack_off < bound ? (uint64_t)ack_off : bound;
  if (target > r->next) advance_to(r, target, sink);
}

void tcp_reassembler_flush(tcp_reassembler *r, const tcp_stream_sink *sink) {
  uint64_t target = r->ooo_tail ? seg_end(r->ooo_tail) : r->next;
  if (r->fin_seen && r->fin_offset > target) target = r->fin_offset;
  advance_to(r, target, sink);
}
