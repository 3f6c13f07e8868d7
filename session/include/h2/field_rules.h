/* field_rules.h — the one implementation of the field rules of RFC 9113
 * §8.2 (field names and values, connection-specific fields), §8.3
 * (pseudo-header fields) and §8.1.1 (content-length), for a decoded header
 * list: the session rejects a malformed message with it (the first
 * violation), `read` notes every violation of a captured one, and both learn
 * the message's facts (status, content-length, method) on the way. Like the
 * passive observer it is not part of the shared library's ABI (the tree
 * links the static library). */
#ifndef H2_FIELD_RULES_H
#define H2_FIELD_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/hpack.h"

/* Which header section of a message the list is (§8.1). */
enum h2_field_section {
  H2_FIELDS_REQUEST = 0,  /* request (also a PUSH_PROMISE's promised request) */
  H2_FIELDS_RESPONSE = 1, /* response, informational or final */
  H2_FIELDS_TRAILERS = 2, /* trailer section */
  H2_FIELDS_UNKNOWN = 3,  /* not known (a capture joined mid-connection): only the
                             rules that hold for every section */
};

/* One broken rule. The strings are static. */
typedef struct h2_field_violation {
  const char *rule;    /* the observer catalogue's id: "field-invalid",
                          "pseudo-header-invalid", "connection-specific-field",
                          "content-length-mismatch" */
  const char *detail;  /* the precise reason: "bad-field-name", "te-not-trailers", ... */
  const char *message; /* one sentence for people */
  const char *section; /* "RFC 9113 §8.2.1" */
  size_t field;        /* index of the field, or SIZE_MAX for the list as a whole */
} h2_field_violation;

/* What the list says about its message (valid as far as it could be read). */
typedef struct h2_field_facts {
  int status;             /* :status of a response, 0 when absent or not three digits */
  int64_t content_length; /* -1 when absent (or not a number) */
  bool informational;     /* a 1xx response */
  bool is_head;           /* a HEAD request */
  bool is_connect;        /* a CONNECT request */
  bool has_protocol;      /* :protocol present (extended CONNECT, RFC 8441 §4) */
  bool has_priority;      /* a priority field present (RFC 9218 §5): noted on the way, so
                             that a reader of it can skip the lists without one */
  size_t unknown;         /* fields whose name or value is not known (NULL): the
                             checks that need every field are skipped */
} h2_field_facts;

/* Called for each violation in list order; return false to stop. */
typedef bool (*h2_field_violation_cb)(void *user, const h2_field_violation *v);

/* Checks `n` fields of a header section of the given kind (enum
 * h2_field_section). infos (may be NULL) gives each field's HPACK
 * representation: the octets of a field sent as an index into the dynamic
 * table are not scanned again (they were checked when it was sent as a
 * literal). Fills *facts; returns the number of violations reported. */
size_t h2_fields_check(int kind, const h2_header *fields, const h2_hpack_field_info *infos,
                       size_t n, h2_field_facts *facts, h2_field_violation_cb cb, void *user);

#endif
