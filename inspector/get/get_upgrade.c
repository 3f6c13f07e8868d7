/* get_upgrade.c — the HTTP/1.1 Upgrade: h2c handshake of `get --upgrade`
 * (get_upgrade.h). */
#include "get_upgrade.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "get_session.h"
#include "h2/session.h"

/* RFC 4648 §5 base64url without padding (HTTP2-Settings, RFC 7540 §3.2.1):
 * OpenSSL's base64, then the URL-safe alphabet and no '='. out holds
 * 4 * ((n + 2) / 3) + 1 bytes. */
static void base64url(const uint8_t *in, size_t n, char *out) {
  int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);
  while (len > 0 && out[len - 1] == '=')
    len--;
  out[len] = 0;
  for (char *p = out; *p; p++)
    *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
}

/* The deadline of one wait for the server: w's idle time from now (0: none). */
static double idle_deadline(const wire_conn *w) {
  return w->idle > 0 ? wire_now() + w->idle : 0;
}

bool get_upgrade(wire_conn *w, const char *authority, const char *path, uint8_t *extra,
                 size_t *extra_len) {
  /* the SETTINGS payload of the session that follows (RFC 7540 §3.2.1) */
  h2_session_config cfg;
  get_session_config(&cfg, true);
  uint8_t settings[36];
  size_t sn = h2_session_settings_payload(&cfg, settings, sizeof settings);
  char b64[4 * ((sizeof settings + 2) / 3) + 1];
  base64url(settings, sn, b64);
  char req[4096];
  int n = snprintf(req, sizeof req,
                   "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                   "Upgrade: h2c\r\nHTTP2-Settings: %s\r\nUser-Agent: h2scope\r\n\r\n",
                   path, authority, b64);
  if (n < 0 || (size_t)n >= sizeof req) {
    fputs("h2scope get: the URL is too long for the HTTP/1.1 upgrade request\n", stderr);
    return false;
  }
  if (wire_write_all(w, (const uint8_t *)req, (size_t)n, idle_deadline(w)) != WIRE_OK) {
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
    size_t r = 0;
    wire_status st =
        wire_read(w, (uint8_t *)resp + len, sizeof resp - 1 - len, idle_deadline(w), &r);
    if (st != WIRE_OK) {
      fprintf(stderr, "h2scope get: %s during the HTTP/1.1 upgrade\n",
              st == WIRE_TIMEOUT ? "timed out waiting for the server" : "the connection closed");
      return false;
    }
    len += r;
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
