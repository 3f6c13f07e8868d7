/* fuzz_pcap.h — the bytes of one fuzzed connection written as a capture:
 * a synthetic TCP conversation over IPv4 on Ethernet (handshake, the
 * segments in the order they passed, FIN both ways) through libpcap's
 * pcap_dump, so `h2scope read` and Wireshark decode the failing exchange. */
#ifndef H2SCOPE_FUZZ_PCAP_H
#define H2SCOPE_FUZZ_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_judge.h"

/* Writes t to path (client 127.0.0.1:40000, server 127.0.0.2:server_port);
 * false with a reason in err. */
bool fuzz_pcap_write(const char *path, const fuzz_transcript *t, uint16_t server_port, char *err,
                     size_t cap);

#endif
