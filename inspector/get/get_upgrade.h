/* get_upgrade.h — `get --upgrade`: the HTTP/1.1 request with Upgrade: h2c
 * and HTTP2-Settings, and the server's 101 (RFC 7540 §3.2), before the
 * HTTP/2 session takes the connection over. */
#ifndef H2SCOPE_GET_UPGRADE_H
#define H2SCOPE_GET_UPGRADE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire_conn.h"

/* Room get_upgrade needs for the bytes read past the 101 response. */
#define GET_UPGRADE_EXTRA 8192

/* Sends GET path with Host: authority over w and reads up to the end of
 * the 101 response's header, each wait bounded by w's idle time; the bytes
 * read past it (the server's first HTTP/2 frames) go to extra
 * (GET_UPGRADE_EXTRA bytes). false with a message on stderr when the server
 * refuses, closes, or times out. */
bool get_upgrade(wire_conn *w, const char *authority, const char *path, uint8_t *extra,
                 size_t *extra_len);

#endif
