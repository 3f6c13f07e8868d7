/* capture_open.h — opens a capture file (or stdin, "-") for libpcap through
 * a reading tee: every byte libpcap reads passes the pcapng secrets scanner
 * first (pcapng_secrets.h), so the Decryption Secrets Blocks of the file
 * reach `fn` as the file is read, each before any packet that follows it in
 * the file, without reading the file twice (which stdin could not be). A
 * classic pcap file, which has no blocks, is read without the tee. */
#ifndef H2SCOPE_CAPTURE_OPEN_H
#define H2SCOPE_CAPTURE_OPEN_H

#include <pcap/pcap.h>
#include <stddef.h>

#include "pcapng_secrets.h"

/* libpcap's handle on path (timestamps in nanoseconds), or NULL with a
 * message in err ("cannot read capture PATH: ..."). pcap_close() closes the
 * file and frees the tee. */
pcap_t *capture_open_file(const char *path, pcapng_secrets_fn fn, void *user, char *err,
                          size_t errcap);

#endif
