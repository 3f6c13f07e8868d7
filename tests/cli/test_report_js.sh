#!/usr/bin/env bash
# test_report_js.sh — the HTML report's own script (inspector/render/report/):
# its data-preparation functions pass their unit test (node:test), and the
# script, its test and this project's browser driver pass eslint (pinned in
# the report's package-lock.json, installed into the build by cmake).
set -euo pipefail
H=${H2SCOPE:?}
S=${H2_SOURCE_DIR:?}
npm_dir=$(cd "$(dirname "$H")" && pwd)/report-npm
[ -x "$npm_dir/node_modules/.bin/eslint" ] || { echo "FAIL: no eslint in $npm_dir (cmake installs it)" >&2; exit 1; }
src=$S/inspector/render/report
node --test "$src/report.test.js"
NODE_PATH=$npm_dir/node_modules "$npm_dir/node_modules/.bin/eslint" --no-warn-ignored \
  -c "$src/eslint.config.js" "$src/report.js" "$src/report.test.js" "$src/eslint.config.js"
echo "report_js: unit test and eslint clean"
