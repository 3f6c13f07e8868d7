/* tls_conn_info.h — the facts tls learns about one captured TLS connection,
 * as plain data: tlsdec_filter fills them (tlsdec_flow_info) and never
 * formats them; render (tls_print.h) writes them as text and JSON. */
#ifndef H2SCOPE_TLS_CONN_INFO_H
#define H2SCOPE_TLS_CONN_INFO_H

#include <stdbool.h>
#include <stdint.h>

/* What the filter learned about one connection, for its consumers. Roles are the
 * TLS ones: the client is the side that sent the ClientHello. */
typedef struct tls_conn_info {
  bool is_tls;                 /* always true for a connection the filter treats as TLS */
  bool handshake_seen;         /* ClientHello and ServerHello both parsed */
  int client_dir;              /* capture direction of the TLS client (ClientHello), -1 unknown */
  uint16_t version;            /* negotiated (0x0303 TLS 1.2, 0x0304 TLS 1.3), 0 unknown */
  uint16_t cipher_suite;       /* 0 unknown */
  const char *version_name;    /* "TLS 1.3", "unknown" */
  const char *suite_name;      /* IANA name, or "unknown" */
  char alpn[64];               /* protocol the server selected, "" none/unknown */
  char alpn_offered[64];       /* client's list, comma separated */
  char server_name[128];       /* SNI host_name */
  bool extended_master_secret; /* TLS 1.2: both hellos carried the extension */
  bool keys_found;             /* the key log had secrets for it */
  bool decrypted;              /* at least one application_data record was decrypted */
  bool records_opened;         /* at least one protected record (handshake or application
                                  data) authenticated with the key log's secrets */
  uint32_t key_updates;        /* TLS 1.3 KeyUpdate messages followed */
  int early_data;              /* TLS 1.3 0-RTT: 0 none (or undecided), 1 accepted, -1 rejected */
  uint64_t early_bytes;        /* accepted 0-RTT plaintext given to the inner consumer */
  uint64_t app_records[2];     /* application_data records decrypted: [0] client, [1] server */
  uint64_t app_bytes[2];       /* their plaintext bytes */
  uint64_t skipped_records;    /* records not decrypted (no keys, after a failure...) */
  const char *problem;         /* NULL, or the kind of the first notice ("tls-no-keys") */
} tls_conn_info;

#endif
