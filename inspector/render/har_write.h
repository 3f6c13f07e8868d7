/* har_write.h — `h2scope read --har FILE`: the request/response exchanges of
 * every HTTP/2 connection as a HAR 1.2 log (http://www.softwareishard.com/
 * blog/har-12-spec/), for browser devtools and HAR viewers. One entry is one
 * exchange record of the tracker (talk/exchange_track.h), written when it
 * ends: request header list (HEADERS from the client, PUSH_PROMISE for
 * pushed streams, or the HTTP/1.1 request of an Upgrade), response header
 * list, body sizes on the wire and decoded, the response body (Content-
 * Encoding decoded: as text when it is UTF-8, otherwise base64 with
 * "encoding":"base64"; left out past body_max bytes) and the timings
 * (send: the request body, wait: until the response headers, receive: until
 * the end) from capture times. Only bodies of exchanges not written yet are
 * held, each at most body_max bytes. */
#ifndef H2SCOPE_HAR_WRITE_H
#define H2SCOPE_HAR_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "body_consumer.h"
#include "conn_facts.h"
#include "exchange.h"

/* Response bytes kept per entry by default (--har-body-max). */
#define HAR_DEFAULT_BODY_MAX (1u << 20)

typedef struct har_writer har_writer;

/* Creates FILE (mode 0600: it may hold credentials) and writes the log
 * header; NULL with a message in err. */
har_writer *har_open(const char *path, size_t body_max, char *err, size_t errcap);
/* The consumer that keeps the response bodies for the entries. */
body_consumer har_body_consumer(har_writer *w);
/* An exchange ended (exchange_sink.on_exchange): its entry is written
 * (exchanges whose request was not captured are left out). */
void har_exchange(har_writer *w, const conn_ends *c, const exchange *x);
/* `read -Y`: only the exchanges of streams selected with har_select are
 * written (call before the first frame). */
void har_set_filtered(har_writer *w);
/* A frame of this stream matched the display filter: its exchange is
 * written when it ends. Call before the frame reaches the tracker (which
 * may end the exchange). */
void har_select(har_writer *w, uint32_t conn, uint32_t stream);
/* Writes the log footer, closes the file. Returns 0, or -1 (errno set) when
 * a write failed or an exchange or body could not be kept for want of
 * memory (ENOMEM). Entries written are counted in *entries (may be NULL). */
int har_close(har_writer *w, uint64_t *entries);

#endif
