#!/usr/bin/env bash
# update-abi.sh — regenerates the committed ABI of the shared libraries after a
# deliberate change (docs/api.md, versioning): for libh2scope-codec.so and
# libh2scope-session.so, built with -O2 -g in a temporary directory,
#   <lib>/exported-symbols.txt   the exported symbols (nm -D --defined-only)
#   <lib>/h2scope-<lib>.abi      the types and functions of the public headers
#                                (libabigail's abidw; private types dropped)
# tests/cli/test_exported_symbols.sh builds the libraries the same way and
# compares them with these files. Review the diff before committing it.
# Usage: update-abi.sh [--check]   (--check: compare only, change nothing)
# Needs abigail-tools (scripts/install-deps.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
check=0
[ "${1:-}" = --check ] && check=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake -S "$root" -B "$work/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DH2_BUILD_TESTS=OFF \
  -DH2_SANITIZE=OFF >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" -j2 --target h2codec_shared h2session_shared >"$work/build.log" 2>&1 ||
  { cat "$work/build.log"; exit 1; }

status=0
for lib in codec session; do
  so=$work/build/$lib/libh2scope-$lib.so
  head -n "$(grep -c '^#' "$root/$lib/exported-symbols.txt")" "$root/$lib/exported-symbols.txt" \
    >"$work/$lib.symbols"
  nm -D --defined-only "$so" | awk '{print $3}' | LC_ALL=C sort >>"$work/$lib.symbols"
  # The codec's headers are public for the session too (h2_header, h2_status).
  headers=(--headers-dir "$root/codec/include/h2")
  [ $lib = session ] && headers+=(--headers-dir "$root/session/include/h2")
  # No locations nor build paths: the file does not depend on where the tree is.
  abidw --no-corpus-path --no-show-locs --no-comp-dir-path --drop-private-types \
    "${headers[@]}" "$so" | sed "s|path='$root/|path='|" >"$work/$lib.abi"
  if [ $check = 1 ]; then
    diff -u "$root/$lib/exported-symbols.txt" "$work/$lib.symbols" || status=1
    abidiff "$root/$lib/h2scope-$lib.abi" "$so" || status=1
  else
    cp "$work/$lib.symbols" "$root/$lib/exported-symbols.txt"
    cp "$work/$lib.abi" "$root/$lib/h2scope-$lib.abi"
    echo "wrote $lib/exported-symbols.txt and $lib/h2scope-$lib.abi"
  fi
done
exit $status
