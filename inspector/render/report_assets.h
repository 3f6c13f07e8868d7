/* report_assets.h — the fixed parts of the HTML report (read --html): the
 * page before the data (HTML head, the charting library's and the report's
 * CSS, the page skeleton) and after it (the charting library with its
 * license, the report's own script). The bytes are generated at build time
 * from inspector/render/report/ by report/embed.cmake into the build
 * directory (report_assets.c); nothing of the library is in the tree. */
#ifndef H2SCOPE_REPORT_ASSETS_H
#define H2SCOPE_REPORT_ASSETS_H

#include <stddef.h>

extern const unsigned char report_asset_head[];
extern const size_t report_asset_head_len;
extern const unsigned char report_asset_tail[];
extern const size_t report_asset_tail_len;
/* "uPlot 1.6.32": the library inlined, for the report's footer and tests. */
extern const char report_asset_library[];

#endif
