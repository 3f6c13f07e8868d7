#!/bin/bash -eu
# build.sh — OSS-Fuzz / ClusterFuzzLite build of h2scope's fuzz targets.
# Follows the OSS-Fuzz convention: the compiler is $CC, every flag comes from
# $CFLAGS (sanitizer and coverage instrumentation included), the engine is
# linked with $LIB_FUZZING_ENGINE; binaries, seed corpora
# (<target>_seed_corpus.zip, made from corpus/<target>/), dictionaries
# (<target>.dict) and options files go to $OUT.
# Try it locally without Docker:
#   SRC=$PWD/.. OUT=/tmp/out WORK=/tmp/work CC=clang \
#   CFLAGS="-g -O1 -fsanitize=address,undefined,fuzzer-no-link" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer .clusterfuzzlite/build.sh
src=${H2SCOPE_SRC:-$SRC/h2scope}
build=${WORK:-/tmp}/h2scope-build
# The code is instrumented by $CFLAGS already (H2_FUZZ_INSTRUMENT=OFF), the
# sanitizers too (H2_SANITIZE=OFF); warnings stay warnings under foreign
# flags (H2_WERROR=OFF). The shared libraries the targets need are copied
# to $OUT/lib and found through an $ORIGIN rpath (the runner image has none).
cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_C_FLAGS="$CFLAGS" -DH2_FUZZ=ON -DH2_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DH2_FUZZ_INSTRUMENT=OFF -DH2_SANITIZE=OFF -DH2_WERROR=OFF -DH2_BUILD_TESTS=OFF \
  -DCMAKE_EXE_LINKER_FLAGS='-Wl,-rpath,$ORIGIN/lib'
cmake --build "$build" --target fuzz_all -j"$(nproc)"

mkdir -p "$OUT/lib"
for exe in "$build"/fuzz/*; do
  [ -f "$exe" ] && [ -x "$exe" ] || continue
  target=$(basename "$exe")
  cp "$exe" "$OUT/$target"
  cp "$src/fuzz/h2.dict" "$OUT/$target.dict"
  printf '[libfuzzer]\nmax_len = 16384\ndict = %s.dict\n' "$target" >"$OUT/$target.options"
  if [ -d "$src/corpus/$target" ]; then
    rm -f "$OUT/${target}_seed_corpus.zip"
    (cd "$src/corpus/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
  fi
  # Shared libraries outside the base system (libpcap, libcrypto, libnghttp2
  # and what they pull in).
  ldd "$exe" | awk '/=> \// {print $3}' | grep -E 'lib(pcap|crypto|nghttp2|dbus|ibverbs|nl-)' |
    while read -r lib; do cp -L "$lib" "$OUT/lib/"; done
done
