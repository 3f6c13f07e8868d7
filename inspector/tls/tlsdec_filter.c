/* tlsdec_filter.c — the TLS-decrypting flow_consumer filter: TLS detection,
 * record reassembly, handshake tracking, key schedule switching and delivery
 * of decrypted application data to the inner consumer. */
#include "tlsdec_filter.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdec_crypto.h"
#include "tlsdec_hello.h"

/* RFC 5246 §6.2.3: TLSCiphertext.length ≤ 2^14 + 2048 (TLS 1.3 lowers it to
 * 2^14 + 256, RFC 8446 §5.2; we accept the larger bound for both). */
#define TLS_MAX_RECORD (TLS_MAX_PLAINTEXT + 2048u)
#define TLS_HEADER_LEN 5
/* Hello messages are kept for parsing up to this size; others are skipped. */
#define TLS_MAX_KEPT_HANDSHAKE 65536u

enum { CT_CHANGE_CIPHER_SPEC = 20, CT_ALERT = 21, CT_HANDSHAKE = 22, CT_APPLICATION_DATA = 23 };
enum { MODE_UNDECIDED = 0, MODE_PASSTHROUGH, MODE_TLS };
enum { ROLE_CLIENT = 0, ROLE_SERVER = 1 };
/* TLS 1.3 key stages of a direction. */
enum { STAGE_PLAIN = 0, STAGE_HANDSHAKE, STAGE_APPLICATION };
enum { EARLY_NONE = 0, EARLY_OPEN, EARLY_DONE };
/* Early plaintext held while the server's verdict is unknown; more is given
 * on as if accepted (servers cap 0-RTT data far lower: nginx 16 KiB). */
#define TLS_EARLY_HOLD_MAX (1u << 20)
/* Records held per connection while a live capture waits for its secrets. */
#define TLS_PENDING_MAX (1u << 20)

enum {
  NOTE_NO_KEYS = 1 << 0,
  NOTE_UNSUPPORTED = 1 << 1,
  NOTE_DECRYPT_FAILED = 1 << 2,
  NOTE_GAP = 1 << 3,
  NOTE_MALFORMED = 1 << 4,
};

typedef struct tls_dir {
  uint64_t plain_offset; /* next plaintext offset given to the inner consumer */
  /* detection */
  uint8_t sniff[TLS_HEADER_LEN];
  uint8_t sniff_len;
  uint64_t sniff_offset;
  /* record reassembly */
  uint8_t hdr[TLS_HEADER_LEN];
  uint8_t hdr_len;
  uint8_t *rec; /* fragment bytes of a record split across chunks */
  size_t rec_len, rec_cap;
  /* handshake message stream */
  uint8_t hs_hdr[4];
  uint8_t hs_hdr_len;
  uint8_t hs_type;
  uint32_t hs_len, hs_got;
  bool hs_keep;
  uint8_t *hs_buf;
  size_t hs_cap;
  /* protection */
  bool encrypted;                /* records of this direction are protected from now on */
  bool dead;                     /* stopped after a gap, failure or malformed record */
  int stage;                     /* TLS 1.3: STAGE_* */
  tls_record_cipher cipher;      /* current keys (evp NULL: none) */
  tls_record_cipher next_cipher; /* TLS 1.3: application keys waiting for Finished */
  bool app_keys_missing;         /* TLS 1.3: the key log has no *_TRAFFIC_SECRET_0 for it */
  /* TLS 1.3 0-RTT (RFC 8446 §2.3, §4.2.10), client side: the records right
   * after a ClientHello that offered early_data may be early data under
   * CLIENT_EARLY_TRAFFIC_SECRET. Its suite is the resumed session's, known
   * only from the ServerHello, so the suites of the secret's hash length are
   * tried. The plaintext is held until the server is known to have accepted
   * it (EncryptedExtensions early_data, or the client's EndOfEarlyData) or
   * rejected it (no EndOfEarlyData before the client's Finished, or a
   * HelloRetryRequest); rejected early data is not part of the connection. */
  uint8_t early;                     /* EARLY_* */
  tls_record_cipher early_cipher[2]; /* candidates; [0] once one has opened a record */
  uint8_t *early_buf;
  size_t early_len, early_cap;
  uint64_t early_unread; /* plaintext bound of early records that could not be opened */
  double early_ts;       /* capture time of the first early plaintext held */
  tls_record_keys pending12;     /* TLS 1.2: keys that start with this side's CCS */
  bool have_pending12;
  uint8_t app_secret[TLS_MAX_HASH_LEN]; /* TLS 1.3: current application traffic secret */
  bool have_app_secret;
} tls_dir;

typedef struct tls_flow {
  struct tls_flow *next; /* hash chain */
  uint32_t id;
  char ep0[64]; /* f->endpoint[0] when last seen: detects role swaps by the inner consumer */
  int flip;     /* capture dir = internal dir ^ flip */
  int mode;
  int client; /* internal dir of the TLS client, -1 unknown */
  bool have_client_hello;
  uint8_t client_random[32];
  uint8_t server_random[32];
  const tls_suite_info *suite;
  bool client_ems;
  unsigned noted; /* NOTE_* already reported */
  /* Live capture without the secrets yet (start_protection): the records of
   * both directions wait here, in capture order, [dir][ts][header][fragment]
   * each, until the key log has them (wait_for_keys). */
  bool awaiting_keys;
  bool waited_in_vain; /* a wait ended without the keys: no more waiting */
  bool keys_sought;    /* start_protection got to the key lookup (supported suite) */
  uint8_t *pending;
  size_t pending_len, pending_cap;
  tls_conn_info info;
  tls_dir dir[2];
} tls_flow;

struct tlsdec_filter {
  flow_consumer self;
  flow_consumer inner;
  keylog *keys;
  tls_flow **buckets;
  size_t nbuckets, count;
  uint8_t plain[TLS_MAX_RECORD]; /* decryption output, one record at a time */
};

/* ---- connection table ---- */

static size_t bucket_of(const tlsdec_filter *t, uint32_t id) {
  return (id * 2654435761u) & (t->nbuckets - 1);
}

static tls_flow *flow_find(const tlsdec_filter *t, const capture_flow *f) {
  for (tls_flow *s = t->buckets[bucket_of(t, f->id)]; s; s = s->next)
    if (s->id == f->id) return s;
  return NULL;
}

