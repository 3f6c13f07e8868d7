/* session_fields.c — field validity of a received header section (RFC 9113
 * §8.2 names and values, §8.2.2 connection-specific fields, §8.3 pseudo-header
 * fields) and content-length parsing (§8.1.1). A violation makes the message
 * malformed: a stream error PROTOCOL_ERROR. */
#include <string.h>

#include "h2/connection_fields.h"
#include "session_internal.h"

static bool name_is(const h2_header *h, const char *s) {
  size_t n = strlen(s);
  return h->name_len == n && !memcmp(h->name, s, n);
}

static bool value_is(const h2_header *h, const char *s) {
  size_t n = strlen(s);
  return h->value_len == n && !memcmp(h->value, s, n);
}

/* §8.2.1: no 0x00-0x20, no uppercase 0x41-0x5a, no 0x7f-0xff; ':' only first. */
static bool name_ok(const h2_header *h) {
  if (h->name_len == 0) return false;
  for (size_t i = 0; i < h->name_len; i++) {
    unsigned char c = (unsigned char)h->name[i];
    if (c <= 0x20 || (c >= 0x41 && c <= 0x5a) || c >= 0x7f) return false;
    if (c == ':' && i > 0) return false;
  }
  return true;
}

/* §8.2.1: no NUL, LF, CR; no leading or trailing SP/HTAB. */
static bool value_ok(const h2_header *h) {
  size_t n = h->value_len;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)h->value[i];
    if (c == 0 || c == '\n' || c == '\r') return false;
  }
  if (n && (h->value[0] == ' ' || h->value[0] == '\t' || h->value[n - 1] == ' ' ||
            h->value[n - 1] == '\t'))
    return false;
  return true;
}

static bool parse_length(const h2_header *h, int64_t *out) {
  if (h->value_len == 0 || h->value_len > 18) return false;
  int64_t v = 0;
  for (size_t i = 0; i < h->value_len; i++) {
    if (h->value[i] < '0' || h->value[i] > '9') return false;
    v = v * 10 + (h->value[i] - '0');
  }
  *out = v;
  return true;
}

const char *h2s_fields_check(const h2_header *h, size_t n, int kind, int64_t *content_length,
                             bool *informational, bool *is_head, bool *is_connect) {
  *content_length = -1;
  *informational = *is_head = *is_connect = false;
  bool regular_seen = false;
  int method = 0, scheme = 0, path = 0, authority = 0, status = 0, protocol = 0;
  const h2_header *path_h = NULL, *method_h = NULL, *scheme_h = NULL;
  for (size_t i = 0; i < n; i++) {
    const h2_header *f = &h[i];
    if (!f->name || !f->value) return "field-unknown";
    if (!name_ok(f))
      return f->name_len && f->name[0] == ':' ? "bad-pseudo-header" : "bad-field-name";
    if (!value_ok(f)) return "bad-field-value";
    if (f->name[0] == ':') {
      /* §8.3: pseudo-header fields come first, only the defined ones, once each. */
      if (regular_seen) return "pseudo-header-after-regular";
      if (kind == H2S_TRAILERS) return "pseudo-header-in-trailers";
      if (kind == H2S_REQUEST) {
        if (name_is(f, ":method"))
          method++, method_h = f;
        else if (name_is(f, ":scheme"))
          scheme++, scheme_h = f;
        else if (name_is(f, ":path"))
          path++, path_h = f;
        else if (name_is(f, ":authority"))
          authority++;
        else if (name_is(f, ":protocol"))
          protocol++;
        else
          return "unknown-pseudo-header";
      } else {
        if (name_is(f, ":status"))
          status++;
        else
          return "unknown-pseudo-header";
        if (f->value_len != 3) return "bad-status";
        for (int k = 0; k < 3; k++)
          if (f->value[k] < '0' || f->value[k] > '9') return "bad-status";
        if (f->value[0] == '1') *informational = true;
      }
      if (method > 1 || scheme > 1 || path > 1 || authority > 1 || status > 1 || protocol > 1)
        return "duplicate-pseudo-header";
      continue;
    }
    regular_seen = true;
    /* §8.2.2: connection-specific fields are not used in HTTP/2. */
    if (h2_field_connection_specific(f->name, f->name_len)) return "connection-specific-field";
    if (h2_field_te_forbidden(f->name, f->name_len, f->value, f->value_len))
      return "te-not-trailers";
    if (name_is(f, "content-length") && kind != H2S_TRAILERS) {
      int64_t v;
      if (!parse_length(f, &v)) return "bad-content-length";
      if (*content_length >= 0 && *content_length != v) return "bad-content-length";
      *content_length = v;
    }
  }
  if (kind == H2S_REQUEST) {
    bool connect = method_h && value_is(method_h, "CONNECT");
    *is_connect = connect;
    *is_head = method_h && value_is(method_h, "HEAD");
    if (!method) return "missing-pseudo-header";
    if (connect && !protocol) {
      /* §8.5: CONNECT has :authority and no :scheme nor :path. */
      if (!authority || scheme || path) return "bad-connect-request";
    } else {
      if (!scheme || !path) return "missing-pseudo-header";
      if (protocol && !connect) return "protocol-without-connect";
      /* §8.3.1: :path is not empty for http/https URIs. */
      if (path_h->value_len == 0) return "empty-path";
      (void)scheme_h;
    }
  } else if (kind == H2S_RESPONSE) {
    if (!status) return "missing-pseudo-header";
  }
  return NULL;
}
