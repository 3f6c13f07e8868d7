/* field_rules.c — RFC 9113 §8.2/§8.3 checks of a decoded header list
 * (field_rules.h). */
#include "field_rules.h"

#include <stdbool.h>
#include <string.h>

#include "h2/connection_fields.h"
#include "stream_states.h"

static void note(frame_note *notes, size_t *n, size_t cap, const char *rule, const char *message,
                 const char *section) {
  for (size_t i = 0; i < *n; i++)
    if (notes[i].message == message) return; /* one note per violation and frame */
  if (*n < cap) notes[(*n)++] = (frame_note){.rule = rule, .message = message, .section = section};
}

static bool is(const h2_header *h, const char *name) {
  size_t l = strlen(name);
  return h->name_len == l && !memcmp(h->name, name, l);
}

enum pseudo { P_METHOD, P_SCHEME, P_AUTHORITY, P_PATH, P_PROTOCOL, P_STATUS, P_COUNT };
static const char *const pseudo_names[P_COUNT] = {":method", ":scheme",   ":authority",
                                                  ":path",   ":protocol", ":status"};

enum { CLASS_UPPER = 1, CLASS_CTL = 2 };
/* CLASS_UPPER: 'A'..'Z' (§8.2.1: names are lowercase); CLASS_CTL: NUL, LF,
 * CR (§8.2.1: never valid in a value). */
static const uint8_t byte_class[256] = {
    [0] = CLASS_CTL, ['\n'] = CLASS_CTL, ['\r'] = CLASS_CTL, ['A'] = 1, ['B'] = 1, ['C'] = 1,
    ['D'] = 1,       ['E'] = 1,          ['F'] = 1,          ['G'] = 1, ['H'] = 1, ['I'] = 1,
    ['J'] = 1,       ['K'] = 1,          ['L'] = 1,          ['M'] = 1, ['N'] = 1, ['O'] = 1,
    ['P'] = 1,       ['Q'] = 1,          ['R'] = 1,          ['S'] = 1, ['T'] = 1, ['U'] = 1,
    ['V'] = 1,       ['W'] = 1,          ['X'] = 1,          ['Y'] = 1, ['Z'] = 1,
};

/* The pseudo-header index of h (its name starts with ':'), or -1. */
static int pseudo_of(const h2_header *h) {
  int p;
  switch (h->name_len) {
  case 5:
    p = P_PATH;
    break;
  case 7:
    p = h->name[1] == 'm' ? P_METHOD : h->name[2] == 'c' ? P_SCHEME : P_STATUS;
    break;
  case 9:
    p = P_PROTOCOL;
    break;
  case 10:
    p = P_AUTHORITY;
    break;
  default:
    return -1;
  }
  return is(h, pseudo_names[p]) ? p : -1;
}

