/* capture_files.h — the capture files named on the command line as one
 * capture: files and directories (a directory stands for the capture files
 * in it) expanded and put in time order, so a rotating set (tcpdump -C/-G/-W,
 * dumpcap -b, editcap -c) is read as the single capture it was cut from.
 * Order is by each file's first packet time, not by name: rotation names do
 * not always sort in time order (tcpdump -W wraps its numbers around). */
#ifndef H2SCOPE_CAPTURE_FILES_H
#define H2SCOPE_CAPTURE_FILES_H

#include <stddef.h>

typedef struct capture_file_set {
  char **paths; /* in reading order; owned */
  size_t count;
} capture_file_set;

/* Expands args into s. One argument that is not a directory (a file or "-"
 * for stdin) is taken as it is, unopened, so its errors come from reading
 * it. Otherwise every file is opened to read its first packet time: a named
 * file that is not a capture is an error; a directory's files that are not
 * captures (key logs, notes) are skipped, and a directory without captures
 * is an error. Files without packets go last; equal first times keep name
 * order. Returns 0, or non-zero with a message in err. */
int capture_file_set_build(capture_file_set *s, const char *const *args, size_t nargs, char *err,
                           size_t errcap);

void capture_file_set_free(capture_file_set *s);

#endif
