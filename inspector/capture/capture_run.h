/* capture_run.h — the entry point of the capture half of `h2scope read`: open a
 * pcap/pcapng file, stdin ("-") or a live interface through libpcap, decode
 * link/IP/TCP, track connections and reassemble each TCP direction, and hand
 * the in-order bytes, gaps, opens, closes and notices to a flow_consumer
 * (flow_events.h). The consumer never sees packets.
 *
 * Contract details the consumer can rely on (beyond flow_events.h):
 * - Callbacks come in capture order, from the thread that called capture_run.
 * - f->bytes[dir] already includes the chunk being passed to on_bytes.
 * - on_bytes offsets are contiguous per direction: the next on_bytes or on_gap
 *   of a direction starts where the previous one ended.
 * - Directions keep the capture's numbering (flow_events.h): the roles a
 *   layer above learns from the bytes are its own data, never pushed back.
 * - After on_close, f is gone: f->user is not looked at again.
 * - on_notice kinds (stable): "unsupported-linktype", "non-ip", "non-tcp",
 *   "truncated-packet", "malformed-packet", "ip-fragment" (each reported once
 *   per capture, f == NULL); "limit-connections" (per eviction, f = evicted
 *   flow, just before its on_close), "limit-ooo-bytes", "overlap-conflict",
 *   "data-before-start", "data-after-fin", "data-after-close" (at most once
 *   per flow and direction); "capture-file-error" (the file ended in a broken
 *   record: what came before was processed), "capture-warning" (libpcap
 *   warning on activation), "capture-error" (live: libpcap failed),
 *   "file-gap" (several files: bytes missing after a file boundary, naming
 *   both files), "file-overlap" (several files: a file starts before the
 *   previous one ended). Kernel drops (live) go to capture_live_hooks. */
#ifndef H2SCOPE_CAPTURE_RUN_H
#define H2SCOPE_CAPTURE_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow_events.h"

typedef struct capture_limits {
  uint32_t max_connections;  /* default 65536; oldest-idle eviction when full, reported */
  uint32_t max_ooo_bytes;    /* per direction, buffered out-of-order bytes; default 4 MiB */
  uint32_t max_ooo_segments; /* per direction, buffered out-of-order segments; default 16384 */
  double idle_timeout;       /* seconds of capture time; default 300 */
} capture_limits;

/* Live capture: what the caller hears besides the flow events. */
typedef struct capture_live_hooks {
  void *user;
  /* Output may be written out now: after every batch of packets in
   * immediate mode, otherwise at most every CAPTURE_FLUSH_MS (and when the
   * capture is idle), so a busy capture does not pay a write per packet. */
  void (*on_flush)(void *user);
  /* The kernel's drop count grew (checked about once a second and at the
   * end): `dropped` packets lost to a full capture buffer (ps_drop) and
   * `if_dropped` by the interface (ps_ifdrop), both since the start; `added`
   * is their growth since the last call. */
  void (*on_drops)(void *user, uint64_t dropped, uint64_t if_dropped, uint64_t added, double ts);
} capture_live_hooks;

enum {
  CAPTURE_DEFAULT_BUFFER = 32 * 1024 * 1024, /* bytes; tcpdump's default is 2 MiB */
  CAPTURE_FLUSH_MS = 200,
};

typedef struct capture_options {
  const char *file; /* path, "-" for stdin; or NULL with files or iface */
  /* Several files read as one capture, in this order (capture_files.h puts
   * a rotating set in time order): connections, reassembly and everything
   * above carry across the file boundaries. */
  const char *const *files;
  size_t nfiles;
  const char *iface; /* live capture */
  const char *bpf;   /* optional filter (live and files) */
  capture_limits limits;
  int snaplen;          /* live: bytes kept per packet; 0 → 262144 */
  bool no_promisc;      /* live: do not put the interface in promiscuous mode */
  uint32_t buffer_size; /* live: kernel capture buffer in bytes; 0 → CAPTURE_DEFAULT_BUFFER */
  /* live: hand over each packet as it arrives (someone is watching) instead
   * of in blocks filled or timed out after CAPTURE_FLUSH_MS. Immediate mode
   * costs a wake-up per packet and, in libpcap on Linux, a ring of
   * snaplen-sized slots, so it is not the default. */
  bool immediate;
  capture_live_hooks hooks;
  uint64_t max_packets;   /* stop after this many packets (0 = no limit) */
  bool no_signal_handler; /* do not install the SIGINT/SIGTERM handler while running */
} capture_options;

typedef struct capture_stats {
  uint64_t packets;             /* records read (after the BPF filter) */
  uint64_t bytes;               /* their original (wire) lengths */
  uint64_t captured_bytes;      /* their captured lengths */
  uint64_t non_ip;              /* link payload that is not IPv4/IPv6 (ARP, LLC, ...) */
  uint64_t non_tcp;             /* IP packets that do not carry TCP (UDP, ICMP, ESP, ...) */
  uint64_t unsupported_link;    /* packets of a link type we do not decode */
  uint64_t truncated;           /* caplen < len, or headers cut short */
  uint64_t malformed;           /* impossible IP/TCP headers (bad version, lengths) */
  uint64_t ip_fragments;        /* IPv4/IPv6 fragments (not reassembled) */
  uint64_t tcp_segments;        /* TCP packets handed to the flow table */
  uint64_t tcp_payload_bytes;   /* TCP payload bytes captured */
  uint64_t connections;         /* flows opened (on_open calls) */
  uint64_t connections_evicted; /* closed because the table was full */
  uint64_t connections_idle;    /* closed by the idle timeout */
  uint64_t gaps;                /* on_gap calls */
  uint64_t gap_bytes;           /* sum of their lengths */
  uint64_t retransmitted_bytes; /* payload bytes seen again (already delivered or buffered) */
  uint64_t overlap_conflicts;   /* overlapping bytes that differed (first received kept) */
  uint64_t ooo_limit_hits;      /* out-of-order limit forced a gap */
  uint64_t keepalives;          /* TCP keep-alives ignored */
  uint64_t ignored_bytes;       /* payload before stream start, after FIN or after close */
  uint64_t secrets_blocks;      /* pcapng Decryption Secrets Blocks handed to on_secrets */
  uint64_t kernel_dropped;      /* live: packets the kernel dropped (pcap_stats ps_drop) */
  uint64_t interface_dropped;   /* live: packets the interface dropped (ps_ifdrop) */
  uint32_t files;               /* capture files read (0 for a live capture) */
  bool live;                    /* a live capture */
  bool interrupted;             /* stopped by SIGINT/SIGTERM or capture_stop() */
} capture_stats;

/* Fills the defaults listed above. */
void capture_limits_default(capture_limits *l);

/* Zeroes *o and fills the default limits. */
void capture_options_default(capture_options *o);

/* Runs the capture to its end (or SIGINT/SIGTERM/capture_stop() for live),
 * calling consumer. Every flow still open at the end gets its pending gaps
 * flushed and on_close(FLOW_CLOSE_END). Returns 0, or non-zero with a clear
 * message in err when the input is unusable (cannot open, not a capture file,
 * bad BPF filter, no such interface). stats is zeroed first; it may be NULL. */
int capture_run(const capture_options *opts, const flow_consumer *consumer, capture_stats *stats,
                char *err, size_t errcap);

/* Asks a running capture_run to stop after the current packet. Safe to call
 * from a signal handler or from a consumer callback (e.g. output pipe closed).
 * Open flows are still closed with FLOW_CLOSE_END. */
void capture_stop(void);

#endif
