/* capture_engine.h — everything between a captured packet and the
 * flow_consumer, without libpcap: decode the packet, find or open its
 * connection, assign client/server roles, feed both reassemblers, and close
 * flows on FIN/RST, idle timeout, eviction and end of capture. capture_run()
 * drives it from libpcap; tests drive it with synthetic packets. */
#ifndef H2SCOPE_CAPTURE_ENGINE_H
#define H2SCOPE_CAPTURE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture_run.h"
#include "flow_events.h"
#include "flow_table.h"
#include "tcp_reassembly.h"

typedef struct capture_engine {
  flow_table table;
  capture_limits limits;
  tcp_reassembly_limits reassembly_limits;
  tcp_reassembly_counters counters;
  const flow_consumer *consumer;
  capture_stats *stats;
  uint32_t last_flow_id;
  double now; /* latest capture time seen */
  bool have_now;
  uint32_t notices_sent; /* capture-wide notices already given */
  /* Several files read as one capture: their names (in reading order) and
   * the one being read. */
  const char *const *files;
  size_t nfiles;
  uint32_t file_index;
  double file_last_ts; /* the latest packet time of the files before */
  bool file_has_packets;
  /* The packet being processed: 1-based in its file (Wireshark's
   * frame.number), or since the start of a live capture. */
  uint64_t packet;
} capture_engine;

/* limits with zero fields get the defaults. stats must outlive the engine
 * and is added to (not zeroed). Returns false if memory runs out. */
bool capture_engine_init(capture_engine *e, const capture_limits *limits,
                         const flow_consumer *consumer, capture_stats *stats);

/* One captured record of the given link type (DLT_ value). */
void capture_engine_packet(capture_engine *e, int linktype, const uint8_t *data, size_t caplen,
                           size_t wirelen, double ts);

/* The next packets come from file `index` of `files` (nfiles names that
 * outlive the engine). Reports a file that starts before the previous one
 * ended ("file-overlap"); gaps after a boundary name both files. */
void capture_engine_begin_file(capture_engine *e, const char *const *files, size_t nfiles,
                               uint32_t index);

/* Time passes without packets (live capture): expire idle flows. */
void capture_engine_tick(capture_engine *e, double now);

/* End of capture: every open flow gets its pending data and gaps flushed and
 * on_close(FLOW_CLOSE_END), in order of flow id. Also copies the
 * reassembly counters into the stats. */
void capture_engine_finish(capture_engine *e);

/* A secrets block of the file being read, for the consumer's on_secrets (a
 * pcapng_secrets_fn: engine is the capture_engine). */
void capture_engine_secrets(void *engine, uint32_t type, const uint8_t *data, size_t len);

/* A capture-wide notice (f == NULL), at the latest capture time. */
void capture_engine_notice(capture_engine *e, const char *kind, const char *message);

/* Frees everything (call after finish). */
void capture_engine_free(capture_engine *e);

#endif
