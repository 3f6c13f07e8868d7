#!/usr/bin/env bash
# test_hardening.sh — the h2scope binary the tests run is built hardened
# (top-level CMakeLists.txt): PIE, full RELRO with BIND_NOW, stack protector
# (elf_hardening.sh). This is the sanitizer build, without optimization
# enough for _FORTIFY_SOURCE; test_deb_package.sh checks that too, on the
# release build it packages.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/elf_hardening.sh"
command -v readelf >/dev/null || { echo "SKIP: readelf not installed"; exit 0; }
check_hardening "$H" || { echo "FAIL: the binary is not hardened" >&2; exit 1; }
echo "ok: $(basename "$H") is PIE with full RELRO, BIND_NOW and a stack protector"
