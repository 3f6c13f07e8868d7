/* field_rules.c — RFC 9113 §8.2/§8.3/§8.1.1 checks of a decoded header list
 * (h2/field_rules.h), and the session's use of them (h2s_fields_check): the
 * first violation makes the message malformed, a stream error
 * PROTOCOL_ERROR (§8.1.1). */
#include "h2/field_rules.h"

#include <string.h>

#include "h2/connection_fields.h"
#include "session_internal.h"

#define S821 "RFC 9113 §8.2.1"
#define S822 "RFC 9113 §8.2.2"
#define S83 "RFC 9113 §8.3"
#define S831 "RFC 9113 §8.3.1"
#define S832 "RFC 9113 §8.3.2"

typedef struct checker {
  h2_field_violation_cb cb;
  void *user;
  size_t count;
  bool stopped;
} checker;

/* Out of line and cold: a violation is rare, and inlined at its thirty call
 * sites the compiler would build every violation's strings on each call of
 * h2_fields_check before knowing whether one is needed. */
__attribute__((noinline, cold)) static void broke(checker *k, size_t field, const char *rule,
                                                  const char *detail, const char *message,
                                                  const char *section) {
  if (k->stopped) return;
  h2_field_violation v = {rule, detail, message, section, field};
  k->count++;
  if (k->cb && !k->cb(k->user, &v)) k->stopped = true;
}

static bool is(const h2_header *h, const char *name) {
  size_t l = strlen(name);
  return h->name_len == l && !memcmp(h->name, name, l);
}

static bool value_is(const h2_header *h, const char *v) {
  size_t l = strlen(v);
  return h->value_len == l && !memcmp(h->value, v, l);
}

enum pseudo { P_METHOD, P_SCHEME, P_AUTHORITY, P_PATH, P_PROTOCOL, P_STATUS, P_COUNT };
/* The pseudo-header index of h (its name starts with ':'), or -1: by
 * length, then the whole name against one literal (compared inline). */
static int pseudo_of(const h2_header *h) {
  const char *n = h->name;
  switch (h->name_len) {
  case 5:
    return !memcmp(n, ":path", 5) ? P_PATH : -1;
  case 7:
    if (!memcmp(n, ":method", 7)) return P_METHOD;
    if (!memcmp(n, ":scheme", 7)) return P_SCHEME;
    return !memcmp(n, ":status", 7) ? P_STATUS : -1;
  case 9:
    return !memcmp(n, ":protocol", 9) ? P_PROTOCOL : -1;
  case 10:
    return !memcmp(n, ":authority", 10) ? P_AUTHORITY : -1;
  default:
    return -1;
  }
}

/* §8.2.1, by byte: names must not hold 0x00-0x20 or 0x7f-0xff (BAD), nor
 * uppercase 0x41-0x5a (UPPER), nor a colon past the first octet (COLON);
 * values must not hold NUL, LF or CR (CTL). One table lookup per octet, one
 * pass per string. */
enum { C_UPPER = 1, C_BAD = 2, C_COLON = 4, C_CTL = 8 };
#define B C_BAD
#define U C_UPPER
#define K C_COLON
#define X (C_BAD | C_CTL)
/* clang-format off */
static const uint8_t octet_class[] = {
    X, B, B, B, B, B, B, B, B, B, X, B, B, X, B, B, /* 0x00: NUL, LF, CR */
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, /* 0x10 */
    B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20: space */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, K, 0, 0, 0, 0, 0, /* 0x30: ':' */
    0, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, /* 0x40: 'A'.. */
    U, U, U, U, U, U, U, U, U, U, U, 0, 0, 0, 0, 0, /* 0x50: ..'Z' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, B, /* 0x70: DEL */
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, /* 0x80: non-ASCII */
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, /* 0x90: non-ASCII */
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, /* 0xa0: non-ASCII */
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, /* 0xb0: non-ASCII */
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, /* 0xc0: non-ASCII */
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, /* 0xd0: non-ASCII */
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, /* 0xe0: non-ASCII */
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, /* 0xf0: non-ASCII */
};
/* clang-format on */
#undef B
#undef U
#undef K
#undef X
_Static_assert(sizeof octet_class == 256, "one class per octet");

