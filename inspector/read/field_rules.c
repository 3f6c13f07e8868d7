/* field_rules.c — read's notes for the RFC 9113 §8.2/§8.3 rules of a
 * decoded header list (field_rules.h): the session's one implementation
 * (h2/field_rules.h) reports every violation, each becomes a frame_note. */
#include "field_rules.h"

#include "h2/field_rules.h"
#include "stream_states.h"

typedef struct note_list {
  frame_note *notes;
  size_t *n, cap;
} note_list;

static bool add_note(void *user, const h2_field_violation *v) {
  note_list *l = user;
  for (size_t i = 0; i < *l->n; i++)
    if (l->notes[i].message == v->message) return true; /* one note per violation and frame */
  if (*l->n < l->cap)
    l->notes[(*l->n)++] =
        (frame_note){.rule = v->rule, .message = v->message, .section = v->section};
  return true;
}

void field_rules_check(int kind, const h2_header *fields, const h2_hpack_field_info *infos,
                       size_t count, frame_note *notes, size_t *n, size_t cap,
                       h2_field_facts *facts) {
  int section = kind == FIELD_BLOCK_REQUEST    ? H2_FIELDS_REQUEST
                : kind == FIELD_BLOCK_RESPONSE ? H2_FIELDS_RESPONSE
                : kind == FIELD_BLOCK_TRAILERS ? H2_FIELDS_TRAILERS
                                               : H2_FIELDS_UNKNOWN;
  note_list l = {notes, n, cap};
  /* add_note never stops the check: the facts cover the whole list */
  h2_fields_check(section, fields, infos, count, facts, add_note, &l);
}
