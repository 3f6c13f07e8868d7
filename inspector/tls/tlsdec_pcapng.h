/* tlsdec_pcapng.h — collects the TLS key log lines embedded in a pcapng
 * file's Decryption Secrets Blocks (block type 0x0000000A, secrets type
 * 0x544c534b "TLSK", as `editcap --inject-secrets tls,FILE` writes them;
 * pcapng draft §4.7). libpcap skips these blocks, so this is a small bounded
 * block walker of its own, run before the capture is decoded. */
#ifndef H2SCOPE_TLSDEC_PCAPNG_H
#define H2SCOPE_TLSDEC_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

#include "keylog.h"

#define PCAPNG_MAX_DSB_BYTES (16u << 20) /* a larger secrets block is skipped */

/* Adds the key log lines of every TLS Decryption Secrets Block of the pcapng
 * file at path to k; *blocks gets the number of such blocks read. A file that
 * is not pcapng (classic pcap, stdin "-") is not an error: 0 with *blocks = 0.
 * A truncated or malformed block ends the walk (what came before is kept).
 * Returns 0, or -1 with a message in err if the file cannot be opened. */
int tlsdec_pcapng_read_secrets(const char *path, keylog *k, size_t *blocks, char *err,
                               size_t errcap);

#endif
