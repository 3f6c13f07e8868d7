/* target_output.h — the target's output under watch: a thread drains the
 * read end of the pipe its stderr (and stdout) write into, so a chatty
 * target never blocks on a full pipe whatever its watcher is doing; keeps
 * the last bytes (a bounded tail) and scans every complete line for the
 * first line of a sanitizer report. Used by target_monitor.c, one per start
 * of the target. */
#ifndef H2SCOPE_TARGET_OUTPUT_H
#define H2SCOPE_TARGET_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct target_output target_output;

/* Starts draining fd (which it then owns and closes), keeping the last
 * `keep` bytes; with passthru, also copies everything to our stderr. NULL
 * (fd closed) when memory or a thread is short. */
target_output *target_output_start(int fd, size_t keep, bool passthru);

/* Waits up to timeout_ms for the end of the output (every writer closed the
 * pipe): true when it came. */
bool target_output_wait_end(target_output *o, int timeout_ms);

/* Whether a sanitizer report line was seen; its first line into line
 * (cap bytes, NUL-terminated, cut when longer). */
bool target_output_report(target_output *o, char *line, size_t cap);

/* A copy of the kept tail (valid until the next call or target_output_stop). */
const char *target_output_tail(target_output *o, size_t *len);

/* Stops the thread, closes the pipe and frees. NULL is fine. */
void target_output_stop(target_output *o);

/* Whether one line of output (without its newline) starts a sanitizer
 * report: AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer's
 * "runtime error:", ThreadSanitizer, MemorySanitizer. */
bool target_output_is_report(const char *line, size_t len);

#endif
