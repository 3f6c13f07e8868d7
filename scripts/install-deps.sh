#!/usr/bin/env bash
# Installs what h2scope needs to build and test on Debian 12 (run as root).
# Skips apt entirely when everything is already there. --browsers adds
# headless Chromium and Firefox ESR (and NSS's certutil), the real clients of
# tests/cli/test_tlsdec_browsers.sh; scripts/test.sh asks for them.
set -euo pipefail
pkgs=(build-essential cmake pkg-config clang libclang-rt-14-dev llvm
      check libsubunit-dev libpcap-dev libpcre2-dev
      libnghttp2-dev nghttp2-client nghttp2-server tcpdump tshark
      python3 xxd curl h2o nginx
      libssl-dev openssl nodejs
      scdoc man-db file time python3-jsonschema python3-grpcio python3-hpack
      protobuf-compiler libprotobuf-dev libprotobuf-c-dev protobuf-c-compiler
      python3-protobuf
      abigail-tools util-linux jq
      zlib1g-dev libbrotli-dev libzstd-dev zstd brotli)
for arg in "$@"; do
  case $arg in
  --browsers) pkgs+=(chromium firefox-esr libnss3-tools) ;;
  *) echo "usage: $0 [--browsers]" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'install ok installed' >/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# npm: the HTML report's pinned charting library, its linter and its browser
# driver are installed by `npm ci` at configure time (inspector/CMakeLists.txt).
# Some nodejs packages bring npm along; Debian's own is a package of its own.
if ! command -v npm >/dev/null; then
  echo "install-deps: installing npm"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
