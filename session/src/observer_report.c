/* observer_report.c — how the observer's parts report a finding: the
 * catalogue's section unless a more precise one is given, a formatted
 * message, to the configured on_finding callback. */
#include <stdarg.h>
#include <stdio.h>

#include "observer_internal.h"

void obs_report(h2_observer *o, const char *id, uint8_t severity, int dir, uint32_t stream,
                const char *section, const char *fmt, ...) {
  if (!o->cfg.on_finding) return;
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  const char *catalogue_section = "RFC 9113";
  int i = section ? -1 : h2_observer_rule_index(id);
  if (i >= 0) h2_observer_rule_at((size_t)i, NULL, NULL, &catalogue_section, NULL);
  h2_finding f = {.id = id,
                  .severity = severity,
                  .dir = (uint8_t)dir,
                  .stream = stream,
                  .section = section ? section : catalogue_section,
                  .message = msg};
  o->cfg.on_finding(o->cfg.user, &f);
}

const char *obs_who(int dir) {
  return dir == CLIENT ? "client" : "server";
}
