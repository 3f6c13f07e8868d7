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
#
# The TLS decryption code needs OpenSSL 3 (EVP_KDF). The OSS-Fuzz builder
# image (Ubuntu 20.04) has 1.1, so the Dockerfile fetches OpenSSL 3 into
# $SRC/openssl and it is built here, static, into $WORK; where the system's
# libcrypto is already 3.x (a local try) that one is used, linked static too.
openssl_args=(-DOPENSSL_USE_STATIC_LIBS=TRUE)
if ! pkg-config --atleast-version=3 libcrypto 2>/dev/null && [ -d "$SRC/openssl" ]; then
  prefix=${WORK:-/tmp}/openssl3
  if [ ! -f "$prefix/lib/libcrypto.a" ]; then
    (cd "$SRC/openssl" && ./Configure no-shared no-tests no-asm no-module \
      --prefix="$prefix" --libdir=lib linux-x86_64 &&
      make -j"$(nproc)" build_libs && make install_dev)
  fi
  openssl_args+=(-DOPENSSL_ROOT_DIR="$prefix")
fi
cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_C_FLAGS="$CFLAGS" -DH2_FUZZ=ON -DH2_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DH2_FUZZ_INSTRUMENT=OFF -DH2_SANITIZE=OFF -DH2_WERROR=OFF -DH2_BUILD_TESTS=OFF \
  "${openssl_args[@]}" -DCMAKE_C_STANDARD_LIBRARIES="-ldl -pthread" \
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
  # Shared libraries outside the base system (libpcap, libnghttp2 and what
  # they pull in; libcrypto is static).
  ldd "$exe" | awk '/=> \// {print $3}' | grep -E 'lib(pcap|crypto|nghttp2|dbus|ibverbs|nl-)' |
    while read -r lib; do cp -L "$lib" "$OUT/lib/"; done
done
