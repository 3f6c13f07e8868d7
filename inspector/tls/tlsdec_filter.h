/* tlsdec_filter.h — a flow_consumer filter that decrypts TLS connections of a
 * capture with a key log, so the HTTP/2 layer above sees plaintext exactly as
 * for h2c.
 *
 * It wraps an inner flow_consumer. For each connection it looks at the first 5
 * bytes of the first direction that sends them: a TLS record header (content
 * type 22 handshake or 23 application data, version 0x0301..0x0303, length
 * 1..2^14+2048) makes the connection TLS; anything else passes through to the
 * inner consumer unchanged (same offsets, gaps, everything).
 *
 * For a TLS connection the filter parses the record layer and the handshake
 * (ClientHello/ServerHello, TLS 1.3 EncryptedExtensions, Finished, KeyUpdate),
 * finds the secrets in the keylog (keylog.h) and gives the inner consumer only
 * the decrypted application_data bytes of each direction, with plaintext
 * offsets starting at 0. Handshake, alert and ChangeCipherSpec records are not
 * passed on. on_open/on_close/on_notice always pass through. The filter keeps
 * a connection's state in the flow's filter slot (flow_events.h) from on_open
 * to on_close; f->user belongs to the inner consumer. Directions stay the
 * capture's: the roles the filter learns (the ClientHello's sender) travel up
 * as data in tls_conn_info.client_dir, and whatever roles the inner consumer
 * decides are its own.
 *
 * Key log text the capture file carries (on_secrets of type TLSK: pcapng
 * Decryption Secrets Blocks, as `editcap --inject-secrets tls,FILE` writes
 * them) joins the filter's key log as it comes, before the packets after it;
 * other secrets pass on to the inner consumer.
 *
 * Problems are reported through the inner on_notice, at most once per kind and
 * connection, with these stable kinds:
 *   "tls-no-keys"        the key log has no usable secret for this connection,
 *                        or the handshake (ClientHello/ServerHello) was not captured
 *   "tls-unsupported"    version or cipher suite we do not decrypt (only the
 *                        AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305 suites of
 *                        TLS 1.2 and 1.3 are)
 *   "tls-decrypt-failed" a record failed authentication (wrong keys, corrupt
 *                        capture); that direction is not decrypted any further
 *   "tls-gap"            bytes missing inside a TLS direction: the record
 *                        boundary is lost, that direction stops. The inner
 *                        consumer gets on_gap at the current plaintext offset
 *                        with the ciphertext gap length (the plaintext length is
 *                        unknowable), and nothing more for that direction.
 *   "tls-malformed"      a record or hello that breaks the TLS grammar, or a
 *                        record longer than 2^14+2048 bytes (RFC 5246 §6.2.3);
 *                        that direction stops.
 *
 * Memory: per TLS connection one partial record (≤ 5 + 2^14 + 2048 bytes) and
 * one partial handshake message (≤ 64 KiB, only for the hello messages) per
 * direction, allocated while needed; complete records inside one on_bytes
 * chunk are decrypted without copying. */
#ifndef H2SCOPE_TLSDEC_FILTER_H
#define H2SCOPE_TLSDEC_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow_events.h"
#include "keylog.h"
#include "tls_conn_info.h"

typedef struct tlsdec_filter tlsdec_filter;

/* A filter in front of inner (copied). keys may be NULL or empty: TLS is then
 * still detected and described, and reported as "tls-no-keys". The filter
 * reads the keylog (keylog_find sorts it on first use) and adds the key log
 * text of the capture's secrets blocks to it (ignored when keys is NULL); it
 * must live as long as the filter. NULL when out of memory. */
tlsdec_filter *tlsdec_filter_new(keylog *keys, const flow_consumer *inner);

/* Frees the filter and any connection state still held (normally none: every
 * connection is released at its on_close). */
void tlsdec_filter_free(tlsdec_filter *t);

/* Key log entries added from the capture file's secrets blocks. */
size_t tlsdec_filter_secrets_added(const tlsdec_filter *t);

/* How many connections' states the filter holds: those still open that are
 * TLS or not decided yet (a connection that turned out plain is released at
 * once, every other one at its on_close). */
size_t tlsdec_filter_held(const tlsdec_filter *t);

/* The consumer to hand to capture_run(). Valid while the filter lives. */
const flow_consumer *tlsdec_filter_consumer(const tlsdec_filter *t);

/* TLS facts about connection f, or NULL if it is not (or not yet known to
 * be) TLS. Valid until the filter passes on_close for f to the inner consumer
 * and that call returns — so a printer can use it in its own on_close
 * (render/tls_print.h formats it). */
const tls_conn_info *tlsdec_flow_info(const tlsdec_filter *t, const capture_flow *f);

#endif
