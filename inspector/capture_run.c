/* capture_run.c — drives the capture engine from libpcap: opens a pcap or
 * pcapng file (or stdin, "-") or a live interface, applies the BPF filter,
 * loops over the records and stops cleanly on SIGINT/SIGTERM or
 * capture_stop() through pcap_breakloop(). */
#include "capture_run.h"

#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "capture_engine.h"

/* The handle of the running capture, for the signal handler. One capture
 * runs at a time per process (the CLI runs exactly one). */
static pcap_t *volatile g_active;
static volatile sig_atomic_t g_stop;

void capture_stop(void) {
  g_stop = 1;
  pcap_t *p = g_active;
  /* pcap_breakloop only sets a flag (and wakes a blocked poll): safe in a
   * signal handler, as its manual page says. */
  if (p) pcap_breakloop(p);
}

static void on_signal(int sig) {
  (void)sig;
  capture_stop();
}

void capture_options_default(capture_options *o) {
  memset(o, 0, sizeof *o);
  capture_limits_default(&o->limits);
}

typedef struct run_state {
  capture_engine engine;
  int linktype;
  int ts_divisor; /* ts.tv_usec units per second: 1e6 or 1e9 */
  uint64_t max_packets;
  uint64_t seen;
} run_state;

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes) {
  run_state *rs = (run_state *)user;
  double ts = (double)h->ts.tv_sec + (double)h->ts.tv_usec / rs->ts_divisor;
  capture_engine_packet(&rs->engine, rs->linktype, bytes, h->caplen, h->len, ts);
  rs->seen++;
  if (g_stop || (rs->max_packets && rs->seen >= rs->max_packets)) pcap_breakloop(g_active);
}

static pcap_t *open_file(const char *path, char *err, size_t errcap) {
  char pcap_err[PCAP_ERRBUF_SIZE] = "";
  pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
  if (!p) {
    snprintf(err, errcap, "cannot read capture %s: %s",
             strcmp(path, "-") == 0 ? "from stdin" : path, pcap_err);
  }
  return p;
}

static pcap_t *open_live(const capture_options *o, capture_engine *engine, char *err,
                         size_t errcap) {
  char pcap_err[PCAP_ERRBUF_SIZE] = "";
  pcap_t *p = pcap_create(o->iface, pcap_err);
  if (!p) {
    snprintf(err, errcap, "cannot capture on %s: %s", o->iface, pcap_err);
    return NULL;
  }
  (void)pcap_set_snaplen(p, o->snaplen > 0 ? o->snaplen : 262144);
  (void)pcap_set_promisc(p, o->no_promisc ? 0 : 1);
  (void)pcap_set_timeout(p, 200);
  (void)pcap_set_immediate_mode(p, 1); /* show frames as they come, not per buffer */
  (void)pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
  int rc = pcap_activate(p);
  if (rc < 0) {
    snprintf(err, errcap, "cannot capture on %s: %s%s%s", o->iface, pcap_statustostr(rc),
             rc == PCAP_ERROR ? ": " : "", rc == PCAP_ERROR ? pcap_geterr(p) : "");
    pcap_close(p);
    return NULL;
  }
  if (rc > 0) {
    char msg[PCAP_ERRBUF_SIZE + 64];
    snprintf(msg, sizeof msg, "%s: %s", pcap_statustostr(rc), pcap_geterr(p));
    capture_engine_notice(engine, "capture-warning", msg);
  }
  return p;
}

static bool apply_filter(pcap_t *p, const char *bpf, char *err, size_t errcap) {
  struct bpf_program prog;
  if (pcap_compile(p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
    snprintf(err, errcap, "bad filter \"%s\": %s", bpf, pcap_geterr(p));
    return false;
  }
  int rc = pcap_setfilter(p, &prog);
  pcap_freecode(&prog);
  if (rc != 0) {
    snprintf(err, errcap, "cannot apply filter \"%s\": %s", bpf, pcap_geterr(p));
    return false;
  }
  return true;
}

static double wall_clock(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Reads records until the end, an error, a stop request or max_packets. A
 * read error (a file cut in the middle of a record) becomes a notice: what
 * came before it was processed. */
static void run_loop(pcap_t *p, run_state *rs, bool live) {
  for (;;) {
    if (g_stop) break;
    int n = pcap_dispatch(p, live ? -1 : 4096, on_packet, (u_char *)rs);
    if (n == PCAP_ERROR_BREAK) break;
    if (n == PCAP_ERROR) {
      char msg[PCAP_ERRBUF_SIZE + 96];
      snprintf(msg, sizeof msg, "%s (packets before this point were processed)",
               pcap_geterr(p));
      capture_engine_notice(&rs->engine, live ? "capture-error" : "capture-file-error", msg);
      break;
    }
    if (rs->max_packets && rs->seen >= rs->max_packets) break;
    if (live) capture_engine_tick(&rs->engine, wall_clock());
    else if (n == 0) break; /* end of file */
  }
}

int capture_run(const capture_options *opts, const flow_consumer *consumer, capture_stats *stats,
                char *err, size_t errcap) {
  capture_stats local_stats;
  if (!stats) stats = &local_stats;
  memset(stats, 0, sizeof *stats);
  if (errcap) err[0] = '\0';
  bool live = opts->file == NULL;
  if (live && !opts->iface) {
    snprintf(err, errcap, "no capture file or interface given");
    return 1;
  }
  run_state rs;
  memset(&rs, 0, sizeof rs);
  if (!capture_engine_init(&rs.engine, &opts->limits, consumer, stats)) {
    snprintf(err, errcap, "out of memory");
    return 1;
  }
  pcap_t *p = live ? open_live(opts, &rs.engine, err, errcap) : open_file(opts->file, err, errcap);
  if (!p) {
    capture_engine_free(&rs.engine);
    return 1;
  }
  if (opts->bpf && opts->bpf[0] && !apply_filter(p, opts->bpf, err, errcap)) {
    pcap_close(p);
    capture_engine_free(&rs.engine);
    return 1;
  }
  rs.linktype = pcap_datalink(p);
  rs.ts_divisor =
      pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO ? 1000000000 : 1000000;
  rs.max_packets = opts->max_packets;

  struct sigaction old_int, old_term, sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: a blocked read returns */
  g_stop = 0;
  g_active = p;
  if (!opts->no_signal_handler) {
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    /* A signal the caller ignores (nohup, a background job) stays ignored. */
    if (old_int.sa_handler == SIG_IGN) sigaction(SIGINT, &old_int, NULL);
    if (old_term.sa_handler == SIG_IGN) sigaction(SIGTERM, &old_term, NULL);
  }

  run_loop(p, &rs, live);
  stats->interrupted = g_stop != 0;

  if (live) {
    struct pcap_stat ps;
    if (pcap_stats(p, &ps) == 0 && ps.ps_drop > 0) {
      stats->kernel_dropped = ps.ps_drop;
      char msg[128];
      snprintf(msg, sizeof msg, "the kernel dropped %u packets: expect gaps", ps.ps_drop);
      capture_engine_notice(&rs.engine, "capture-dropped", msg);
    }
  }
  if (!opts->no_signal_handler) {
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
  }
  g_active = NULL;
  g_stop = 0;
  capture_engine_finish(&rs.engine);
  capture_engine_free(&rs.engine);
  pcap_close(p);
  return 0;
}
