/* har_write.h — `h2scope read --har FILE`: the request/response exchanges of
 * every HTTP/2 connection as a HAR 1.2 log (http://www.softwareishard.com/
 * blog/har-12-spec/), for browser devtools and HAR viewers. One exchange is
 * one stream: request header list (HEADERS from the client, PUSH_PROMISE for
 * pushed streams, or the HTTP/1.1 request of an Upgrade), response header
 * list, body sizes from DATA frames, timings from capture time. Entries are
 * written as soon as their stream is done (both sides ended, or reset) or
 * their connection closes, so only open streams are held in memory. */
#ifndef H2SCOPE_HAR_WRITE_H
#define H2SCOPE_HAR_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame_print.h"
#include "h2_conn.h"

/* Streams held open at once; beyond that the oldest is written as it is. */
#define HAR_MAX_OPEN 65536

typedef struct har_writer har_writer;

/* Creates FILE (mode 0600: it may hold credentials) and writes the log
 * header; NULL with a message in err. */
har_writer *har_open(const char *path, bool redact, char *err, size_t errcap);
/* Every decoded frame of connection c (before any output filter). */
void har_frame(har_writer *w, const h2_conn *c, int dir, const decoded_frame *d);
/* `read -Y`: only exchanges selected with har_select are written (call
 * before the first frame). */
void har_set_filtered(har_writer *w);
/* A frame of this stream matched the display filter: its exchange is
 * written. Call before har_frame for that frame (which may finish it). */
void har_select(har_writer *w, const h2_conn *c, uint32_t stream);
/* The HTTP/1.1 request that an Upgrade: h2c turned into stream 1. */
void har_upgrade_request(har_writer *w, const h2_conn *c, const h2_header *fields, size_t count);
/* The connection ends: its open exchanges are written as they are. */
void har_conn_close(har_writer *w, const h2_conn *c);
/* Writes what is left and the log footer, closes the file. Returns 0, or -1
 * when a write failed. Entries written are counted in *entries (may be NULL). */
int har_close(har_writer *w, uint64_t *entries);

#endif
