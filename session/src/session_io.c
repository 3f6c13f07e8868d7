/* session_io.c — the blocking put/take wrapper of session_io.h: flushes the
 * session's output through the transport, reads into a buffer, feeds the
 * session and hands out its events one by one. */
#include "h2/session_io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IO_BUF (64 * 1024)

struct h2_session_io {
  h2_session *s;
  h2_transport t;
  int fd;
  uint8_t in[IO_BUF];
  size_t in_off, in_len; /* received, not yet consumed by the session */
  uint8_t out[IO_BUF];
  bool eof, error;
};

static ssize_t fd_read(void *ctx, uint8_t *buf, size_t cap) {
  int fd = *(int *)ctx;
  for (;;) {
    ssize_t n = read(fd, buf, cap);
    if (n >= 0 || errno != EINTR) return n;
  }
}

static ssize_t fd_write(void *ctx, const uint8_t *buf, size_t len) {
  int fd = *(int *)ctx;
  for (;;) {
    ssize_t n = write(fd, buf, len);
    if (n >= 0 || errno != EINTR) return n;
  }
}

h2_session_io *h2_session_io_new(h2_session *s, const h2_transport *t) {
  h2_session_io *io = calloc(1, sizeof *io);
  if (!io) return NULL;
  io->s = s;
  io->t = *t;
  return io;
}

h2_session_io *h2_session_io_new_fd(h2_session *s, int fd) {
  h2_transport t = {fd_read, fd_write, NULL};
  h2_session_io *io = h2_session_io_new(s, &t);
  if (!io) return NULL;
  io->fd = fd;
  io->t.ctx = &io->fd;
  return io;
}

void h2_session_io_free(h2_session_io *io) {
  free(io);
}

bool h2_session_io_flush(h2_session_io *io) {
  if (io->error) return false;
  size_t n;
  while ((n = h2_session_output(io->s, io->out, sizeof io->out)) > 0) {
    size_t off = 0;
    while (off < n) {
      ssize_t w = io->t.write(io->t.ctx, io->out + off, n - off);
      if (w <= 0) {
        io->error = true;
        return false;
      }
      off += (size_t)w;
    }
  }
  return true;
}

bool h2_session_io_push_input(h2_session_io *io, const uint8_t *bytes, size_t len) {
  if (io->in_off) {
    memmove(io->in, io->in + io->in_off, io->in_len);
    io->in_off = 0;
  }
  if (len > sizeof io->in - io->in_len) return false;
  memcpy(io->in + io->in_len, bytes, len);
  io->in_len += len;
  return true;
}

bool h2_session_io_take(h2_session_io *io, h2_event *ev) {
  for (;;) {
    if (h2_session_take_event(io->s, ev)) return true;
    /* Input already received goes in before anything new is read. */
    if (io->in_len) {
      size_t used = h2_session_recv(io->s, io->in + io->in_off, io->in_len);
      io->in_off += used;
      io->in_len -= used;
      if (io->in_len == 0) io->in_off = 0;
      if (h2_session_take_event(io->s, ev)) return true;
      if (used) continue;
    }
    if (!h2_session_io_flush(io)) return false;
    if (h2_session_take_event(io->s, ev)) return true;
    if (io->eof || io->error || !h2_session_want_read(io->s)) return false;
    if (io->in_off) {
      memmove(io->in, io->in + io->in_off, io->in_len);
      io->in_off = 0;
    }
    ssize_t r = io->t.read(io->t.ctx, io->in + io->in_len, sizeof io->in - io->in_len);
    if (r == 0)
      io->eof = true;
    else if (r < 0)
      io->error = true;
    else
      io->in_len += (size_t)r;
  }
}
