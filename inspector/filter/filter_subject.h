/* filter_subject.h — what `read` hands a display filter: a frame (the
 * decoded_frame, its connection and direction, the facts of its stream), an
 * event or a finding, as a field source (filter.h). A field the subject
 * lacks is absent: events have conn, dir and event; findings conn, dir,
 * stream, lint and severity; exchanges (talk's records) conn, stream, the
 * request's and response's header fields, status, error (a reset's code),
 * packet and exchange. */
#ifndef H2SCOPE_FILTER_SUBJECT_H
#define H2SCOPE_FILTER_SUBJECT_H

#include "decoded_frame.h"
#include "exchange.h"
#include "filter.h"
#include "filter_streams.h"

enum filter_subject_kind { FS_FRAME, FS_EVENT, FS_FINDING, FS_EXCHANGE };

typedef struct filter_subject {
  enum filter_subject_kind kind;
  uint32_t conn;                    /* 0: none (a capture-wide notice) */
  int dir;                          /* 0 c2s, 1 s2c, -1 none */
  const char *src, *dst;            /* "ip:port" of the sender and receiver, or NULL */
  const decoded_frame *d;           /* FS_FRAME */
  const filter_stream_facts *facts; /* the frame's stream, or NULL */
  const char *event;                /* FS_EVENT */
  const char *lint, *severity;      /* FS_FINDING */
  uint32_t stream;                  /* FS_FINDING */
  uint64_t packet;                  /* FS_FINDING: the last packet of its frame, 0: unknown */
  const exchange *x;                /* FS_EXCHANGE: the record, as far as it is known */
} filter_subject;

/* The source that reads s (valid while s is). */
filter_source filter_subject_source(const filter_subject *s);
/* The i-th value of field f of s (the source's function, also for `-e`). */
bool filter_subject_value(const void *s, const filter_field *f, size_t i, filter_value *out);

#endif
