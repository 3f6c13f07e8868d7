/* check_case.h — the conformance cases of `h2scope check` as data: each case
 * names the RFC rule it checks (rfc, section), says what to send (a tiny text
 * language, check_build.h) and which reaction is acceptable (expect, graded
 * by check_grade.h). The same tables run against live servers (check_run.c),
 * live clients (check_client.c) and in-process against the project's own
 * session (tests/test_session_conformance.c).
 *
 * Case ids are stable: "<rfc>/<section>/<ordinal within the section>", e.g.
 * "9113/6.5.3/2"; robustness cases are "robust/<name>", client cases
 * "client/<rfc>/<section>/<ordinal>". New cases go at the END of their
 * section's run in the table so existing ordinals never move.
 *
 * handshake: "" = client preface + empty SETTINGS, wait for the server's
 *   SETTINGS, SETTINGS ACK; "none" = nothing (the frames start the
 *   connection); "settings:HEX" = like "" but our first SETTINGS carries HEX.
 * expect (one of):
 *   "GOAWAY CODE[|CODE...]"   connection error with one of the codes
 *   "RST_STREAM ID CODE[|..]" stream error on ID (a GOAWAY with the code is
 *                             the stricter reaction §5.4 allows: pass)
 *   "RESPONSE ID"             a response (HEADERS with :status) on ID
 *   "PING_ACK" / "SETTINGS_ACK"
 *   "NOTHING"                 no GOAWAY, no RST_STREAM, and PING is answered
 *   "CLOSE"                   (client cases) the peer closes or sends GOAWAY
 *   "MEMORY"                  the server started by check (-- SERVER) grows
 *                             by less than --max-rss over the case's runs
 *                             (check_repeat_run.h; any reaction is fine)
 *   "NO_LINT ID"              the observer of `read --lint` does not report
 *                             finding ID in the peer's frames (run by
 *                             `h2scope check` through fuzz_lint.h)
 * Every other frame (WINDOW_UPDATE, PING, SETTINGS, responses on other
 * streams...) is ignored while waiting. */
#ifndef H2SCOPE_CHECK_CASE_H
#define H2SCOPE_CHECK_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHECK_REPEAT_MAX 1000 /* runs of one case (repeat N) */

typedef struct check_case {
  uint16_t rfc;          /* 9113, 7541, 8441, 9218, 8336; 0: robustness group */
  const char *section;   /* "6.5.2", or the robustness name ("rapid-reset") */
  const char *title;     /* one line: what is sent */
  const char *handshake; /* see above */
  const char *frames;    /* check_build.h language, lines separated by ';' */
  const char *expect;    /* see above */
  /* Optional condition on the peer's SETTINGS, else the case is skipped:
   * "max_concurrent_streams<=128" (names as in §6.5.2 without SETTINGS_,
   * lowercase; an absent setting counts as unlimited). */
  const char *needs;
  /* The case measures the server as a whole (floods, resource limits): it
   * runs after the others, with no other case on the server at the same
   * time (check -j, check_pool.h). */
  bool alone;
  /* Runs of the case, each on its own connection (0 and 1: once); the
   * verdict is the first run that does not pass, else the last. With
   * expect MEMORY the target's growth over all runs is judged
   * (check_repeat_run.h). Case files: `repeat N`. */
  unsigned repeat;
} check_case;

enum check_group { CHECK_GROUP_SERVER = 0, CHECK_GROUP_ROBUST = 1, CHECK_GROUP_CLIENT = 2 };

/* The number of cases of a group, and case i of it in table order (NULL
 * past the end); the tables are const, shared by check -j workers. */
size_t check_case_count(int group);
const check_case *check_case_at(int group, size_t i);
/* The stable id of case i of a group into buf ("9113/6.5.3/2"). Returns buf. */
const char *check_case_id(int group, size_t i, char *buf, size_t cap);
/* Whether a selector picks case i: an exact id, a section prefix of the case's
 * section at a dot boundary ("6.5" picks 6.5, 6.5.1...; "9113/6.5" the same
 * within RFC 9113; "7541" every HPACK case), or "robust". */
bool check_case_selected(int group, size_t i, const char *selector);
/* The same rules for any case with its id (built-in or loaded, check_set.h);
 * a case with rfc 0 outside the robustness group is picked by its id only. */
bool check_case_matches(int group, const check_case *c, const char *id, const char *selector);

/* The per-area tables (check_cases_*.c), concatenated by check_cases.c. */
extern const check_case check_cases_frames[];
extern const size_t check_cases_frames_count;
extern const check_case check_cases_http[];
extern const size_t check_cases_http_count;
extern const check_case check_cases_hpack[];
extern const size_t check_cases_hpack_count;
extern const check_case check_cases_ext[];
extern const size_t check_cases_ext_count;
extern const check_case check_cases_ext_client[];
extern const size_t check_cases_ext_client_count;
extern const check_case check_cases_robust[];
extern const size_t check_cases_robust_count;
extern const check_case check_cases_client[];
extern const size_t check_cases_client_count;

#endif
