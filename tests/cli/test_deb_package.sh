#!/usr/bin/env bash
# test_deb_package.sh — the Debian package builds from the tree (CPack DEB),
# installs cleanly with dpkg, its h2scope runs, its codec and session
# libraries are found through pkg-config (the examples build against the
# installed session with nothing else and talk to each other), its binary and
# shared library are hardened (elf_hardening.sh: PIE, RELRO/BIND_NOW, stack
# protector, _FORTIFY_SOURCE), and it removes
# cleanly. It installs into the system, so it only runs as root, and it
# refuses to touch a system that already has h2scope.
set -euo pipefail
src=${H2_SOURCE_DIR:?}
. "$(dirname "$0")/elf_hardening.sh"
if [ "$(id -u)" != 0 ] || ! command -v dpkg >/dev/null; then
  echo "skip: needs root and dpkg"
  exit 0
fi
if [ "$(dpkg-query -W -f='${Status}' h2scope 2>/dev/null)" = "install ok installed" ]; then
  echo "skip: an h2scope package is already installed"
  exit 0
fi
work=$(mktemp -d)
trap 'dpkg -P h2scope >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DH2_BUILD_TESTS=OFF \
  -DCMAKE_INSTALL_PREFIX=/usr >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
cmake --build "$work/build" -j2 --target h2scope h2codec h2codec_shared h2session h2session_shared \
  >>"$work/log" 2>&1 ||
  { cat "$work/log"; exit 1; }
(cd "$work/build" && cpack -G DEB >>"$work/log" 2>&1) || { cat "$work/log"; exit 1; }
deb=$(ls "$work"/build/h2scope_*.deb)
# The release build is hardened, _FORTIFY_SOURCE included (it is optimized).
if command -v readelf >/dev/null; then
  dpkg-deb -x "$deb" "$work/root"
  check_hardening "$work/root/usr/bin/h2scope" fortify || exit 1
  for lib in "$work"/root/usr/lib/*/libh2scope-codec.so.*; do
    [ -L "$lib" ] || check_hardening "$lib" || exit 1
  done
fi
info=$(dpkg-deb --info "$deb")
grep -q "Package: h2scope" <<<"$info" || { echo "wrong package name"; exit 1; }
grep -q "Depends:.*libpcap" <<<"$info" || { echo "no libpcap dependency"; exit 1; }
dpkg -i "$deb" >/dev/null
version=$(/usr/bin/h2scope --version)
grep -q "^h2scope " <<<"$version" || { echo "installed h2scope does not run"; exit 1; }
pkg-config --modversion h2scope-codec | grep . >/dev/null || { echo "pkg-config file missing"; exit 1; }
test -e /usr/include/h2/frame.h
[ "$(pkg-config --modversion h2scope-session)" = "$(pkg-config --modversion h2scope-codec)" ] ||
  { echo "pkg-config file of the session missing"; exit 1; }
test -e /usr/include/h2/session.h && test -e /usr/include/h2/session_io.h
# The session library as another project uses it: the system's pkg-config only.
flags=$(pkg-config --cflags --libs h2scope-session openssl)
for e in simple_server simple_client; do
  cc -std=c11 -Wall -Werror "$src/examples/$e.c" $flags -o "$work/$e"
done
grep -q "libh2scope-session.so.0 => \(/usr\)\?/lib/" <<<"$(ldd "$work/simple_client")" ||
  { echo "the client does not use the installed libh2scope-session.so.0"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$work/simple_server" "$port" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true; dpkg -P h2scope >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
out=
for i in $(seq 50); do
  out=$(timeout 10 "$work/simple_client" "http://127.0.0.1:$port/" 2>/dev/null) && break
  sleep 0.1
done
[ "$out" = "hello from h2scope" ] || { echo "installed session examples: got '$out'"; exit 1; }
kill $server
# The man pages, the bash completion and the JSON Schemas are in the package
# (checked in its file list: slim images tell dpkg not to unpack share/man).
files=$(dpkg-deb -c "$deb")
for f in man/man1/h2scope.1 man/man1/h2scope-read.1 man/man1/h2scope-frames.1 \
  bash-completion/completions/h2scope doc/h2scope/schema/v1/read.schema.json; do
  grep -q "\./usr/share/$f\$" <<<"$files" || { echo "$f missing from the package"; exit 1; }
done
# The libraries with their sonames, static archives, pkg-config and CMake files;
# a shlibs file so that packages linking them get a dependency on this one.
for f in libh2scope-codec.so.0 libh2scope-session.so.0 libh2scope-session.a \
  pkgconfig/h2scope-session.pc cmake/h2scope/h2scope-session-targets.cmake; do
  grep -q "\./usr/lib/[^ ]*$f\( ->.*\)\?\$" <<<"$files" || { echo "$f missing from the package"; exit 1; }
done
grep -q "^libh2scope-session 0 h2scope" <<<"$(dpkg-deb -I "$deb" shlibs)" ||
  { echo "no shlibs entry for libh2scope-session"; exit 1; }
dpkg -P h2scope >/dev/null
test ! -e /usr/bin/h2scope || { echo "h2scope left behind after removal"; exit 1; }
! pkg-config --exists h2scope-session || { echo "h2scope-session left behind after removal"; exit 1; }
echo "ok: $(basename "$deb") installs, runs and removes cleanly"