static void check_octets(checker *k, size_t i, const h2_header *h) {
  const unsigned char *p = (const unsigned char *)h->name;
  uint8_t name = h->name_len ? octet_class[p[0]] & (uint8_t)~C_COLON : 0, value = 0;
  for (size_t j = 1; j < h->name_len; j++)
    name |= octet_class[p[j]];
  p = (const unsigned char *)h->value;
  for (size_t j = 0; j < h->value_len; j++)
    value |= octet_class[p[j]];
  if (h->name_len == 0)
    broke(k, i, "field-invalid", "bad-field-name", "empty field name (malformed)", S821);
  if (name & C_UPPER)
    broke(k, i, "field-invalid", "bad-field-name",
          "field name with uppercase characters (malformed)", S821);
  if (name & (C_BAD | C_COLON))
    broke(k, i, "field-invalid", "bad-field-name",
          "field name with a control, space, non-ASCII or colon character (malformed)", S821);
  if (value & C_CTL)
    broke(k, i, "field-invalid", "bad-field-value", "field value with CR, LF or NUL (malformed)",
          S821);
  size_t n = h->value_len;
  if (n && (h->value[0] == ' ' || h->value[0] == '\t' || h->value[n - 1] == ' ' ||
            h->value[n - 1] == '\t'))
    broke(k, i, "field-invalid", "bad-field-value",
          "field value starting or ending with whitespace (malformed)", S821);
}

/* §8.1.1: a content-length is digits; several must agree. */
static void note_length(checker *k, size_t i, const h2_header *h, h2_field_facts *f) {
  int64_t v = 0;
  bool ok = h->value_len > 0 && h->value_len <= 18;
  for (size_t j = 0; ok && j < h->value_len; j++) {
    ok = h->value[j] >= '0' && h->value[j] <= '9';
    v = v * 10 + (h->value[j] - '0');
  }
  if (!ok || (f->content_length >= 0 && f->content_length != v)) {
    broke(k, i, "content-length-mismatch", "bad-content-length",
          ok ? "content-length fields that disagree (malformed)"
             : "content-length that is not a number (malformed)",
          "RFC 9113 §8.1.1");
    return;
  }
  f->content_length = v;
}

/* A pseudo-header field at index i: §8.3's order, names and counts. Its
 * enum pseudo, or -1 when it is not one of the defined ones. */
static int check_pseudo(checker *k, int kind, size_t i, const h2_header *h, bool regular_seen,
                        unsigned seen[P_COUNT]) {
  if (regular_seen)
    broke(k, i, "pseudo-header-invalid", "pseudo-header-after-regular",
          "pseudo-header field after a regular field (malformed)", S83);
  if (kind == H2_FIELDS_TRAILERS)
    broke(k, i, "pseudo-header-invalid", "pseudo-header-in-trailers",
          "pseudo-header field in trailers (malformed)", "RFC 9113 §8.1");
  int p = pseudo_of(h);
  if (p < 0) {
    broke(k, i, "pseudo-header-invalid", "unknown-pseudo-header",
          "unknown pseudo-header field (malformed)", S83);
    return -1;
  }
  if (seen[p]++)
    broke(k, i, "pseudo-header-invalid", "duplicate-pseudo-header",
          "pseudo-header field repeated (malformed)", S831);
  if (kind == H2_FIELDS_REQUEST && p == P_STATUS)
    broke(k, i, "pseudo-header-invalid", "unknown-pseudo-header",
          ":status in a request (malformed)", S832);
  if (kind == H2_FIELDS_RESPONSE && p != P_STATUS)
    broke(k, i, "pseudo-header-invalid", "unknown-pseudo-header",
          "request pseudo-header field in a response (malformed)", S832);
  return p;
}

static void check_request(checker *k, const unsigned seen[P_COUNT], const h2_header *path,
                          const h2_field_facts *f) {
  if (f->unknown) return; /* a pseudo-header may be among the unknown fields */
  if (f->is_connect && !seen[P_PROTOCOL]) {
    /* §8.5: CONNECT carries :method and :authority only. */
    if (seen[P_SCHEME] || seen[P_PATH] || !seen[P_AUTHORITY])
      broke(k, SIZE_MAX, "pseudo-header-invalid", "bad-connect-request",
            "CONNECT request needs :authority and no :scheme or :path (malformed)",
            "RFC 9113 §8.5");
  } else if (f->is_connect && (!seen[P_SCHEME] || !seen[P_PATH])) {
    /* RFC 8441 §4: an extended CONNECT includes :scheme and :path */
    broke(k, SIZE_MAX, "extended-connect-invalid", "extended-connect-without-path",
          "extended CONNECT (with :protocol) without :scheme or :path", "RFC 8441 §4");
  } else if (!seen[P_METHOD] || !seen[P_SCHEME] || !seen[P_PATH]) {
    broke(k, SIZE_MAX, "pseudo-header-invalid", "missing-pseudo-header",
          "request without one of :method, :scheme, :path (malformed)", S831);
  } else if (seen[P_PROTOCOL] && !f->is_connect) {
    broke(k, SIZE_MAX, "extended-connect-invalid", "protocol-without-connect",
          ":protocol in a request that is not CONNECT", "RFC 8441 §4");
  } else if (path && path->value_len == 0) {
    broke(k, SIZE_MAX, "pseudo-header-invalid", "empty-path", "empty :path (malformed)", S831);
  }
}

