/* field_rules.c — read's notes for the RFC 9113 §8.2/§8.3 rules of a
 * decoded header list (field_rules.h): the session's one implementation
 * (h2/field_rules.h) reports every violation, each becomes a frame_note. */
#include "field_rules.h"

bool field_rules_add_note(void *user, const h2_field_violation *v) {
  field_note_list *l = user;
  for (size_t i = 0; i < *l->n; i++)
    if (l->notes[i].message == v->message) return true; /* one note per violation and frame */
  if (*l->n < l->cap)
    l->notes[(*l->n)++] =
        (frame_note){.rule = v->rule, .message = v->message, .section = v->section};
  return true;
}