static void table_grow(tlsdec_filter *t) {
  size_t n = t->nbuckets * 2;
  tls_flow **nb = calloc(n, sizeof *nb);
  if (!nb) return; /* keep the longer chains */
  tls_flow **old = t->buckets;
  size_t oldn = t->nbuckets;
  t->buckets = nb;
  t->nbuckets = n;
  for (size_t i = 0; i < oldn; i++)
    for (tls_flow *s = old[i], *nx; s; s = nx) {
      nx = s->next;
      size_t b = bucket_of(t, s->id);
      s->next = nb[b];
      nb[b] = s;
    }
  free(old);
}

static void dir_release(tls_dir *d) {
  free(d->rec);
  free(d->hs_buf);
  free(d->early_buf);
  tls_record_cipher_free(&d->early_cipher[0]);
  tls_record_cipher_free(&d->early_cipher[1]);
  tls_record_cipher_free(&d->cipher);
  tls_record_cipher_free(&d->next_cipher);
  d->rec = d->hs_buf = d->early_buf = NULL;
}

static void flow_release(tlsdec_filter *t, tls_flow *s) {
  tls_flow **pp = &t->buckets[bucket_of(t, s->id)];
  while (*pp && *pp != s)
    pp = &(*pp)->next;
  if (*pp) *pp = s->next;
  t->count--;
  dir_release(&s->dir[0]);
  dir_release(&s->dir[1]);
  free(s->pending);
  /* Secrets do not outlive the connection in our memory. */
  memset(s, 0, sizeof *s);
  free(s);
}

/* ---- calls to the inner consumer ---- */

/* Follows a capture_flow_swap_roles() done by the inner consumer. */
static void sync_roles(tls_flow *s, const capture_flow *f) {
  if (strncmp(s->ep0, f->endpoint[0], sizeof s->ep0) != 0) {
    s->flip ^= 1;
    snprintf(s->ep0, sizeof s->ep0, "%s", f->endpoint[0]);
  }
}

static void inner_bytes(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, uint64_t offset,
                        const uint8_t *data, size_t len, double ts) {
  if (t->inner.on_bytes) t->inner.on_bytes(t->inner.user, f, i ^ s->flip, offset, data, len, ts);
  sync_roles(s, f);
}

static void inner_gap(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, uint64_t offset,
                      uint64_t len, double ts) {
  if (t->inner.on_gap) t->inner.on_gap(t->inner.user, f, i ^ s->flip, offset, len, ts);
  sync_roles(s, f);
}

