#!/usr/bin/env bash
# test_exported_symbols.sh — the ABI of the installed shared libraries is what
# is committed: builds libh2scope-codec.so and libh2scope-session.so with
# -O2 -g (as scripts/update-abi.sh does; the sanitizer build has no shared
# libraries) and
#   - compares their exported symbols (`nm -D --defined-only`, sorted) with
#     codec/exported-symbols.txt and session/exported-symbols.txt;
#   - for the session, checks that list against the functions its public
#     headers declare with H2_SESSION_API, so nothing is exported by accident
#     (a helper without `static`, the observer) and nothing declared is hidden;
#   - compares the types and functions of the public headers (sizes and
#     layouts of h2_session_config, h2_event, h2_transport, ... and every
#     signature) with codec/h2scope-codec.abi and session/h2scope-session.abi
#     using libabigail's abidiff, so adding a field to a public struct fails
#     too, while the session's private structs may change freely;
#   - checks the sonames (libh2scope-*.so.<major>) and that the session links
#     the shared codec rather than a copy of it.
# After a deliberate change (docs/api.md, versioning): scripts/update-abi.sh.
set -euo pipefail
src=${H2_SOURCE_DIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DH2_BUILD_TESTS=OFF \
  -DH2_SANITIZE=OFF >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" -j2 --target h2codec_shared h2session_shared >"$work/build.log" 2>&1 ||
  { cat "$work/build.log"; exit 1; }
major=$(sed -n 's/^project(h2scope VERSION \([0-9]*\)\..*/\1/p' "$src/CMakeLists.txt")

listed() { grep -v '^#' "$1" | grep .; }
exported() { nm -D --defined-only "$1" | awk '{print $3}' | LC_ALL=C sort; }

# compare NAME SO LIST: the built library exports exactly the committed list
compare() {
  local name=$1 so=$2 list=$3
  [ -e "$so" ] || fail "$so was not built"
  if ! diff -u <(listed "$list") <(exported "$so") >"$work/$name.diff"; then
    cat "$work/$name.diff"
    echo "the exported symbols of $name differ from ${list#$src/} (- committed, + built)." >&2
    echo "If the change is intended (docs/api.md, versioning): scripts/update-abi.sh" >&2
    exit 1
  fi
  soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  [ "$soname" = "lib$name.so.$major" ] || fail "$name: soname '$soname', expected lib$name.so.$major"
  echo "ok: $name exports the $(listed "$list" | wc -l) committed symbols, soname $soname"
}
compare h2scope-codec "$work/build/codec/libh2scope-codec.so" "$src/codec/exported-symbols.txt"
compare h2scope-session "$work/build/session/libh2scope-session.so" \
  "$src/session/exported-symbols.txt"

# Every H2_SESSION_API declaration of the installed headers, by name.
declared=$(cat "$src"/session/include/h2/{session,session_io,stream_state}.h |
  tr '\n' ' ' | grep -o 'H2_SESSION_API [^;{]*(' | sed 's/($//; s/.*[ *]//' | LC_ALL=C sort)
[ -n "$declared" ] || fail "no H2_SESSION_API declaration found in the public headers"
diff -u <(listed "$src/session/exported-symbols.txt") <(echo "$declared") ||
  fail "session/exported-symbols.txt (-) differs from the H2_SESSION_API declarations (+)"
echo "ok: the session exports exactly its $(wc -l <<<"$declared") declared public functions"

# The session uses the codec through its shared library: no codec code inside.
readelf -d "$work/build/session/libh2scope-session.so" | grep "NEEDED.*\[libh2scope-codec.so.$major\]" >/dev/null ||
  fail "libh2scope-session.so does not link libh2scope-codec.so.$major"
if nm --defined-only "$work/build/session/libh2scope-session.so" | grep ' [Tt] h2_hpack_encode$' >/dev/null; then
  fail "libh2scope-session.so carries its own copy of the codec"
fi
echo "ok: libh2scope-session.so links the shared codec"

# Types and signatures of the public headers, against the committed ABI.
if command -v abidiff >/dev/null 2>&1; then
  for lib in codec session; do
    if ! abidiff "$src/$lib/h2scope-$lib.abi" "$work/build/$lib/libh2scope-$lib.so" \
      >"$work/abidiff" 2>&1; then
      cat "$work/abidiff"
      echo "the ABI of libh2scope-$lib.so differs from $lib/h2scope-$lib.abi." >&2
      echo "If the change is intended (docs/api.md, versioning): scripts/update-abi.sh" >&2
      exit 1
    fi
  done
  echo "ok: the public types and functions equal codec/h2scope-codec.abi and session/h2scope-session.abi"
else
  echo "SKIP: abigail-tools not installed (scripts/install-deps.sh): layouts not compared"
fi
