/* tlsdec_state.h — the TLS filter's private state (per-direction
 * record, handshake and key state; per-connection bookkeeping; the filter
 * itself) and the functions its files share: per-connection state and calls to
 * the inner consumer (tlsdec_flows.c), key schedule (tlsdec_keys.c), 0-RTT
 * early data (tlsdec_early.c), handshake messages (tlsdec_handshake.c),
 * record layer and the wait for secrets (tlsdec_records.c). Not for other
 * wings. */
#ifndef H2SCOPE_TLSDEC_STATE_H
#define H2SCOPE_TLSDEC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/buf.h"
#include "h2/cursor.h"
#include "tlsdec_crypto.h"
#include "tlsdec_filter.h"
#include "tlsdec_hello.h"

/* RFC 5246 §6.2.3: TLSCiphertext.length ≤ 2^14 + 2048 (TLS 1.3 lowers it to
 * 2^14 + 256, RFC 8446 §5.2; we accept the larger bound for both). */
#define TLS_MAX_RECORD (TLS_MAX_PLAINTEXT + 2048u)
#define TLS_HEADER_LEN 5

/* The version and length fields of a TLS record header (RFC 8446 §5.1,
 * RFC 5246 §6.2.1), read through the cursor. */
static inline uint16_t tlsdec_record_version(const uint8_t *hdr) {
  h2_cursor c = h2_cursor_make(hdr + 1, 2);
  uint16_t v = 0;
  (void)h2_cursor_get_u16(&c, &v);
  return v;
}
static inline size_t tlsdec_record_length(const uint8_t *hdr) {
  h2_cursor c = h2_cursor_make(hdr + 3, 2);
  uint16_t n = 0;
  (void)h2_cursor_get_u16(&c, &n);
  return n;
}
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
  h2_buf rec;             /* fragment bytes of a record split across chunks (TLS_MAX_RECORD) */
  uint64_t rec_pkt_first; /* the capture packet of the record's first byte */
  /* handshake message stream */
  uint8_t hs_hdr[4];
  uint8_t hs_hdr_len;
  uint8_t hs_type;
  uint32_t hs_len, hs_got;
  bool hs_keep;
  h2_buf hs_buf; /* the body of a kept message (TLS_MAX_KEPT_HANDSHAKE) */
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
  h2_buf early_buf;                  /* early plaintext held (TLS_EARLY_HOLD_MAX) */
  uint64_t early_unread;             /* plaintext bound of early records that could not be opened */
  double early_ts;                   /* capture time of the first early plaintext held */
  tls_record_keys pending12;         /* TLS 1.2: keys that start with this side's CCS */
  bool have_pending12;
  uint8_t app_secret[TLS_MAX_HASH_LEN]; /* TLS 1.3: current application traffic secret */
  bool have_app_secret;
} tls_dir;

/* One connection's TLS state, kept in the capture flow's filter slot
 * (flow_events.h) from on_open to on_close; directions are the capture's. */
typedef struct tls_flow {
  struct tls_flow *prev, *next; /* the filter's list of the states it holds */
  int mode;
  int client; /* capture direction of the TLS client (the ClientHello's sender), -1 unknown */
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
  h2_buf pending;      /* TLS_PENDING_MAX */
  tls_conn_info info;
  tls_dir dir[2];
} tls_flow;

struct tlsdec_filter {
  flow_consumer self;
  flow_consumer inner;
  keylog *keys;
  /* The states held (each also in its flow's filter slot), so the filter
   * frees what a run that ended early never closed. */
  tls_flow *live;
  size_t count;
  size_t secrets_added;          /* key log entries the capture file carried */
  uint8_t plain[TLS_MAX_RECORD]; /* decryption output, one record at a time */
};

/* tlsdec_flows.c: per-connection state (the flow's filter slot) and calls
 * to the inner consumer */
tls_flow *tlsdec_flow_find(const capture_flow *f);
tls_flow *tlsdec_flow_new(tlsdec_filter *t, capture_flow *f);
/* Frees s; f (NULL at the filter's end) gets its slot cleared. */
void tlsdec_flow_release(tlsdec_filter *t, tls_flow *s, capture_flow *f);
void tlsdec_inner_bytes(tlsdec_filter *t, capture_flow *f, int i, uint64_t offset,
                        const uint8_t *data, size_t len, double ts);
void tlsdec_inner_gap(tlsdec_filter *t, capture_flow *f, int i, uint64_t offset, uint64_t len,
                      double ts);
void tlsdec_note(tlsdec_filter *t, tls_flow *s, capture_flow *f, unsigned bit, const char *kind,
                 double ts, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* tlsdec_keys.c: key schedule */
bool tlsdec_install(tls_record_cipher *c, const tls_record_keys *k);
bool tlsdec_keys13(tls_flow *s, const uint8_t *secret, tls_record_cipher *c);
void tlsdec_start_protection(tlsdec_filter *t, tls_flow *s, capture_flow *f, double ts);
bool tlsdec_find_keys(tlsdec_filter *t, tls_flow *s);
bool tlsdec_may_wait_for_keys(const tlsdec_filter *t, const tls_flow *s);
void tlsdec_no_keys_note(tlsdec_filter *t, tls_flow *s, capture_flow *f, double ts);
size_t tlsdec_plaintext_bound(size_t len);

/* tlsdec_early.c: TLS 1.3 0-RTT early data */
void tlsdec_early_start(tlsdec_filter *t, tls_flow *s, int i);
void tlsdec_early_decide(tlsdec_filter *t, tls_flow *s, capture_flow *f, bool accepted, double ts);
void tlsdec_early_plaintext(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *p,
                            size_t n, double ts);

/* tlsdec_handshake.c: handshake messages */
void tlsdec_handshake_feed(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *p,
                           size_t n, double ts);

/* tlsdec_records.c: record layer, wait for secrets */
bool tlsdec_wait_for_keys(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *hdr,
                          const uint8_t *frag, size_t len, double ts);
void tlsdec_tls_feed(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *p,
                     size_t n, double ts);

#endif