void field_rules_check(int kind, const h2_header *fields, const h2_hpack_field_info *infos,
                       size_t count, frame_note *notes, size_t *n, size_t cap, int *status) {
  bool regular_seen = false, unknown_field = false;
  unsigned seen[P_COUNT] = {0};
  const h2_header *method = NULL, *path = NULL, *status_field = NULL;
  *status = 0;
  for (size_t i = 0; i < count; i++) {
    const h2_header *h = &fields[i];
    if (!h->name || !h->value) {
      unknown_field = true;
      continue;
    }
    /* The octets of a field sent as an index into the dynamic table were
     * checked when it was sent literally (its insertion): only literals are
     * scanned, in one branch-free pass per string. */
    bool literal = !infos || infos[i].rep != H2_HPACK_INDEXED;
    uint8_t acc = 0;
    if (literal)
      for (size_t k = 0; k < h->name_len; k++)
        acc |= byte_class[(unsigned char)h->name[k]];
    if (acc & CLASS_UPPER)
      note(notes, n, cap, "field-invalid", "field name with uppercase characters (malformed)",
           "RFC 9113 §8.2.1");
    acc = 0;
    if (literal)
      for (size_t k = 0; k < h->value_len; k++)
        acc |= byte_class[(unsigned char)h->value[k]];
    if (acc & CLASS_CTL)
      note(notes, n, cap, "field-invalid", "field value with CR, LF or NUL (malformed)",
           "RFC 9113 §8.2.1");
    if (h->name_len && h->name[0] == ':') {
      if (regular_seen)
        note(notes, n, cap, "pseudo-header-invalid",
             "pseudo-header field after a regular field (malformed)", "RFC 9113 §8.3");
      int p = pseudo_of(h);
      if (p < 0) {
        note(notes, n, cap, "pseudo-header-invalid", "unknown pseudo-header field (malformed)",
             "RFC 9113 §8.3");
        continue;
      }
      if (seen[p]++)
        note(notes, n, cap, "pseudo-header-invalid", "pseudo-header field repeated (malformed)",
             "RFC 9113 §8.3.1");
      if (p == P_METHOD)
        method = h;
      else if (p == P_PATH)
        path = h;
      else if (p == P_STATUS)
        status_field = h;
      continue;
    }
    regular_seen = true;
    /* §8.2.2: HTTP/1.1 connection-specific fields have no meaning in HTTP/2. */
    if (h2_field_connection_specific(h->name, h->name_len))
      note(notes, n, cap, "connection-specific-field",
           "connection-specific field (connection, keep-alive, proxy-connection, "
           "transfer-encoding, upgrade) (malformed)",
           "RFC 9113 §8.2.2");
    else if (h2_field_te_forbidden(h->name, h->name_len, h->value, h->value_len))
      note(notes, n, cap, "connection-specific-field",
           "te field with a value other than \"trailers\"", "RFC 9113 §8.2.2");
  }
  if (status_field && status_field->value_len == 3) {
    int v = 0;
    for (size_t k = 0; k < 3 && v >= 0; k++) {
      char ch = status_field->value[k];
      v = ch >= '0' && ch <= '9' ? v * 10 + (ch - '0') : -1;
    }
    *status = v > 0 ? v : 0;
  }
  unsigned any_pseudo = 0;
  for (int k = 0; k < P_COUNT; k++)
    any_pseudo += seen[k];
  switch (kind) {
  case FIELD_BLOCK_REQUEST: {
    if (seen[P_STATUS])
      note(notes, n, cap, "pseudo-header-invalid", ":status in a request (malformed)",
           "RFC 9113 §8.3.2");
    bool connect = method && method->value_len == 7 && !memcmp(method->value, "CONNECT", 7);
    if (unknown_field) break;
    if (connect && !seen[P_PROTOCOL]) {
      /* §8.5: CONNECT carries :method and :authority only. */
      if (seen[P_SCHEME] || seen[P_PATH] || !seen[P_AUTHORITY])
        note(notes, n, cap, "pseudo-header-invalid",
             "CONNECT request needs :authority and no :scheme or :path (malformed)",
             "RFC 9113 §8.5");
    } else if (!seen[P_METHOD] || !seen[P_SCHEME] || !seen[P_PATH]) {
      note(notes, n, cap, "pseudo-header-invalid",
           "request without one of :method, :scheme, :path (malformed)", "RFC 9113 §8.3.1");
    } else if (path && path->value_len == 0) {
      note(notes, n, cap, "pseudo-header-invalid", "empty :path (malformed)", "RFC 9113 §8.3.1");
    }
    break;
  }
  case FIELD_BLOCK_RESPONSE:
    if (seen[P_METHOD] || seen[P_SCHEME] || seen[P_AUTHORITY] || seen[P_PATH] || seen[P_PROTOCOL])
      note(notes, n, cap, "pseudo-header-invalid",
           "request pseudo-header field in a response (malformed)", "RFC 9113 §8.3.2");
    if (!unknown_field && (!status_field || *status == 0))
      note(notes, n, cap, "pseudo-header-invalid", "response without a valid :status (malformed)",
           "RFC 9113 §8.3.2");
    break;
  case FIELD_BLOCK_TRAILERS:
    if (any_pseudo)
      note(notes, n, cap, "pseudo-header-invalid", "pseudo-header field in trailers (malformed)",
           "RFC 9113 §8.1");
    break;
  default:
    break;
  }
}
