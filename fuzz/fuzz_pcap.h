/* fuzz_pcap.h — triage helper: with H2_FUZZ_PCAP=path in the environment, a
 * target writes the TCP conversation its input stands for as a small classic
 * pcap (raw IPv4, client 10.0.0.1:40000, server 10.0.0.2:8080, a handshake
 * first), so `h2scope read path` or tcpdump shows a finding. Without the
 * variable every call does nothing. */
#ifndef H2_FUZZ_PCAP_H
#define H2_FUZZ_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { FUZZ_TCP_FIN = 0x01, FUZZ_TCP_SYN = 0x02, FUZZ_TCP_PSH = 0x08, FUZZ_TCP_ACK = 0x10 };

/* Starts the file and writes the three-way handshake; the first data byte of
 * the client is at client_isn + 1, of the server at server_isn + 1. Returns
 * whether a capture is being written. */
bool fuzz_pcap_begin(uint32_t client_isn, uint32_t server_isn);
bool fuzz_pcap_active(void);
/* One segment: `captured` of `len` payload bytes are written (a snap length
 * cut when captured < len). */
void fuzz_pcap_packet(bool from_client, uint32_t seq, uint32_t ack, uint8_t flags,
                      const uint8_t *payload, size_t captured, size_t len);
/* Closes the file (logs its name in verbose mode). */
void fuzz_pcap_end(void);

#endif
