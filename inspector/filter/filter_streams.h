/* filter_streams.h — the request/response facts of a connection's streams
 * that filters ask about on frames after the headers (`status >= 500` on the
 * DATA of a 500 response): :method, :path, :authority, :scheme, :status and
 * the content-type of each direction. Bounded: at most max_streams streams
 * per connection (the oldest is forgotten first) and max_value bytes of each
 * value (longer values are kept cut, and compare as cut). */
#ifndef H2SCOPE_FILTER_STREAMS_H
#define H2SCOPE_FILTER_STREAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decoded_frame.h"
#include "h2/buf.h"

enum filter_fact {
  FACT_METHOD,
  FACT_PATH,
  FACT_AUTHORITY,
  FACT_SCHEME,
  FACT_CTYPE_C2S,
  FACT_CTYPE_S2C,
  FACT_COUNT,
  FACT_STATUS = FACT_COUNT /* a bit of the wanted mask only */
};
/* All facts (filter_streams_new's wanted). */
#define FILTER_FACTS_ALL ((1u << (FACT_STATUS + 1)) - 1)

typedef struct filter_stream_facts {
  uint32_t stream;
  bool used;
  bool has_status;
  uint16_t status;
  uint8_t seen; /* bit 1 << FACT_x: value[x] holds the value */
  /* NUL-ended, at most max_value bytes before the NUL; kept when the slot
   * is reused */
  h2_buf value[FACT_COUNT];
} filter_stream_facts;

#define FILTER_STREAMS_DEFAULT 256
#define FILTER_VALUE_DEFAULT 1024

typedef struct filter_streams filter_streams;

/* wanted: bit 1 << FACT_x for each fact kept (what the filter and -e name:
 * the others cost nothing). */
filter_streams *filter_streams_new(uint32_t max_streams, uint32_t max_value, uint32_t wanted);
void filter_streams_free(filter_streams *s);
/* Takes the facts of frame d (direction dir) before it is matched: a
 * completed header list is remembered for its stream (the promised one for
 * PUSH_PROMISE). Out of memory: the value is not kept. */
void filter_streams_frame(filter_streams *s, int dir, const decoded_frame *d);
/* A header list that reached stream id some other way: the HTTP/1.1
 * request an Upgrade: h2c made stream 1 (RFC 7540 §3.2), sent by dir. */
void filter_streams_list(filter_streams *s, uint32_t id, int dir, const h2_header *h, size_t n);
/* The facts of stream id, or NULL. */
const filter_stream_facts *filter_streams_find(const filter_streams *s, uint32_t id);

#endif
