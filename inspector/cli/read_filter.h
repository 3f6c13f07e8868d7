/* read_filter.h — what `read -Y EXPR` and `-T fields -e FIELD` add to the
 * read command: the display filter (filter/) compiled for one thread, the
 * per-connection stream facts it needs, the lines of field output, and the
 * messages of a bad filter (the expression echoed with a caret under the
 * column). */
#ifndef H2SCOPE_READ_FILTER_H
#define H2SCOPE_READ_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "decoded_frame.h"
#include "filter.h"
#include "filter_subject.h"
#include "out_buf.h"

#define READ_FILTER_MAX_FIELDS 64

/* The options, shared by every thread (read-only once parsed). */
typedef struct read_filter_opts {
  const char *expr; /* -Y, or NULL */
  filter_limits limits;
  uint32_t max_streams; /* stream facts kept per connection */
  uint32_t max_value;   /* bytes of each fact */
  bool fields;          /* -T fields */
  filter_field field[READ_FILTER_MAX_FIELDS];
  const char *field_name[READ_FILTER_MAX_FIELDS];
  uint32_t nfields;
  bool header;        /* -E header=y */
  char separator[8];  /* -E separator= (default tab) */
  char aggregator[8]; /* -E aggregator= (default ,) */
} read_filter_opts;

void read_filter_opts_init(read_filter_opts *o);
/* -Y EXPR: compiles it once to check it; on error writes the message with
 * the expression and a caret line to stderr and returns EXIT_USAGE, else 0. */
int read_filter_check(const char *prog, const read_filter_opts *o);
/* -e FIELD; -E KEY=VALUE. EXIT_USAGE after a message, else 0. */
int read_filter_add_field(const char *prog, read_filter_opts *o, const char *name);
int read_filter_set_option(const char *prog, read_filter_opts *o, const char *kv);

/* One thread's filter. */
typedef struct read_filter {
  const read_filter_opts *o;
  filter *f;      /* NULL: no -Y */
  uint32_t facts; /* the stream facts wanted (filter_streams.h), 0: none */
  uint64_t frames, matched;
} read_filter;

/* False when out of memory. */
bool read_filter_init(read_filter *rf, const read_filter_opts *o);
void read_filter_free(read_filter *rf);

/* A frame (where: its conn, dir, src, dst): updates the stream facts in *conn_state
 * (made on first use; free with read_filter_conn_free) and says whether it
 * is selected (always true without -Y). s is filled for field output. */
bool read_filter_frame(read_filter *rf, void **conn_state, const filter_subject *where,
                       const decoded_frame *d, filter_subject *s);
/* The HTTP/1.1 request of an Upgrade: h2c (stream 1's request facts). */
void read_filter_upgrade(read_filter *rf, void **conn_state, int dir, const h2_header *fields,
                         size_t count);
/* where: conn, dir, src and dst of the event (a capture-wide one: zeros). */
bool read_filter_event(read_filter *rf, const filter_subject *where, const char *event);
bool read_filter_finding(read_filter *rf, uint32_t conn, int dir, uint32_t stream, const char *id,
                         const char *severity, uint64_t packet);
/* An exchange record (talk/exchange.h), whole or as far as it is known
 * (--export asks when a body starts). */
bool read_filter_exchange(read_filter *rf, const exchange *x);
void read_filter_conn_free(void **conn_state);

/* -T fields: the header line (with -E header=y), and one subject's line. */
void read_filter_fields_header(const read_filter_opts *o, out_buf *out);
void read_filter_fields_line(const read_filter_opts *o, out_buf *out, const filter_subject *s);

#endif
