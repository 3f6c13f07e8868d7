#!/usr/bin/env bash
# test_version_exit.sh — `h2scope --version` prints the project version and the
# libpcap and OpenSSL versions the binary runs with; and the exit statuses of
# docs/exit-status.md (0 ok, 1 findings, 2 usage, 3 unusable input) hold for
# every command on cases that need no network beyond loopback.
set -euo pipefail
src=${H2_SOURCE_DIR:?}
h2scope=${H2SCOPE:?}
fail=0

# ---- --version ----
version=$("$h2scope" --version)
project=$(sed -n 's/^project(h2scope VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
line1=$(sed -n 1p <<<"$version") line2=$(sed -n 2p <<<"$version") line3=$(sed -n 3p <<<"$version")
[ "$line1" = "h2scope $project" ] ||
  { echo "FAIL: first line '$line1', expected 'h2scope $project'"; fail=1; }
# libpcap: the version of the installed runtime library (Debian libpcap0.8).
pcap_pkg=$(dpkg-query -W -f='${Version}' 'libpcap0.8' 2>/dev/null | sed 's/-.*//' || true)
[[ $line2 == "libpcap version "* ]] ||
  { echo "FAIL: second line '$line2' is not libpcap's"; fail=1; }
if [ -n "$pcap_pkg" ] && [[ $line2 != "libpcap version $pcap_pkg"* ]]; then
  echo "FAIL: '$line2' is not the installed libpcap $pcap_pkg"; fail=1
fi
# OpenSSL: what `openssl version` reports for the library it runs with.
ossl=$(openssl version | sed -n 's/.*(Library: \(.*\))$/\1/p')
[ -n "$ossl" ] || ossl=$(openssl version)
[ "$line3" = "$ossl" ] || { echo "FAIL: third line '$line3', expected '$ossl'"; fail=1; }
[ "$(wc -l <<<"$version")" = 3 ] ||
  { echo "FAIL: --version prints $(wc -l <<<"$version") lines"; fail=1; }
[ "$("$h2scope" -V)" = "$version" ] || { echo "FAIL: -V differs from --version"; fail=1; }

# ---- exit statuses ----
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
expect_status() { # expect_status STATUS STDIN_TEXT ARGS...
  local want=$1 input=$2 got=0; shift 2
  printf '%s' "$input" | "$h2scope" "$@" >/dev/null 2>"$work/err" || got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL: h2scope $* exited $got, expected $want"; cat "$work/err"; fail=1
  fi
}
cap=$src/corpus/captures/sample.pcapng
expect_status 0 "" --version
expect_status 0 "" --help
expect_status 2 ""
expect_status 2 "" no-such-command
for cmd in read frames hpack get serve replay check; do
  expect_status 0 "" "$cmd" --help
  expect_status 0 "" help "$cmd"
  expect_status 2 "" "$cmd" --no-such-option
  # a usage error: the problem, then exactly one hint line
  [ "$(sed -n 2p "$work/err")" = "Try 'h2scope $cmd --help'." ] && [ "$(wc -l <"$work/err")" = 2 ] ||
    { echo "FAIL: h2scope $cmd --no-such-option: $(cat "$work/err")"; fail=1; }
done
expect_status 2 "" help no-such-command
expect_status 0 "" read "$cap"
expect_status 0 "" read --lint "$cap"
expect_status 1 "" read --lint "$src/corpus/captures/rst_stream.pcap"
expect_status 0 "" read "$src/corpus/captures/rst_stream.pcap"
expect_status 3 "" read "$work/missing.pcap"
expect_status 3 "" read /etc/hostname
expect_status 3 "" read "$cap" --har "$work/missing-dir/x.har"
expect_status 3 "" read "$cap" --sarif "$work"
expect_status 2 "" frames "$cap"
expect_status 0 "" frames "$src/corpus/samples/get-client.bin"
expect_status 1 "" frames --hex "$src/corpus/samples/errors/ping-length-7.hex"
expect_status 3 "" frames "$work/missing.bin"
expect_status 0 $'82\n' hpack decode
expect_status 1 $'80\n' hpack decode
expect_status 2 "" hpack
expect_status 3 "" hpack encode --story "$work/missing.json"
expect_status 3 "" get http://127.0.0.1:1/
expect_status 2 "" get
expect_status 2 "" get ftp://127.0.0.1/
expect_status 2 "" serve --port abc
expect_status 2 "" serve --host not-an-address
expect_status 3 "" serve --tls "$work/missing.pem" "$work/missing.key" --port 0
expect_status 3 "" check 127.0.0.1:1 --timeout 0.5
expect_status 3 "" replay "$work/missing.pcap" --to 127.0.0.1:1
expect_status 3 "" replay "$cap" --to 127.0.0.1:1 --timeout 500ms
expect_status 2 "" replay "$cap"
expect_status 2 "" check
expect_status 2 "" check 127.0.0.1:1 no-such-section
expect_status 3 "" check 127.0.0.1:1 --junit "$work/missing-dir/j.xml"

[ $fail = 0 ] && echo "ok: --version ($line2; $line3) and exit statuses 0/1/2/3"
exit $fail
