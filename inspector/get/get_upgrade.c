/* get_upgrade.c — the HTTP/1.1 Upgrade: h2c handshake of `get --upgrade`
 * (get_upgrade.h). */
#include "get_upgrade.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "get_transport.h"

/* RFC 4648 §5 base64url without padding (HTTP2-Settings, RFC 7540 §3.2.1). */
static void base64url(const uint8_t *in, size_t n, char *out) {
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) |
                 (i + 2 < n ? in[i + 2] : 0);
    out[o++] = a[(v >> 18) & 63];
    out[o++] = a[(v >> 12) & 63];
    if (i + 1 < n) out[o++] = a[(v >> 6) & 63];
    if (i + 2 < n) out[o++] = a[v & 63];
  }
  out[o] = 0;
}

bool get_upgrade(int fd, const char *authority, const char *path, uint8_t *extra,
                 size_t *extra_len) {
  /* the SETTINGS payload the session sends too: MAX_CONCURRENT_STREAMS 128 */
  uint8_t settings[12] = {0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 128};
  char b64[32];
  base64url(settings, sizeof settings, b64);
  char req[4096];
  int n = snprintf(req, sizeof req,
                   "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                   "Upgrade: h2c\r\nHTTP2-Settings: %s\r\nUser-Agent: h2scope\r\n\r\n",
                   path, authority, b64);
  if (n < 0 || (size_t)n >= sizeof req) {
    fputs("h2scope get: the URL is too long for the HTTP/1.1 upgrade request\n", stderr);
    return false;
  }
  if (write(fd, req, (size_t)n) != n) {
    fputs("h2scope get: cannot send the HTTP/1.1 upgrade request\n", stderr);
    return false;
  }
  char resp[GET_UPGRADE_EXTRA];
  size_t len = 0;
  char *end = NULL;
  while (!end) {
    if (len == sizeof resp - 1) {
      fputs("h2scope get: the server's answer to the upgrade is too long\n", stderr);
      return false;
    }
    ssize_t r = read(fd, resp + len, sizeof resp - 1 - len);
    if (r <= 0) {
      fprintf(stderr, "h2scope get: %s during the HTTP/1.1 upgrade\n",
              r < 0 && get_transport_errno_timed_out() ? "timed out waiting for the server"
                                                       : "the connection closed");
      return false;
    }
    len += (size_t)r;
    resp[len] = 0;
    end = strstr(resp, "\r\n\r\n");
  }
  if (strncmp(resp, "HTTP/1.1 101", 12) != 0) {
    if (strncmp(resp, "HTTP/", 5) != 0) {
      fputs("h2scope get: the server did not answer the upgrade in HTTP/1.1\n", stderr);
      return false;
    }
    fprintf(stderr, "h2scope get: the server refused the upgrade: %.*s\n",
            (int)strcspn(resp, "\r\n"), resp);
    return false;
  }
  size_t head = (size_t)(end + 4 - resp);
  *extra_len = len - head;
  memcpy(extra, resp + head, *extra_len);
  return true;
}
