/* capture_open.c — a capture file opened for libpcap through a stdio stream
 * of our own (fopencookie) whose reads feed the pcapng secrets scanner on the
 * way (capture_open.h). */
#define _GNU_SOURCE
#include "capture_open.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The stdio buffer of the stream libpcap reads (its reads of small records
 * come from here; larger ones go straight through). */
enum { TEE_BUFFER = 128 * 1024 };

typedef struct file_tee {
  int fd;
  bool own_fd; /* not stdin */
  pcapng_scan scan;
} file_tee;

static ssize_t tee_read(void *cookie, char *buf, size_t size) {
  file_tee *t = cookie;
  ssize_t n;
  do {
    n = read(t->fd, buf, size);
  } while (n < 0 && errno == EINTR); /* a stop request is seen between packets */
  if (n > 0) pcapng_scan_feed(&t->scan, (const uint8_t *)buf, (size_t)n);
  return n;
}

static int tee_close(void *cookie) {
  file_tee *t = cookie;
  int rc = t->own_fd ? close(t->fd) : 0;
  pcapng_scan_free(&t->scan);
  free(t);
  return rc;
}

pcap_t *capture_open_file(const char *path, pcapng_secrets_fn fn, void *user, char *err,
                          size_t errcap) {
  bool from_stdin = !strcmp(path, "-");
  const char *name = from_stdin ? "from stdin" : path;
  file_tee *t = calloc(1, sizeof *t);
  if (!t) {
    snprintf(err, errcap, "cannot read capture %s: out of memory", name);
    return NULL;
  }
  t->fd = from_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
  t->own_fd = !from_stdin;
  if (t->fd < 0) {
    /* worded as libpcap words it */
    snprintf(err, errcap, "cannot read capture %s: %s: %s", name, path, strerror(errno));
    free(t);
    return NULL;
  }
  pcapng_scan_init(&t->scan, fn, user);
  cookie_io_functions_t io = {.read = tee_read, .close = tee_close};
  FILE *fp = fopencookie(t, "rb", io);
  if (!fp) {
    snprintf(err, errcap, "cannot read capture %s: %s", name, strerror(errno));
    (void)tee_close(t);
    return NULL;
  }
  (void)setvbuf(fp, NULL, _IOFBF, TEE_BUFFER);
  char pcap_err[PCAP_ERRBUF_SIZE] = "";
  pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
  if (!p) {
    snprintf(err, errcap, "cannot read capture %s: %s", name, pcap_err);
    fclose(fp); /* libpcap leaves a stream it refused open */
  }
  return p;
}
