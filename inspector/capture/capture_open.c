/* capture_open.c — a capture file opened for libpcap through a stdio stream
 * of our own (fopencookie) whose reads feed the pcapng secrets scanner on the
 * way (capture_open.h). */
#define _GNU_SOURCE
#include "capture_open.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "h2/cursor.h"

/* The stdio buffer of the stream libpcap reads: every read of a cookie
 * stream is copied out of it (glibc's default xsgetn), which is why a file
 * that cannot hold secrets is not read through the tee. */
enum { TEE_BUFFER = 128 * 1024 };

/* Whether the file starts as a classic pcap file (the magic of either byte
 * order, in microseconds or nanoseconds): such a file has no blocks at all,
 * so no Decryption Secrets Block (pcapng, draft-ietf-opsawg-pcapng §4.7),
 * and libpcap may read it through an ordinary stream, without the tee's
 * extra copy of every byte. Reads at offset 0 without moving the file. */
static bool classic_pcap(int fd) {
  uint8_t m[4];
  if (pread(fd, m, sizeof m, 0) != (ssize_t)sizeof m) return false;
  h2_cursor c = h2_cursor_make(m, sizeof m);
  uint32_t be = 0;
  (void)h2_cursor_get_u32(&c, &be);
  return be == 0xa1b2c3d4u || be == 0xd4c3b2a1u || be == 0xa1b23c4du || be == 0x4d3cb2a1u;
}

/* libpcap on an open stream (timestamps in nanoseconds); the stream is
 * closed when libpcap refuses it. */
static pcap_t *pcap_on(FILE *fp, const char *name, char *err, size_t errcap) {
  char pcap_err[PCAP_ERRBUF_SIZE] = "";
  pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
  if (!p) {
    snprintf(err, errcap, "cannot read capture %s: %s", name, pcap_err);
    fclose(fp); /* libpcap leaves a stream it refused open */
  }
  return p;
}

/* libpcap on an ordinary stream over fd (a classic pcap file). */
static pcap_t *open_plain(int fd, const char *name, char *err, size_t errcap) {
  FILE *fp = fdopen(fd, "rb");
  if (!fp) {
    snprintf(err, errcap, "cannot read capture %s: %s", name, strerror(errno));
    close(fd);
    return NULL;
  }
  return pcap_on(fp, name, err, errcap);
}

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
  if (!from_stdin && classic_pcap(t->fd)) {
    int fd = t->fd;
    free(t);
    return open_plain(fd, name, err, errcap);
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
  return pcap_on(fp, name, err, errcap);
}
