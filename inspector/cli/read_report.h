/* read_report.h — `h2scope read --html FILE`: what the read command hands
 * the HTML report writer (render/report_write.h) from its decoding
 * callbacks: each connection's start, frames, events and close, with the
 * capture context (connection, endpoints, direction, absolute time) taken
 * from the h2_conn. The report's findings come from the connection's linter
 * (lint_options.json_copy), which --html runs. */
#ifndef H2SCOPE_READ_REPORT_H
#define H2SCOPE_READ_REPORT_H

#include <stdint.h>

#include "h2_conn.h"
#include "report_write.h"

/* The report's limits as read's options set them (--html-max-frames,
 * --html-details, --html-max-lanes) and its title. */
typedef struct read_report_limits {
  uint64_t max_frames, max_details;
  uint32_t max_lanes;
  bool details_set; /* --html-details given (0 is a value) */
} read_report_limits;

/* A connection opens; first_ts: the capture's first timestamp (the report
 * starts its clock there at the first connection). */
void read_report_open(report_writer *w, const h2_conn *c, double first_ts, const char *message);
void read_report_frame(report_writer *w, const h2_conn *c, int dir, const decoded_frame *d);
void read_report_event(report_writer *w, const h2_conn *c, int dir, const char *event,
                       uint64_t offset, const char *message, const event_data *data);

#endif
