/* serve_files.h — `serve --dir`: maps a request's :path to a regular file
 * under the served directory without ever leaving it (no "..", no dotfiles,
 * no symbolic links, no FIFOs or devices), and reads files in chunks with
 * pread so a file truncated during a transfer ends the stream instead of
 * the server (no mmap, no SIGBUS). */
#ifndef H2SCOPE_SERVE_FILES_H
#define H2SCOPE_SERVE_FILES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Longest :path (without query) looked up; longer ones get 414. */
#define SERVE_PATH_MAX 4096u

typedef struct serve_file {
  int status;        /* 200, or the HTTP status to answer with (400, 404, 414, 503) */
  int fd;            /* status 200: the open file (O_NONBLOCK, O_NOFOLLOW), else -1 */
  uint64_t size;     /* status 200: its size when opened */
  const char *ctype; /* content-type for its name */
  struct stat st;    /* status 200: fstat of fd (the cache's key) */
} serve_file;

/* Opens the file :path names under dirfd. A directory's index.html is
 * served for the directory (RFC 3986 path "/" included). */
void serve_file_open(int dirfd, const char *path, serve_file *out);

/* Opens --dir; -1 with errno (ENOTDIR for a file) otherwise. */
int serve_dir_open(const char *dir);

#endif
