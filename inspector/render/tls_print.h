/* tls_print.h — the TLS facts of a captured connection (tls/tls_conn_info.h,
 * data tls hands up and never formats) as the text and JSON h2scope shows:
 * the one place they are rendered. `read` puts them on a connection's close
 * event: the text after its message, the JSON as the event's "tls" member. */
#ifndef H2SCOPE_TLS_PRINT_H
#define H2SCOPE_TLS_PRINT_H

#include <stddef.h>

#include "out_buf.h"
#include "tls_conn_info.h"

/* "TLS 1.3 TLS_AES_128_GCM_SHA256 alpn=h2 decrypted" (or "not decrypted:
 * tls-no-keys", or "decrypted, no application data" for a connection whose
 * handshake opened with the keys but which carried nothing else, such as a
 * browser's unused preconnect; ", 0-RTT N bytes" or ", 0-RTT rejected" when
 * TLS 1.3 early data was sent), into text[0..cap) (cut to fit, always
 * terminated when cap > 0). */
void tls_info_text(const tls_conn_info *info, char *text, size_t cap);

/* The event members `,"tls":{"version":..,"suite":..,"alpn":..,"sni":..,
 * "decrypted":true|false,"problem":..,"app_data_bytes":[c,s],
 * "early_data":"none"|"accepted"|"rejected"}`: decrypted means the keys opened
 * the connection's protected records, app_data_bytes counts the decrypted
 * application data after the handshake of the client and the server,
 * early_data is the fate of TLS 1.3 0-RTT data. Wire-derived text (alpn, sni)
 * is written as printable ASCII only, with '"', '\\' and every other byte
 * replaced by '?'. */
void tls_info_json(out_buf *o, const tls_conn_info *info);

#endif
