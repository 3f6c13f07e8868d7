#!/usr/bin/env bash
# test_session_library.sh — the session is usable as an installed library,
# the way another project would use it. Builds the codec and the session in
# release mode, installs both components into a temporary prefix, checks what
# is installed, then builds examples/simple_server.c and simple_client.c with
# nothing but `pkg-config --cflags --libs h2scope-session openssl` (shared
# libraries), the server once more with `pkg-config --static` and both through
# find_package(h2scope COMPONENTS session) (client static, server shared), and
# compiles each public header alone as C11 and C++. Then, on
# loopback, over h2c and over TLS with ALPN h2:
#   - the server against curl --http2-prior-knowledge / curl --http2, nghttp
#     (which gets /style.css pushed with /, RFC 9113 §8.4, unless --no-push)
#     and h2load (every request succeeded); 2 MB uploads with curl and nghttp;
#   - the client against nghttpd, h2o and nginx: bodies equal the files, the
#     status is printed, a 404 is a complete response, and over TLS the
#     certificate is verified (refused without the CA, accepted with it).
# Peers missing from the machine are reported and skipped.
set -euo pipefail
src=${H2_SOURCE_DIR:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
chmod 755 "$work"
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
T() { timeout 60 "$@"; }
sum() { sha256sum | cut -d' ' -f1; }

# ---- build, install, what is installed ----
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DH2_BUILD_TESTS=OFF \
  -DH2_SANITIZE=OFF >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" -j2 --target h2codec h2codec_shared h2session h2session_shared \
  >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
prefix=$work/prefix
for c in codec session; do
  cmake --install "$work/build" --component $c --prefix "$prefix" >/dev/null
done
libdir=$(cd "$prefix" && ls -d lib*/pkgconfig | head -1 | xargs dirname)
for f in "$libdir/libh2scope-session.so.0" "$libdir/libh2scope-session.a" \
  include/h2/session.h include/h2/session_io.h include/h2/stream_state.h \
  include/h2/session_api.h "$libdir/pkgconfig/h2scope-session.pc" \
  "$libdir/cmake/h2scope/h2scope-session-targets.cmake"; do
  test -e "$prefix/$f" || fail "$f is not installed"
done
# private headers stay private
for f in include/h2/observer.h include/h2/session_internal.h; do
  test ! -e "$prefix/$f" || fail "$f is installed"
done
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
export LD_LIBRARY_PATH=$prefix/$libdir
[ "$(pkg-config --modversion h2scope-session)" = "$(pkg-config --modversion h2scope-codec)" ] ||
  fail "h2scope-session and h2scope-codec versions differ"
echo "ok: installed: libraries, headers, pkg-config and CMake files"

# ---- each public header stands alone, in strict C11 and in C++ ----
for h in session.h session_io.h stream_state.h; do
  printf '#include <h2/%s>\nint main(void) { return 0; }\n' "$h" |
    cc -std=c11 -pedantic -Wall -Wextra -Werror -x c - $(pkg-config --cflags h2scope-session) \
      -fsyntax-only || fail "<h2/$h> does not compile alone as C11"
  if have c++; then
    printf '#include <h2/%s>\nint main() { return 0; }\n' "$h" |
      c++ -std=c++11 -pedantic -Wall -Wextra -Werror -x c++ - \
        $(pkg-config --cflags h2scope-session) -fsyntax-only || fail "<h2/$h> is not C++-clean"
  fi
done
echo "ok: the public headers compile alone (C11, C++11)"

# ---- the examples, through pkg-config only ----
flags=$(pkg-config --cflags --libs h2scope-session openssl)
for e in simple_server simple_client; do
  cc -std=c11 -Wall -Wextra -Werror -pedantic "$src/examples/$e.c" $flags -o "$work/$e"
  deps=$(ldd "$work/$e")
  grep -q "libh2scope-session.so.0 => $prefix" <<<"$deps" ||
    fail "$e does not use the installed libh2scope-session.so.0"
done
echo "ok: examples built with pkg-config --cflags --libs h2scope-session openssl"
# static archives through pkg-config --static (the linker picks the .a files)
cc -std=c11 -Wall -Werror "$src/examples/simple_server.c" $(pkg-config --cflags h2scope-session) \
  -Wl,-Bstatic $(pkg-config --static --libs h2scope-session) -Wl,-Bdynamic \
  $(pkg-config --libs openssl) -o "$work/simple_server_static"
if grep -q libh2scope <<<"$(ldd "$work/simple_server_static")"; then
  fail "pkg-config --static: the server still links a shared h2scope"
fi
echo "ok: the server linked statically with pkg-config --static --libs h2scope-session"

# ---- the client again, through find_package against the static library ----
mkdir -p "$work/proj"
cat >"$work/proj/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.25)
project(uses_h2scope_session C)
find_package(h2scope 0.1 REQUIRED COMPONENTS session)
find_package(OpenSSL REQUIRED)
add_executable(simple_client "$src/examples/simple_client.c")
target_link_libraries(simple_client PRIVATE h2scope::session_static OpenSSL::SSL)
add_executable(simple_server "$src/examples/simple_server.c")
target_link_libraries(simple_server PRIVATE h2scope::session OpenSSL::SSL)
CM
cmake -S "$work/proj" -B "$work/proj/build" -DCMAKE_PREFIX_PATH="$prefix" >"$work/proj.log" 2>&1 ||
  { cat "$work/proj.log"; fail "find_package(h2scope COMPONENTS session)"; }
cmake --build "$work/proj/build" >>"$work/proj.log" 2>&1 || { cat "$work/proj.log"; exit 1; }
static_client=$work/proj/build/simple_client
if grep -q libh2scope <<<"$(ldd "$static_client")"; then fail "the static client links a shared h2scope"; fi
grep -q "libh2scope-session.so.0 => $prefix" <<<"$(ldd "$work/proj/build/simple_server")" ||
  fail "h2scope::session is not the installed shared library"
# a component that does not exist is an error, not a silent success
sed -i 's/COMPONENTS session/COMPONENTS session nosuchpart/' "$work/proj/CMakeLists.txt"
if cmake -S "$work/proj" -B "$work/proj/build2" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null 2>&1; then
  fail "find_package accepted an unknown component"
fi
echo "ok: find_package(h2scope COMPONENTS session): h2scope::session and h2scope::session_static"

# ---- the server, against curl, nghttp and h2load ----
body='hello from h2scope'
style='body { font-family: sans-serif; }'
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 \
  -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null

head -c 2000000 /dev/urandom >"$work/upload.bin"

start_example_server() { # PORT [CERT KEY]
  "$work/simple_server" "$@" 2>/dev/null &
  peer_pids+=($!)
  wait_port "$1"
}

# check_server BASE_URL N CURL_OPTS...: every client succeeds, h2load with N requests
check_server() {
  local base=$1 n=$2
  shift 2
  [ "$(T curl -s "$@" "$base/anything")" = "$body" ] || fail "curl $* $base/anything"
  [ "$(T curl -s -o /dev/null -w '%{http_code} %{http_version}' "$@" "$base/")" = "200 2" ] ||
    fail "curl $*: not a 200 over HTTP/2"
  # a request body larger than the windows is read before the answer (§8.1)
  [ "$(T curl -s "$@" --data-binary @"$work/upload.bin" "$base/up")" = "$body" ] ||
    fail "curl $*: POST of 2 MB"
  if have nghttp; then
    # nghttp enables push: / comes with /style.css (marked '*': pushed)
    T nghttp -ns "$base/" >"$work/nghttp" 2>/dev/null
    grep -qE '^ *[0-9]+ .*\* .* 200 +34 /style.css$' "$work/nghttp" ||
      { cat "$work/nghttp"; fail "nghttp $base/: /style.css not pushed"; }
    grep -qE ' 200 +19 /$' "$work/nghttp" || fail "nghttp $base/: no 200 for /"
    # ... and not when the client said SETTINGS_ENABLE_PUSH = 0 (§6.5.2)
    T nghttp -ns --no-push "$base/" >"$work/nghttp" 2>/dev/null
    grep -qE ' 200 +19 /$' "$work/nghttp" || fail "nghttp --no-push $base/: no 200 for /"
    if grep -q style.css "$work/nghttp"; then fail "nghttp --no-push $base/: pushed anyway"; fi
    [ "$(T nghttp "$base/" 2>/dev/null | sort)" = "$(printf '%s\n%s\n' "$style" "$body" | sort)" ] ||
      fail "nghttp $base/: bodies differ"
    [ "$(T nghttp -d "$work/upload.bin" "$base/up" 2>/dev/null)" = "$body" ] ||
      fail "nghttp -d: POST of 2 MB"
    T nghttp -n -s -m 20 "$base/x" >"$work/nghttp" 2>/dev/null
    [ "$(grep -c ' 200 .*/x$' "$work/nghttp")" = 20 ] || fail "nghttp -m 20 $base/x"
  else
    echo "SKIP: nghttp not installed"
  fi
  if have h2load; then
    T h2load -n "$n" -c 8 -m 32 "$base/" >"$work/h2load" 2>&1 || true
    grep -q "requests: $n total, $n started, $n done, $n succeeded, 0 failed, 0 errored" \
      "$work/h2load" || fail "h2load $base/: $(grep requests: "$work/h2load")"
  else
    echo "SKIP: h2load not installed"
  fi
}

port=$(free_port)
start_example_server "$port"
check_server "http://127.0.0.1:$port" 20000 --http2-prior-knowledge
echo "ok: simple_server (h2c) with curl, nghttp (push) and h2load (20000 requests, 0 failed)"
cleanup_peers
# the statically linked server answers too
port=$(free_port)
"$work/simple_server_static" "$port" 2>/dev/null &
peer_pids+=($!)
wait_port "$port"
[ "$(T curl -s --http2-prior-knowledge "http://127.0.0.1:$port/")" = "$body" ] ||
  fail "the statically linked server"
echo "ok: the statically linked server answers curl"
cleanup_peers
port=$(free_port)
start_example_server "$port" "$work/cert.pem" "$work/key.pem"
check_server "https://127.0.0.1:$port" 5000 -k --http2
echo "ok: simple_server (TLS, ALPN h2) with curl, nghttp (push) and h2load (5000 requests, 0 failed)"
cleanup_peers

# ---- the client, against nghttpd, h2o and nginx ----
www=$work/www
mkdir -p "$www"
head -c 3000000 /dev/urandom >"$www/big.bin" # larger than every flow-control window
printf 'hello, h2\n' >"$www/small.txt"
chmod -R a+rX "$www"
big_sum=$(sum <"$www/big.bin")

# check_client LABEL BASE_URL [client options]: bodies equal the files
check_client() {
  local label=$1 base=$2 c
  shift 2
  for c in "$work/simple_client" "$static_client"; do
    [ "$(T "$c" "$@" "$base/big.bin" 2>"$work/err" | sum)" = "$big_sum" ] ||
      { cat "$work/err"; fail "$label: big.bin differs ($c)"; }
    grep -qx ':status: 200' "$work/err" || fail "$label: no ':status: 200' printed"
    cmp -s <(T "$c" "$@" "$base/small.txt" 2>/dev/null) "$www/small.txt" ||
      fail "$label: small.txt differs ($c)"
  done
  # a 404 is a complete response: exit status 0, the status printed
  T "$work/simple_client" "$@" "$base/missing" >/dev/null 2>"$work/err" || fail "$label: 404 exit"
  grep -qx ':status: 404' "$work/err" || fail "$label: no ':status: 404'"
  echo "ok: simple_client (shared and static) from $label"
}

for name in nghttpd h2o nginx; do
  if ! have "$name"; then
    echo "SKIP: $name not installed"
    continue
  fi
  port=$(free_port)
  case $name in
  nghttpd) start_nghttpd "$www" "$port" ;;
  h2o) start_h2o "$www" "$port" "$work" ;;
  nginx) start_nginx "$www" "$port" "$work" ;;
  esac
  check_client "$name (h2c)" "http://127.0.0.1:$port"
  cleanup_peers
done

for name in nghttpd h2o nginx; do
  tls_ports=()
  start_tls_peers "$www" "$work" "$work/key.pem" "$work/cert.pem" "$name"
  [ ${#tls_ports[@]} = 1 ] || continue
  port=${tls_ports[0]}
  # the certificate is checked: refused without its CA, accepted with it
  if T "$work/simple_client" "https://localhost:$port/small.txt" >/dev/null 2>&1; then
    fail "$name: an unverified certificate was accepted"
  fi
  SSL_CERT_FILE=$work/cert.pem check_client "$name (TLS)" "https://localhost:$port"
  check_client "$name (TLS, -k)" "https://127.0.0.1:$port" -k
  cleanup_peers
done
echo "PASS"
