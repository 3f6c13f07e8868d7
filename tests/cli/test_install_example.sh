#!/usr/bin/env bash
# test_install_example.sh — the codec is usable outside the tree: build the
# codec component in release mode, install it into a temporary prefix, then
# (1) compile examples/decode_frames.c with `pkg-config --cflags --libs
# h2scope-codec` against the shared library and (2) with find_package(h2scope)
# in a throwaway CMake project against the static one, and check that both
# decode a hand-made frame stream to the exact expected output.
set -euo pipefail
src=${H2_SOURCE_DIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DH2_BUILD_TESTS=OFF \
  -DH2_SANITIZE=OFF >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" -j2 --target h2codec h2codec_shared >"$work/build.log" 2>&1 ||
  { cat "$work/build.log"; exit 1; }
cmake --install "$work/build" --component codec --prefix "$work/prefix" >/dev/null
libdir=$(cd "$work/prefix" && ls -d lib*/pkgconfig | head -1 | xargs dirname)
test -e "$work/prefix/$libdir/libh2scope-codec.so.0" || { echo "no versioned soname"; exit 1; }
test -e "$work/prefix/$libdir/libh2scope-codec.a" || { echo "no static library"; exit 1; }
test -e "$work/prefix/include/h2/frame.h" || { echo "headers not installed"; exit 1; }

# Preface, SETTINGS(MAX_CONCURRENT_STREAMS=100), HEADERS stream 1 with
# END_STREAM|END_HEADERS: :method GET, :scheme http, :path /, then a literal
# with incremental indexing, indexed name :authority (1), value "example.com".
printf 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' >"$work/in.bin"
printf '\x00\x00\x06\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x64' >>"$work/in.bin"
printf '\x00\x00\x10\x01\x05\x00\x00\x00\x01\x82\x86\x84\x41\x0bexample.com' >>"$work/in.bin"
cat >"$work/expected" <<'OUT'
preface
SETTINGS stream=0 length=6 flags=
HEADERS stream=1 length=16 flags=END_STREAM|END_HEADERS
    :method: GET
    :scheme: http
    :path: /
    :authority: example.com
OUT

export PKG_CONFIG_PATH=$work/prefix/$libdir/pkgconfig
cc -std=c11 -Wall -Werror "$src/examples/decode_frames.c" $(pkg-config --cflags --libs h2scope-codec) \
  -Wl,-rpath,"$work/prefix/$libdir" -o "$work/decode_frames"
"$work/decode_frames" <"$work/in.bin" >"$work/out1"
diff -u "$work/expected" "$work/out1"
deps=$(ldd "$work/decode_frames")
grep -q "libh2scope-codec.so.0" <<<"$deps" || { echo "not linked to the shared codec"; exit 1; }

mkdir -p "$work/proj"
cat >"$work/proj/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.25)
project(uses_h2scope C)
find_package(h2scope 0.1 REQUIRED)
add_executable(decode_frames "$src/examples/decode_frames.c")
target_link_libraries(decode_frames PRIVATE h2scope::codec_static)
CM
cmake -S "$work/proj" -B "$work/proj/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/proj/build" >/dev/null
"$work/proj/build/decode_frames" <"$work/in.bin" >"$work/out2"
diff -u "$work/expected" "$work/out2"
echo "ok: pkg-config and find_package builds decode the stream"
