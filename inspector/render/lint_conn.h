/* lint_conn.h — `h2scope read --lint` for one captured connection: feeds its
 * decoded frames (both directions) to the session's observer (h2/observer.h),
 * adds what only the decoder knows (malformed frames, HPACK errors, CONTINUATION
 * interleaving, header-field rules of field_rules.c as findings), and writes
 * each finding as a text line or JSON line, and to a SARIF log. */
#ifndef H2SCOPE_LINT_CONN_H
#define H2SCOPE_LINT_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "conn_facts.h"
#include "decoded_frame.h"
#include "h2/observer.h"
#include "out_buf.h"
#include "sarif_write.h"

#define LINT_MAX_FINDINGS 1000 /* default findings of one id kept and printed per connection */

/* Whether a finding is shown (`read -Y`: the display filter); NULL shows all.
 * Findings it hides are still counted (summary, exit status). */
typedef bool (*lint_keep_fn)(void *user, uint32_t conn, int dir, uint32_t stream, const char *id,
                             const char *severity, uint64_t packet);

typedef struct lint_options {
  h2_observer_limits limits;
  bool json;
  bool abs_time;         /* text: absolute timestamps (JSON always has them) */
  bool color;            /* text: the severity coloured (error red, warning yellow) */
  double first_ts;       /* for relative text timestamps */
  uint32_t max_findings; /* printed per id and connection (all are counted; attack patterns
                            are always printed); 0 → LINT_MAX_FINDINGS */
  out_buf *out;          /* findings output; NULL: counted only */
  out_buf *json_copy;    /* also every finding as a JSON line here (the HTML report), or NULL */
  sarif_writer *sarif;   /* may be NULL */
  const char *artifact;  /* the capture file, for SARIF */
  lint_keep_fn keep;     /* may be NULL: every finding is shown */
  void *keep_user;
} lint_options;

typedef struct lint_conn lint_conn;

/* Called at the connection's first frame: roles and history are known then. */
lint_conn *lint_conn_new(const lint_options *opt, const conn_view *c);
void lint_conn_frame(lint_conn *l, const conn_view *c, int dir, const decoded_frame *d);
/* Bytes of direction dir were not captured (a gap): from here on only the
 * patterns that need no state are checked, and the state-dependent findings
 * since dir's last frame (which the lost frames may explain) are left out.
 * This is why findings are written when the connection ends. */
void lint_conn_gap(lint_conn *l, const conn_view *c, int dir);
/* End of the connection: final checks; the counts by severity go to counts[3]
 * (error, warning, info) and, when by_id is not NULL, the counts by catalogue
 * index (h2_observer_rule_at) to by_id[0..H2_OBSERVER_RULE_MAX] (the last slot:
 * ids the catalogue lacks). */
void lint_conn_finish(lint_conn *l, const conn_view *c, uint32_t counts[3], uint32_t *by_id);
void lint_conn_free(lint_conn *l);

/* Declares every finding id of the catalogue as a SARIF rule. */
void lint_sarif_rules(sarif_writer *w);
/* Parses NAME=VALUE into limits; false (message in err) when invalid. */
bool lint_parse_threshold(h2_observer_limits *limits, const char *arg, char *err, size_t cap);

#endif