static void note(tlsdec_filter *t, tls_flow *s, capture_flow *f, unsigned bit, const char *kind,
                 double ts, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void note(tlsdec_filter *t, tls_flow *s, capture_flow *f, unsigned bit, const char *kind,
                 double ts, const char *fmt, ...) {
  if (s->noted & bit) return;
  s->noted |= bit;
  if (!s->info.problem) s->info.problem = kind;
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (t->inner.on_notice) t->inner.on_notice(t->inner.user, f, kind, msg, ts);
  sync_roles(s, f);
}

/* ---- key schedule ---- */

static bool install(tls_record_cipher *c, const tls_record_keys *k) {
  return tls_record_cipher_init(c, k, false) == 0;
}

/* TLS 1.3 secret from the key log with the suite's hash length, or NULL. */
static const uint8_t *find13(tlsdec_filter *t, tls_flow *s, keylog_label label) {
  size_t len = 0;
  const uint8_t *sec = t->keys ? keylog_find(t->keys, label, s->client_random, &len) : NULL;
  return sec && len == s->suite->hash_len ? sec : NULL;
}

static bool keys13(tls_flow *s, const uint8_t *secret, tls_record_cipher *c) {
  tls_record_keys k;
  return secret && tls13_traffic_keys(s->suite, secret, s->suite->hash_len, &k) == 0 &&
         install(c, &k);
}

static bool find_keys(tlsdec_filter *t, tls_flow *s);
static bool may_wait_for_keys(const tlsdec_filter *t, const tls_flow *s);
static void no_keys_note(tlsdec_filter *t, tls_flow *s, capture_flow *f, double ts);

/* Sets up both directions once the ServerHello fixed version and suite. */
static void start_protection(tlsdec_filter *t, tls_flow *s, capture_flow *f, double ts) {
  const tls_suite_info *suite = s->suite;
  if (s->info.version != 0x0303 && s->info.version != 0x0304) {
    note(t, s, f, NOTE_UNSUPPORTED, "tls-unsupported", ts, "%s is not decrypted",
         tls_version_name(s->info.version));
    return;
  }
  if (!suite || suite->aead == TLS_AEAD_NONE || suite->tls13 != (s->info.version == 0x0304)) {
    note(t, s, f, NOTE_UNSUPPORTED, "tls-unsupported", ts,
         "cipher suite %s (0x%04x) is not decrypted", s->info.suite_name, s->info.cipher_suite);
    return;
  }
  if (suite->tls13) {
    /* RFC 8446 §2: everything after the ServerHello is protected, first with
     * handshake traffic keys, then (after each side's Finished) application
     * traffic keys. */
    for (int r = 0; r < 2; r++) {
      s->dir[r].encrypted = true;
      s->dir[r].stage = STAGE_HANDSHAKE;
    }
  }
  s->keys_sought = true;
  bool found = find_keys(t, s);
  if (!found && t->keys && keylog_refresh(t->keys)) found = find_keys(t, s);
  if (!found && may_wait_for_keys(t, s)) {
    /* A live capture: the client may write its secrets just after this
     * packet. The connection's records wait for them (wait_for_keys). */
    s->awaiting_keys = true;
    return;
  }
  if (!found) no_keys_note(t, s, f, ts);
}

/* Looks the connection's secrets up and installs the keys it does not have
 * yet, for where each direction stands; true when any were installed. Called
 * at the ServerHello, and again when a live capture's key log grew. */
static bool find_keys(tlsdec_filter *t, tls_flow *s) {
  const tls_suite_info *suite = s->suite;
  tls_dir *cd = &s->dir[s->client], *sd = &s->dir[s->client ^ 1];
  if (suite->tls13) {
    static const keylog_label labels[4] = {
        KEYLOG_CLIENT_HANDSHAKE_TRAFFIC_SECRET, KEYLOG_CLIENT_TRAFFIC_SECRET_0,
        KEYLOG_SERVER_HANDSHAKE_TRAFFIC_SECRET, KEYLOG_SERVER_TRAFFIC_SECRET_0};
    tls_dir *dirs[2] = {cd, sd};
    bool installed = false;
    for (int r = 0; r < 2; r++) {
      tls_dir *d = dirs[r];
      const uint8_t *app = find13(t, s, labels[2 * r + 1]);
      /* the application keys go where the next records will need them */
      tls_record_cipher *app_slot = d->stage == STAGE_APPLICATION ? &d->cipher : &d->next_cipher;
      if (d->stage == STAGE_HANDSHAKE && !d->cipher.evp)
        installed |= keys13(s, find13(t, s, labels[2 * r]), &d->cipher);
      if (!d->have_app_secret && !app_slot->evp && keys13(s, app, app_slot)) {
        memcpy(d->app_secret, app, suite->hash_len);
        d->have_app_secret = true;
        installed = true;
      }
      /* With some of the secrets, what is missing is reported only when a
       * record needs it: a handshake that was abandoned (or a connection
       * closed before any application data) needs no application secrets,
       * and key logs often lack the handshake ones. */
      d->app_keys_missing = !d->have_app_secret;
    }
    if (installed) s->info.keys_found = true;
    return installed;
  }
  /* TLS 1.2: the master secret from CLIENT_RANDOM; each side switches to its
   * write keys after its ChangeCipherSpec (RFC 5246 §7.1). */
  if (s->info.keys_found) return false;
  size_t len = 0;
  const uint8_t *ms =
      t->keys ? keylog_find(t->keys, KEYLOG_CLIENT_RANDOM, s->client_random, &len) : NULL;
  if (!ms || len != 48 ||
      tls12_traffic_keys(suite, ms, s->client_random, s->server_random, &cd->pending12,
                         &sd->pending12) != 0)
    return false;
  s->info.keys_found = true;
  cd->have_pending12 = sd->have_pending12 = true;
  return true;
}

/* A live capture whose key log may still bring the secrets a record needs:
 * the connection starts to wait for them (wait_for_keys), once. */
static bool may_wait_for_keys(const tlsdec_filter *t, const tls_flow *s) {
  return s->keys_sought && t->keys && t->keys->follow && !s->waited_in_vain;
}

static void no_keys_note(tlsdec_filter *t, tls_flow *s, capture_flow *f, double ts) {
  note(t, s, f, NOTE_NO_KEYS, "tls-no-keys", ts,
       s->suite->tls13 ? "no TLS 1.3 traffic secrets in the key log for this connection"
                       : "no CLIENT_RANDOM master secret in the key log for this connection");
}

/* ---- handshake messages ---- */

/* The most plaintext a protected TLS 1.3 record of len bytes can carry (its
 * tag and content type off; padding unknown). */
static size_t plaintext_bound(size_t len) {
  return len > TLS_AEAD_TAG_LEN + 1 ? len - TLS_AEAD_TAG_LEN - 1 : 0;
}

/* The client offered 0-RTT: early keys for each suite of the secret's hash
 * length (none without CLIENT_EARLY_TRAFFIC_SECRET: its records are skipped). */
static void early_start(tlsdec_filter *t, tls_flow *s, int i) {
  tls_dir *d = &s->dir[i];
  d->early = EARLY_OPEN;
  size_t len = 0;
  const uint8_t *sec =
      t->keys ? keylog_find(t->keys, KEYLOG_CLIENT_EARLY_TRAFFIC_SECRET, s->client_random, &len)
              : NULL;
  static const uint16_t sha256_suites[2] = {0x1301, 0x1303}, sha384_suites[2] = {0x1302, 0};
  const uint16_t *ids = !sec ? NULL : len == 32 ? sha256_suites : len == 48 ? sha384_suites : NULL;
  for (int k = 0; ids && k < 2 && ids[k]; k++) {
    const tls_suite_info *suite = tls_suite_lookup(ids[k]);
    tls_record_keys keys;
    if (suite && tls13_traffic_keys(suite, sec, len, &keys) == 0)
      install(&d->early_cipher[k], &keys);
  }
}

/* The server's verdict on the client's 0-RTT data: accepted early plaintext
 * becomes the start of the client's stream; rejected, it is dropped (the
 * server never read it). */
static void early_decide(tlsdec_filter *t, tls_flow *s, capture_flow *f, bool accepted,
                         double ts) {
  if (s->client < 0) return;
  int i = s->client;
  tls_dir *d = &s->dir[i];
  if (d->early == EARLY_NONE || s->info.early_data != 0) return;
  s->info.early_data = accepted ? 1 : -1;
  if (d->dead) {
    /* the direction stopped (a gap, a failure): nothing more goes inner */
  } else if (accepted && d->early_unread) {
    note(t, s, f, NOTE_NO_KEYS, "tls-no-keys", ts,
         "0-RTT early data accepted by the server but not decrypted (no "
         "CLIENT_EARLY_TRAFFIC_SECRET in the key log): at most %llu bytes missing",
         (unsigned long long)d->early_unread);
    uint64_t off = d->plain_offset;
    d->plain_offset += d->early_unread;
    inner_gap(t, s, f, i, off, d->early_unread, ts);
  } else if (accepted && d->early_len) {
    uint64_t off = d->plain_offset;
    d->plain_offset += d->early_len;
    s->info.early_bytes += d->early_len;
    inner_bytes(t, s, f, i, off, d->early_buf, d->early_len, d->early_ts); /* when it was sent */
  }
  free(d->early_buf);
  d->early_buf = NULL;
  d->early_len = d->early_cap = 0;
}

/* Early plaintext of the client: held until the verdict, given on after it. */
static void early_plaintext(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i,
                            const uint8_t *p, size_t n, double ts) {
  tls_dir *d = &s->dir[i];
  if (s->info.early_data == 0 && d->early_len + n > TLS_EARLY_HOLD_MAX)
    early_decide(t, s, f, true, ts);
  if (s->info.early_data == 1) {
    if (d->dead) return;
    uint64_t off = d->plain_offset;
    d->plain_offset += n;
    s->info.early_bytes += n;
    inner_bytes(t, s, f, i, off, p, n, ts);
    return;
  }
  if (s->info.early_data == -1 || n == 0) return;
  if (d->early_len + n > d->early_cap) {
    size_t cap = d->early_cap ? d->early_cap * 2 : 4096;
    while (cap < d->early_len + n)
      cap *= 2;
    uint8_t *nb = realloc(d->early_buf, cap);
    if (!nb) {
      early_decide(t, s, f, true, ts); /* out of memory: give on what is held */
      early_plaintext(t, s, f, i, p, n, ts);
      return;
    }
    d->early_buf = nb;
    d->early_cap = cap;
  }
  if (!d->early_len) d->early_ts = ts;
  memcpy(d->early_buf + d->early_len, p, n);
  d->early_len += n;
}

static void handshake_feed(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *p,
                           size_t n, double ts);

/* A client application_data record while 0-RTT may be under way: true when
 * the early keys opened it (its content handled), false otherwise. */
static bool early_record(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, uint16_t version,
                         const uint8_t *frag, size_t len, double ts) {
  tls_dir *d = &s->dir[i];
  uint8_t inner_type = 0;
  long n = -1;
  for (int k = 0; k < 2 && n < 0; k++) {
    if (!d->early_cipher[k].evp) continue;
    n = tls_record_open(&d->early_cipher[k], CT_APPLICATION_DATA, version, frag, len, t->plain,
                        sizeof t->plain, &inner_type);
    if (n >= 0 && k == 1) { /* the suite is known now: keep that one */
      tls_record_cipher c = d->early_cipher[0];
      d->early_cipher[0] = d->early_cipher[1];
      d->early_cipher[1] = c;
    }
  }
  if (n < 0) return false;
  tls_record_cipher_free(&d->early_cipher[1]);
  s->info.records_opened = true;
  if (inner_type == CT_APPLICATION_DATA)
    early_plaintext(t, s, f, i, t->plain, (size_t)n, ts);
  else if (inner_type == CT_HANDSHAKE) /* EndOfEarlyData */
    handshake_feed(t, s, f, i, t->plain, (size_t)n, ts);
  return true;
}

static void on_client_hello(tlsdec_filter *t, tls_flow *s, int i, const tls_hello *h) {
  if (s->have_client_hello) return; /* the second ClientHello after an HRR keeps the random */
  s->have_client_hello = true;
  s->client = i;
  memcpy(s->client_random, h->random, 32);
  s->client_ems = h->extended_master_secret;
  snprintf(s->info.alpn_offered, sizeof s->info.alpn_offered, "%s", h->alpn);
  snprintf(s->info.server_name, sizeof s->info.server_name, "%s", h->server_name);
  if (h->early_data) early_start(t, s, i);
}

static void on_server_hello(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i,
                            const tls_hello *h, double ts) {
  /* A HelloRetryRequest rejects 0-RTT data (RFC 8446 §4.2.10). */
  if (h->hello_retry_request) early_decide(t, s, f, false, ts);
  if (s->info.version || h->hello_retry_request) return; /* renegotiation / HRR */
  if (s->client < 0) s->client = i ^ 1;
  s->info.version = h->version;
  s->info.version_name = tls_version_name(h->version);
  s->info.cipher_suite = h->cipher_suite;
  s->suite = tls_suite_lookup(h->cipher_suite);
  s->info.suite_name = s->suite ? s->suite->name : "unknown";
  memcpy(s->server_random, h->random, 32);
  if (h->alpn[0]) snprintf(s->info.alpn, sizeof s->info.alpn, "%s", h->alpn);
  s->info.extended_master_secret = s->client_ems && h->extended_master_secret;
  if (!s->have_client_hello) {
    note(t, s, f, NOTE_NO_KEYS, "tls-no-keys", ts,
         "ClientHello not captured: the client random that names the keys is unknown");
    return;
  }
  s->info.handshake_seen = true;
  start_protection(t, s, f, ts);
}

/* TLS 1.3 post-ServerHello messages of direction i (decrypted). */
static void on_protected_message(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i,
                                 uint8_t type, const uint8_t *body, size_t len, double ts) {
  tls_dir *d = &s->dir[i];
  if (!s->suite || !s->suite->tls13) return;
  if (type == TLS_HS_ENCRYPTED_EXTENSIONS && body) {
    tls_hello ee;
    memset(&ee, 0, sizeof ee);
    if (tls_encrypted_extensions_parse(body, len, &ee) == 0) {
      if (ee.alpn[0]) snprintf(s->info.alpn, sizeof s->info.alpn, "%s", ee.alpn);
      if (i != s->client) early_decide(t, s, f, ee.early_data, ts);
    }
  } else if (type == TLS_HS_END_OF_EARLY_DATA && i == s->client) {
    /* sent only when the server accepted the early data (RFC 8446 §4.5) */
    early_decide(t, s, f, true, ts);
    d->early = EARLY_DONE;
  } else if (type == TLS_HS_FINISHED && d->stage == STAGE_HANDSHAKE) {
    /* a client Finished with no EndOfEarlyData before it: rejected */
    if (i == s->client && d->early == EARLY_OPEN) {
      early_decide(t, s, f, false, ts);
      d->early = EARLY_DONE;
    }
    /* RFC 8446 §7.2: records after a side's Finished use its application
     * traffic secret. */
    tls_record_cipher_free(&d->cipher);
    d->cipher = d->next_cipher;
    memset(&d->next_cipher, 0, sizeof d->next_cipher);
    d->stage = STAGE_APPLICATION;
  } else if (type == TLS_HS_KEY_UPDATE && d->stage == STAGE_APPLICATION) {
    /* RFC 8446 §4.6.3: the sender's next records use the next secret. */
    uint8_t next[TLS_MAX_HASH_LEN];
    if (!d->have_app_secret ||
        tls13_next_traffic_secret(s->suite->hash_len, d->app_secret, next) != 0 ||
        !keys13(s, next, &d->cipher)) {
      tls_record_cipher_free(&d->cipher);
      note(t, s, f, NOTE_NO_KEYS, "tls-no-keys", ts, "cannot follow a TLS 1.3 KeyUpdate");
      return;
    }
    memcpy(d->app_secret, next, s->suite->hash_len);
    s->info.key_updates++;
  }
}

static void on_handshake_message(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i,
                                 uint8_t type, const uint8_t *body, size_t len, double ts) {
  if ((type == TLS_HS_CLIENT_HELLO || type == TLS_HS_SERVER_HELLO) && !s->dir[i].encrypted) {
    tls_hello h;
    if (!body || tls_hello_parse(type, body, len, &h) != 0) {
      note(t, s, f, NOTE_MALFORMED, "tls-malformed", ts, "malformed TLS %s",
           type == TLS_HS_CLIENT_HELLO ? "ClientHello" : "ServerHello");
      return;
    }
    if (type == TLS_HS_CLIENT_HELLO)
      on_client_hello(t, s, i, &h);
    else
      on_server_hello(t, s, f, i, &h, ts);
    sync_roles(s, f);
    return;
  }
  if (s->dir[i].encrypted) on_protected_message(t, s, f, i, type, body, len, ts);
}

static bool keep_body(uint8_t type) {
  return type == TLS_HS_CLIENT_HELLO || type == TLS_HS_SERVER_HELLO ||
         type == TLS_HS_ENCRYPTED_EXTENSIONS || type == TLS_HS_KEY_UPDATE;
}

/* The handshake byte stream of direction i (RFC 8446 §5.1: messages may span
 * records and records may hold several messages). */
static void handshake_feed(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *p,
                           size_t n, double ts) {
  tls_dir *d = &s->dir[i];
  while (n > 0 && !d->dead) {
    if (d->hs_hdr_len < 4) {
      d->hs_hdr[d->hs_hdr_len++] = *p++;
      n--;
      if (d->hs_hdr_len < 4) continue;
      d->hs_type = d->hs_hdr[0];
      d->hs_len = (uint32_t)d->hs_hdr[1] << 16 | (uint32_t)d->hs_hdr[2] << 8 | d->hs_hdr[3];
      d->hs_got = 0;
      d->hs_keep = keep_body(d->hs_type) && d->hs_len <= TLS_MAX_KEPT_HANDSHAKE;
      if (d->hs_keep && d->hs_cap < d->hs_len) {
        uint8_t *nb = realloc(d->hs_buf, d->hs_len);
        if (nb) {
          d->hs_buf = nb;
          d->hs_cap = d->hs_len;
        } else {
          d->hs_keep = false;
        }
      }
    }
    size_t take = d->hs_len - d->hs_got;
    if (take > n) take = n;
    if (d->hs_keep && take) memcpy(d->hs_buf + d->hs_got, p, take);
    d->hs_got += (uint32_t)take;
    p += take;
    n -= take;
    if (d->hs_got == d->hs_len) {
      d->hs_hdr_len = 0;
      on_handshake_message(t, s, f, i, d->hs_type, d->hs_keep ? d->hs_buf : NULL, d->hs_len, ts);
      if (d->hs_buf && d->hs_cap > 4096) { /* a big hello: do not hold it for the connection */
        free(d->hs_buf);
        d->hs_buf = NULL;
        d->hs_cap = 0;
      }
    }
  }
}

/* ---- records ---- */

static void stop_dir(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, unsigned bit,
                     const char *kind, double ts, const char *what) {
  s->dir[i].dead = true;
  note(t, s, f, bit, kind, ts, "%s (%s): not decrypted further", what,
       s->client < 0 ? "direction" : (i == s->client ? "client" : "server"));
}

/* Opens a protected record of direction i; tries the TLS 1.3 application keys
 * when the handshake keys are missing or fail (a key log with only
 * *_TRAFFIC_SECRET_0 lines). Returns the plaintext length or -1. */
static long open_record(tlsdec_filter *t, tls_dir *d, uint8_t type, uint16_t version,
                        const uint8_t *frag, size_t len, uint8_t *inner_type) {
  long n = -1;
  if (d->cipher.evp)
    n = tls_record_open(&d->cipher, type, version, frag, len, t->plain, sizeof t->plain,
                        inner_type);
  if (n < 0 && d->stage == STAGE_HANDSHAKE && d->next_cipher.evp) {
    n = tls_record_open(&d->next_cipher, type, version, frag, len, t->plain, sizeof t->plain,
                        inner_type);
    if (n >= 0) {
      tls_record_cipher_free(&d->cipher);
      d->cipher = d->next_cipher;
      memset(&d->next_cipher, 0, sizeof d->next_cipher);
      d->stage = STAGE_APPLICATION;
    }
  }
  return n;
}

static void record_done(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *hdr,
                        const uint8_t *frag, size_t len, double ts);

/* The records that waited for the keys, in capture order. */
static void replay_pending(tlsdec_filter *t, tls_flow *s, capture_flow *f) {
  uint8_t *buf = s->pending;
  size_t len = s->pending_len;
  s->pending = NULL;
  s->pending_len = s->pending_cap = 0;
  for (size_t at = 0; at + 1 + sizeof(double) + TLS_HEADER_LEN <= len;) {
    int i = buf[at];
    double ts;
    memcpy(&ts, buf + at + 1, sizeof ts);
    const uint8_t *hdr = buf + at + 1 + sizeof ts;
    size_t n = (size_t)hdr[3] << 8 | hdr[4];
    if (!s->dir[i].dead) record_done(t, s, f, i, hdr, hdr + TLS_HEADER_LEN, n, ts);
    at += 1 + sizeof ts + TLS_HEADER_LEN + n;
  }
  free(buf);
}

/* A record of a connection whose secrets a live capture waits for: when the
 * key log has them now, the waiting records go first and true is returned
 * (the record is then processed as usual). Else the record waits too (false),
 * unless the bound is reached or the connection ends (final, hdr NULL): then
 * the wait is over without keys, said once, and the records are processed
 * (skipped) as on any connection without keys. */
static bool wait_for_keys(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i,
                          const uint8_t *hdr, const uint8_t *frag, size_t len, double ts) {
  if (keylog_refresh(t->keys) && find_keys(t, s)) {
    s->awaiting_keys = false;
    replay_pending(t, s, f);
    return true;
  }
  size_t need = 1 + sizeof ts + TLS_HEADER_LEN + len;
  if (hdr && s->pending_len + need <= TLS_PENDING_MAX) {
    if (s->pending_len + need > s->pending_cap) {
      size_t cap = s->pending_cap ? s->pending_cap * 2 : 16384;
      while (cap < s->pending_len + need)
        cap *= 2;
      uint8_t *nb = realloc(s->pending, cap);
      if (nb) {
        s->pending = nb;
        s->pending_cap = cap;
      }
    }
    if (s->pending_len + need <= s->pending_cap) {
      uint8_t *p = s->pending + s->pending_len;
      p[0] = (uint8_t)i;
      memcpy(p + 1, &ts, sizeof ts);
      memcpy(p + 1 + sizeof ts, hdr, TLS_HEADER_LEN);
      memcpy(p + 1 + sizeof ts + TLS_HEADER_LEN, frag, len);
      s->pending_len += need;
      return false;
    }
  }
  s->awaiting_keys = false;
  s->waited_in_vain = true;
  no_keys_note(t, s, f, ts);
  replay_pending(t, s, f);
  return true;
}

/* A protected record that needs secrets the key log lacks, in a live
 * capture: it waits for them with the records after it (true), or — when
 * they are there now — is processed again with them (true). False: no
 * waiting here, the caller goes on without the keys. */
static bool wait_instead(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i,
                         const uint8_t *hdr, const uint8_t *frag, size_t len, double ts) {
  if (!may_wait_for_keys(t, s)) return false;
  s->awaiting_keys = true;
  if (wait_for_keys(t, s, f, i, hdr, frag, len, ts)) record_done(t, s, f, i, hdr, frag, len, ts);
  return true;
}

static void record_done(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *hdr,
                        const uint8_t *frag, size_t len, double ts) {
  if (s->awaiting_keys && !wait_for_keys(t, s, f, i, hdr, frag, len, ts)) return;
  tls_dir *d = &s->dir[i];
  uint8_t type = hdr[0];
  uint16_t version = (uint16_t)(hdr[1] << 8 | hdr[2]);
  bool tls13 = s->suite && s->suite->tls13;
  if (type == CT_CHANGE_CIPHER_SPEC) {
    /* TLS 1.3 sends it only for middlebox compatibility (RFC 8446 §D.4),
     * also right after a HelloRetryRequest, before the real ServerHello. */
    if (s->info.version && !tls13 && !d->encrypted) {
      d->encrypted = true;
      if (d->have_pending12 && install(&d->cipher, &d->pending12)) d->have_pending12 = false;
    }
    return;
  }
  if (d->early == EARLY_OPEN && type == CT_APPLICATION_DATA && i == s->client) {
    if (early_record(t, s, f, i, version, frag, len, ts)) return;
    if (!d->encrypted) { /* before the ServerHello: early data without its secret */
      s->info.skipped_records++;
      d->early_unread += plaintext_bound(len);
      return;
    }
  }
  if (!d->encrypted || (tls13 && type != CT_APPLICATION_DATA)) {
    if (type == CT_HANDSHAKE) {
      handshake_feed(t, s, f, i, frag, len, ts);
    } else if (type == CT_APPLICATION_DATA) {
      s->info.skipped_records++;
      if (!s->info.version)
        note(t, s, f, NOTE_NO_KEYS, "tls-no-keys", ts,
             "application data without a captured handshake: cannot decrypt");
    }
    return;
  }
  if (!d->cipher.evp && !d->next_cipher.evp) {
    if (wait_instead(t, s, f, i, hdr, frag, len, ts)) return;
    s->info.skipped_records++;
    if (d->app_keys_missing) /* else already reported as tls-no-keys / tls-unsupported */
      stop_dir(t, s, f, i, NOTE_NO_KEYS, "tls-no-keys", ts,
               "the key log has no TLS 1.3 traffic secrets of this side");
    return;
  }
  uint8_t inner_type = 0;
  long n = open_record(t, d, type, version, frag, len, &inner_type);
  if (n < 0) {
    /* past this side's Finished, under keys the key log does not have */
    bool app_secret_missing = d->stage == STAGE_HANDSHAKE && d->cipher.evp &&
                              d->early != EARLY_OPEN && d->app_keys_missing;
    if (app_secret_missing && wait_instead(t, s, f, i, hdr, frag, len, ts)) return;
    s->info.skipped_records++;
    if (d->stage == STAGE_HANDSHAKE && !d->cipher.evp) return; /* no handshake keys: skip */
    if (d->early == EARLY_OPEN) { /* early data whose secret the key log lacks */
      d->early_unread += plaintext_bound(len);
      return;
    }
    if (app_secret_missing) {
      stop_dir(t, s, f, i, NOTE_NO_KEYS, "tls-no-keys", ts,
               "the key log has no TLS 1.3 application traffic secret of this side");
      return;
    }
    stop_dir(t, s, f, i, NOTE_DECRYPT_FAILED, "tls-decrypt-failed", ts,
             "a TLS record failed authentication");
    return;
  }
  s->info.records_opened = true;
  if (inner_type == CT_APPLICATION_DATA) {
    int role = i == s->client ? ROLE_CLIENT : ROLE_SERVER;
    s->info.decrypted = true;
    s->info.app_records[role]++;
    s->info.app_bytes[role] += (uint64_t)n;
    if (n > 0) {
      uint64_t off = d->plain_offset;
      d->plain_offset += (uint64_t)n;
      inner_bytes(t, s, f, i, off, t->plain, (size_t)n, ts);
    }
  } else if (inner_type == CT_HANDSHAKE) {
    /* t->plain is reused by nested records only after this returns. */
    handshake_feed(t, s, f, i, t->plain, (size_t)n, ts);
  }
}

/* A record header must name a known content type, major version 3 and a
 * length within RFC 5246 §6.2.3. */
static bool header_ok(const uint8_t *h) {
  size_t len = (size_t)h[3] << 8 | h[4];
  return h[0] >= CT_CHANGE_CIPHER_SPEC && h[0] <= CT_APPLICATION_DATA + 1 && h[1] == 3 &&
         len <= TLS_MAX_RECORD;
}

/* The TLS bytes of direction i, in order. */
static void tls_feed(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *p,
                     size_t n, double ts) {
  tls_dir *d = &s->dir[i];
  while (n > 0 && !d->dead) {
    if (d->hdr_len < TLS_HEADER_LEN) {
      size_t take = TLS_HEADER_LEN - d->hdr_len;
      if (take > n) take = n;
      memcpy(d->hdr + d->hdr_len, p, take);
      d->hdr_len = (uint8_t)(d->hdr_len + take);
      p += take;
      n -= take;
      if (d->hdr_len < TLS_HEADER_LEN) return;
      if (!header_ok(d->hdr)) {
        stop_dir(t, s, f, i, NOTE_MALFORMED, "tls-malformed", ts,
                 "bad TLS record header or record longer than 2^14+2048");
        return;
      }
    }
    size_t need = (size_t)d->hdr[3] << 8 | d->hdr[4];
    uint8_t hdr[TLS_HEADER_LEN];
    memcpy(hdr, d->hdr, sizeof hdr);
    if (d->rec_len == 0 && n >= need) {
      /* The whole record is in this chunk: no copy. */
      d->hdr_len = 0;
      record_done(t, s, f, i, hdr, p, need, ts);
      p += need;
      n -= need;
      continue;
    }
    if (d->rec_cap < need) {
      uint8_t *nb = realloc(d->rec, TLS_MAX_RECORD);
      if (!nb) {
        stop_dir(t, s, f, i, NOTE_MALFORMED, "tls-malformed", ts, "out of memory");
        return;
      }
      d->rec = nb;
      d->rec_cap = TLS_MAX_RECORD;
    }
    size_t take = need - d->rec_len;
    if (take > n) take = n;
    memcpy(d->rec + d->rec_len, p, take);
    d->rec_len += take;
    p += take;
    n -= take;
    if (d->rec_len == need) {
      d->hdr_len = 0;
      d->rec_len = 0;
      record_done(t, s, f, i, hdr, d->rec, need, ts);
    }
  }
}

/* ---- detection ---- */

/* RFC 8446 §5.1 / RFC 5246 §6.2.1: a handshake record (or application data
 * of a connection joined mid-way) with legacy version 0x0301..0x0303 and a
 * non-zero length within bounds. */
static bool looks_like_tls(const uint8_t h[TLS_HEADER_LEN]) {
  size_t len = (size_t)h[3] << 8 | h[4];
  return (h[0] == CT_HANDSHAKE || h[0] == CT_APPLICATION_DATA) && h[1] == 3 && h[2] >= 1 &&
         h[2] <= 3 && len >= 1 && len <= TLS_MAX_RECORD;
}

/* Hands the sniffed bytes of direction i on, as the decided mode wants. */
static void flush_sniff(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, double ts) {
  tls_dir *d = &s->dir[i];
  uint8_t buf[TLS_HEADER_LEN];
  size_t n = d->sniff_len;
  memcpy(buf, d->sniff, n);
  d->sniff_len = 0;
  if (n == 0) return;
  if (s->mode == MODE_TLS)
    tls_feed(t, s, f, i, buf, n, ts);
  else
    inner_bytes(t, s, f, i, d->sniff_offset, buf, n, ts);
}

static void decide(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, bool tls, double ts) {
  s->mode = tls ? MODE_TLS : MODE_PASSTHROUGH;
  if (tls) {
    s->info.is_tls = true;
    s->info.version_name = "unknown";
    s->info.suite_name = "unknown";
  }
  flush_sniff(t, s, f, i ^ 1, ts); /* the other side spoke first */
  flush_sniff(t, s, f, i, ts);
}

/* ---- the consumer ---- */

static void filter_open(void *user, capture_flow *f, double ts) {
  tlsdec_filter *t = user;
  tls_flow *s = flow_find(t, f);
  if (!s) {
    s = calloc(1, sizeof *s);
    if (s) {
      s->id = f->id;
      s->client = -1;
      s->info.client_dir = -1;
      snprintf(s->ep0, sizeof s->ep0, "%s", f->endpoint[0]);
      if (t->count >= t->nbuckets * 2) table_grow(t);
      size_t b = bucket_of(t, s->id);
      s->next = t->buckets[b];
      t->buckets[b] = s;
      t->count++;
    }
  }
  if (t->inner.on_open) t->inner.on_open(t->inner.user, f, ts);
  if (s) sync_roles(s, f);
}

static void filter_bytes(void *user, capture_flow *f, int dir, uint64_t offset, const uint8_t *data,
                         size_t len, double ts) {
  tlsdec_filter *t = user;
  tls_flow *s = flow_find(t, f);
  if (!s || s->mode == MODE_PASSTHROUGH) {
    if (t->inner.on_bytes) t->inner.on_bytes(t->inner.user, f, dir, offset, data, len, ts);
    return;
  }
  sync_roles(s, f);
  int i = dir ^ s->flip;
  if (s->mode == MODE_TLS) {
    tls_feed(t, s, f, i, data, len, ts);
    return;
  }
  tls_dir *d = &s->dir[i];
  if (d->sniff_len == 0) d->sniff_offset = offset;
  size_t take = TLS_HEADER_LEN - d->sniff_len;
  if (take > len) take = len;
  memcpy(d->sniff + d->sniff_len, data, take);
  d->sniff_len = (uint8_t)(d->sniff_len + take);
  if (d->sniff_len < TLS_HEADER_LEN) return;
  decide(t, s, f, i, looks_like_tls(d->sniff), ts);
  /* i stays this side's internal index even if the inner consumer swapped
   * roles meanwhile (inner_bytes maps it to the current numbering). */
  if (len > take) {
    if (s->mode == MODE_TLS)
      tls_feed(t, s, f, i, data + take, len - take, ts);
    else
      inner_bytes(t, s, f, i, offset + take, data + take, len - take, ts);
  }
  /* A plain connection needs no state any more: later callbacks find none
   * and pass straight through. */
  if (s->mode == MODE_PASSTHROUGH) flow_release(t, s);
}

static void filter_gap(void *user, capture_flow *f, int dir, uint64_t offset, uint64_t len,
                       double ts) {
  tlsdec_filter *t = user;
  tls_flow *s = flow_find(t, f);
  if (s && s->mode == MODE_UNDECIDED) {
    /* A hole before 5 bytes were seen: too little to call it TLS. */
    sync_roles(s, f);
    int i = dir ^ s->flip;
    decide(t, s, f, i, false, ts);
    inner_gap(t, s, f, i, offset, len, ts);
    flow_release(t, s);
    return;
  }
  if (!s || s->mode == MODE_PASSTHROUGH) {
    if (t->inner.on_gap) t->inner.on_gap(t->inner.user, f, dir, offset, len, ts);
    return;
  }
  sync_roles(s, f);
  int i = dir ^ s->flip;
  tls_dir *d = &s->dir[i];
  if (d->dead) return;
  d->dead = true;
  note(t, s, f, NOTE_GAP, "tls-gap", ts,
       "%llu bytes missing inside TLS at offset %llu: record boundary lost, %s not decrypted "
       "further",
       (unsigned long long)len, (unsigned long long)offset,
       s->client < 0 ? "direction" : (i == s->client ? "client" : "server"));
  inner_gap(t, s, f, i, d->plain_offset, len, ts);
}

static void filter_close(void *user, capture_flow *f, int reason, double ts) {
  tlsdec_filter *t = user;
  tls_flow *s = flow_find(t, f);
  if (s && s->mode == MODE_UNDECIDED) {
    sync_roles(s, f);
    s->mode = MODE_PASSTHROUGH;
    flush_sniff(t, s, f, 0, ts);
    flush_sniff(t, s, f, 1, ts);
  }
  if (s && s->awaiting_keys) wait_for_keys(t, s, f, 0, NULL, NULL, 0, ts); /* a last look */
  if (s) {
    sync_roles(s, f);
    /* The capture ends before the server's verdict on 0-RTT data could be
     * seen: what the client sent is shown. */
    const tls_dir *cd = s->client >= 0 ? &s->dir[s->client] : NULL;
    if (cd && (cd->early_len || cd->early_unread)) early_decide(t, s, f, true, ts);
  }
  if (t->inner.on_close) t->inner.on_close(t->inner.user, f, reason, ts);
  if (s) flow_release(t, s);
}

static void filter_notice(void *user, capture_flow *f, const char *kind, const char *message,
                          double ts) {
  tlsdec_filter *t = user;
  if (t->inner.on_notice) t->inner.on_notice(t->inner.user, f, kind, message, ts);
}

/* ---- public ---- */

tlsdec_filter *tlsdec_filter_new(keylog *keys, const flow_consumer *inner) {
  tlsdec_filter *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->nbuckets = 1024;
  t->buckets = calloc(t->nbuckets, sizeof *t->buckets);
  if (!t->buckets) {
    free(t);
    return NULL;
  }
  t->keys = keys;
  t->inner = *inner;
  t->self = (flow_consumer){.user = t,
                            .on_open = filter_open,
                            .on_bytes = filter_bytes,
                            .on_gap = filter_gap,
                            .on_close = filter_close,
                            .on_notice = filter_notice};
  return t;
}

void tlsdec_filter_free(tlsdec_filter *t) {
  if (!t) return;
  for (size_t b = 0; b < t->nbuckets; b++)
    while (t->buckets[b])
      flow_release(t, t->buckets[b]);
  free(t->buckets);
  free(t);
}

const flow_consumer *tlsdec_filter_consumer(const tlsdec_filter *t) {
  return &t->self;
}

const tls_conn_info *tlsdec_flow_info(const tlsdec_filter *t, const capture_flow *f) {
  tls_flow *s = flow_find(t, f);
  if (!s || s->mode != MODE_TLS) return NULL;
  /* the roles as the inner consumer numbers them now (sync_roles keeps flip) */
  s->info.client_dir = s->client < 0 ? -1 : s->client ^ s->flip;
  return &s->info;
}

/* Wire text for JSON: printable ASCII without '"' and '\\'. */
static void json_safe(char *dst, size_t cap, const char *src) {
  size_t n = 0;
  for (; *src && n + 1 < cap; src++)
    dst[n++] = (*src == '"' || *src == '\\' || *src < 0x20 || *src > 0x7e) ? '?' : *src;
  dst[n] = '\0';
}

void tls_conn_info_describe(const tls_conn_info *info, char *text, size_t text_cap, char *json,
                            size_t json_cap) {
  const char *version = info->version ? info->version_name : "TLS";
  const char *suite = info->cipher_suite ? info->suite_name : "";
  /* A handshake that opened with the keys but no application data after it
   * (an unused preconnect) is decrypted: there was just nothing more. */
  bool opened = info->decrypted || info->records_opened;
  const char *state = info->decrypted ? "decrypted"
                      : opened        ? "decrypted, no application data"
                                      : "not decrypted";
  char early[48] = "";
  if (info->early_data > 0)
    snprintf(early, sizeof early, ", 0-RTT %llu bytes", (unsigned long long)info->early_bytes);
  else if (info->early_data < 0)
    snprintf(early, sizeof early, ", 0-RTT rejected");
  if (text)
    snprintf(text, text_cap, "%s%s%s%s%s %s%s%s%s", version, suite[0] ? " " : "", suite,
             info->alpn[0] ? " alpn=" : "", info->alpn, state, early,
             info->problem ? (opened ? " with problems: " : ": ") : "",
             info->problem ? info->problem : "");
  if (json) {
    char alpn[64], sni[128];
    json_safe(alpn, sizeof alpn, info->alpn);
    json_safe(sni, sizeof sni, info->server_name);
    snprintf(json, json_cap,
             ",\"tls\":{\"version\":\"%s\",\"suite\":\"%s\",\"alpn\":\"%s\",\"sni\":\"%s\","
             "\"decrypted\":%s,\"problem\":%s%s%s,\"app_data_bytes\":[%llu,%llu],"
             "\"early_data\":\"%s\"}",
             info->version ? info->version_name : "unknown", info->cipher_suite ? suite : "unknown",
             alpn, sni, opened ? "true" : "false", info->problem ? "\"" : "",
             info->problem ? info->problem : "null", info->problem ? "\"" : "",
             (unsigned long long)info->app_bytes[ROLE_CLIENT],
             (unsigned long long)info->app_bytes[ROLE_SERVER],
             info->early_data > 0 ? "accepted" : info->early_data < 0 ? "rejected" : "none");
  }
}