static int status_of(const h2_header *h) {
  if (!h || h->value_len != 3) return 0;
  int v = 0;
  for (size_t j = 0; j < 3; j++) {
    char c = h->value[j];
    if (c < '0' || c > '9') return 0;
    v = v * 10 + (c - '0');
  }
  return v;
}

size_t h2_fields_check(int kind, const h2_header *fields, const h2_hpack_field_info *infos,
                       size_t n, h2_field_facts *facts, h2_field_violation_cb cb, void *user) {
  checker k = {cb, user, 0, false};
  /* built in place: no copy of the facts at the end */
  h2_field_facts own, *f = facts ? facts : &own;
  *f = (h2_field_facts){.content_length = -1};
  unsigned seen[P_COUNT] = {0};
  const h2_header *method = NULL, *path = NULL, *status = NULL;
  bool regular_seen = false;
  for (size_t i = 0; i < n && !k.stopped; i++) {
    const h2_header *h = &fields[i];
    if (!h->name || !h->value) {
      f->unknown++;
      continue;
    }
    /* a field sent as an index was checked when it was sent as a literal */
    if (!infos || infos[i].rep != H2_HPACK_INDEXED) check_octets(&k, i, h);
    if (h->name_len && h->name[0] == ':') {
      int p = check_pseudo(&k, kind, i, h, regular_seen, seen);
      if (p == P_METHOD) method = h;
      if (p == P_PATH) path = h;
      if (p == P_STATUS) status = h;
      continue;
    }
    regular_seen = true;
    /* §8.2.2: HTTP/1.1 connection-specific fields have no meaning in HTTP/2
     * (connection_fields.h switches on the length itself). */
    if (h2_field_connection_specific(h->name, h->name_len))
      broke(&k, i, "connection-specific-field", "connection-specific-field",
            "connection-specific field (connection, keep-alive, proxy-connection, "
            "transfer-encoding, upgrade) (malformed)",
            S822);
    switch (h->name_len) {
    case 2:
      if (h2_field_te_forbidden(h->name, h->name_len, h->value, h->value_len))
        broke(&k, i, "connection-specific-field", "te-not-trailers",
              "te field with a value other than \"trailers\"", S822);
      break;
    case 8:
      if (is(h, "priority")) f->has_priority = true;
      break;
    case 14:
      if (kind != H2_FIELDS_TRAILERS && is(h, "content-length")) note_length(&k, i, h, f);
      break;
    }
  }
  f->status = status_of(status);
  f->informational = f->status >= 100 && f->status < 200;
  f->is_head = method && value_is(method, "HEAD");
  f->is_connect = method && value_is(method, "CONNECT");
  f->has_protocol = seen[P_PROTOCOL] > 0;
  if (kind == H2_FIELDS_REQUEST && !k.stopped) check_request(&k, seen, path, f);
  if (kind == H2_FIELDS_RESPONSE && !k.stopped && !f->unknown && f->status == 0)
    broke(&k, SIZE_MAX, "pseudo-header-invalid", status ? "bad-status" : "missing-pseudo-header",
          "response without a valid :status (malformed)", S832);
  return k.count;
}

/* ---- the session: the first violation ---- */

static bool first_only(void *user, const h2_field_violation *v) {
  *(const char **)user = v->detail;
  return false;
}

const char *h2s_fields_check(const h2_header *h, size_t n, int kind, bool connect_protocol,
                             int64_t *content_length, bool *informational, bool *is_head,
                             bool *is_connect) {
  const char *detail = NULL;
  h2_field_facts f;
  int section = kind == H2S_REQUEST    ? H2_FIELDS_REQUEST
                : kind == H2S_RESPONSE ? H2_FIELDS_RESPONSE
                                       : H2_FIELDS_TRAILERS;
  h2_fields_check(section, h, NULL, n, &f, first_only, &detail);
  /* the session's decoder knows every field: an unknown one is a bug */
  if (!detail && f.unknown) detail = "field-unknown";
  /* RFC 8441 §3: :protocol exists only once we sent
   * SETTINGS_ENABLE_CONNECT_PROTOCOL = 1; without it "a non-supporting peer
   * would detect a malformed request" (an undefined pseudo-header, §8.3). */
  if (!detail && section == H2_FIELDS_REQUEST && f.has_protocol && !connect_protocol)
    detail = "unknown-pseudo-header";
  *content_length = f.content_length;
  *informational = f.informational;
  *is_head = f.is_head;
  *is_connect = f.is_connect;
  return detail;
}
