/* sarif_write.h — findings as a SARIF 2.1.0 log (the format code-scanning
 * tools in CI read): one run of h2scope with its rules (id, description, RFC
 * section or CVE) and results (rule, level, message, the capture file as the
 * artifact, a free-text location such as "conn 3 c2s stream 5 frame 12").
 * Results are streamed to a temporary file, so memory does not grow with
 * their number; the log is assembled when the writer is closed. Used by
 * `h2scope read --lint --sarif` and by `check`. */
#ifndef H2SCOPE_SARIF_WRITE_H
#define H2SCOPE_SARIF_WRITE_H

#include <stdint.h>

typedef struct sarif_writer sarif_writer;

/* Creates path (truncated); NULL with errno set when it cannot be written. */
sarif_writer *sarif_open(const char *path, const char *tool_version);
/* Declares a rule; a rule id declared again is ignored. Results may name
 * rules that were never declared (they are added with the id as description). */
void sarif_rule(sarif_writer *w, const char *id, const char *description, const char *section);
/* What a result's property bag (SARIF 2.1.0 §3.8) says: the capture packets
 * of the finding and, past the first capture file, that file's index. The
 * writer renders them as `"pkt":12` (first 0 or equal to last) or
 * `"pkt":[12,14]`, then `"file":2` when file is not 0; no bag at all when
 * pkt_last is 0 (packets unknown). */
typedef struct sarif_props {
  uint64_t pkt_first, pkt_last;
  uint32_t file;
} sarif_props;

/* level: "error", "warning" or "note"; artifact_uri, location and props may
 * be NULL. */
void sarif_result(sarif_writer *w, const char *rule_id, const char *level, const char *message,
                  const char *artifact_uri, const char *location, const sarif_props *props);
/* Adds n to the count of findings of rule id (declared if new), for the
 * run's properties.findingCounts: how many there were, also of those not
 * written as results (read --lint --lint-max). Without counts, the run has
 * no properties. */
void sarif_count(sarif_writer *w, const char *rule_id, uint64_t n);
/* Writes the log and frees the writer; 0 ok, -1 (errno set) when writing failed. */
int sarif_close(sarif_writer *w);

#endif
