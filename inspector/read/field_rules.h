/* field_rules.h — checks a decoded HTTP/2 header list against the rules of
 * RFC 9113 §8.2 (field names lowercase, no connection-specific fields, no
 * CR/LF/NUL in values) and §8.3 (pseudo-header fields: known ones only,
 * before regular fields, once each, the request set or :status only, none in
 * trailers), producing frame_notes. Fields the decoder could not resolve
 * (dynamic table state unknown) are skipped, and the "missing pseudo-header"
 * checks with them. */
#ifndef H2SCOPE_FIELD_RULES_H
#define H2SCOPE_FIELD_RULES_H

#include <stddef.h>

#include "decoded_frame.h"
#include "h2/field_rules.h"
#include "h2/hpack.h"
#include "stream_states.h"

/* kind: enum field_block_kind (stream_states.h). infos (may be NULL): the
 * HPACK representation of each field; the octets of indexed fields are not
 * scanned again (they were checked when sent as literals). *facts receives
 * what the list says (h2/field_rules.h: the :status of a response, 0 when
 * absent or not three digits; whether :protocol or priority is present). */
/* Where field_rules_add_note puts the notes: notes[*n], up to cap. */
typedef struct field_note_list {
  frame_note *notes;
  size_t *n, cap;
} field_note_list;

/* h2_fields_check's callback (user: a field_note_list): one note per
 * violation and frame; never stops the check, so the facts cover the whole
 * list. */
bool field_rules_add_note(void *user, const h2_field_violation *v);

/* Inline: once per header list, in read's frame path. */
static inline void field_rules_check(int kind, const h2_header *fields,
                                     const h2_hpack_field_info *infos, size_t count,
                                     frame_note *notes, size_t *n, size_t cap,
                                     h2_field_facts *facts) {
  int section = kind == FIELD_BLOCK_REQUEST    ? H2_FIELDS_REQUEST
                : kind == FIELD_BLOCK_RESPONSE ? H2_FIELDS_RESPONSE
                : kind == FIELD_BLOCK_TRAILERS ? H2_FIELDS_TRAILERS
                                               : H2_FIELDS_UNKNOWN;
  field_note_list l = {notes, n, cap};
  h2_fields_check(section, fields, infos, count, facts, field_rules_add_note, &l);
}

#endif
