#!/usr/bin/env bash
# test_session_interop.sh — `h2scope get` and `h2scope serve` against real
# HTTP/2 peers on loopback: get from nghttpd, h2o and nginx (h2c) with body
# checksums, large bodies that need WINDOW_UPDATE and many concurrent
# streams; nghttp, curl (prior knowledge and Upgrade) and h2load against
# serve; TLS with ALPN h2 both ways. Peers missing from the machine are
# reported and skipped (scripts/install-deps.sh installs them).
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
chmod 755 "$work"
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
T() { timeout 60 "$@"; }

www=$work/www
mkdir -p "$www"
head -c 3000000 /dev/urandom >"$www/big.bin" # > 16 MiB? no: > every 64 KiB window
head -c 70000 /dev/urandom >"$www/mid.bin"
printf 'hello, h2\n' >"$www/small.txt"
sum() { sha256sum | cut -d' ' -f1; }
big_sum=$(sum <"$www/big.bin")
mid_sum=$(sum <"$www/mid.bin")

# check_get LABEL URL_BASE [get options]: bodies, concurrency, exit status
check_get() {
  local label=$1 base=$2
  shift 2
  [ "$(T "$H" get "$@" "$base/big.bin" | sum)" = "$big_sum" ] || fail "$label: big.bin differs"
  [ "$(T "$H" get "$@" "$base/small.txt")" = "hello, h2" ] || fail "$label: small.txt"
  # 150 concurrent streams on one connection (above a 100-stream limit)
  local urls=() i
  for i in $(seq 150); do urls+=("$base/mid.bin"); done
  local expect
  expect=$(for i in $(seq 150); do cat "$www/mid.bin"; done | sum)
  [ "$(T "$H" get "$@" "${urls[@]}" | sum)" = "$expect" ] || fail "$label: 150 streams"
  echo "ok: get from $label"
}

# ---- h2scope get against other servers ----
port=$(free_port)
start_nghttpd "$www" "$port"
check_get nghttpd "http://127.0.0.1:$port"
# -i shows the status; a 404 is a complete response (exit 0)
T "$H" get -i "http://127.0.0.1:$port/missing" >"$work/out" || fail "get 404 exit status"
grep -q '^:status: 404$' "$work/out" || fail "get -i: no :status 404"
# -v prints frames of both directions
T "$H" get -v "http://127.0.0.1:$port/small.txt" >/dev/null 2>"$work/v"
grep -q 'client -> server .*HEADERS stream=1' "$work/v" || fail "get -v: no request HEADERS"
grep -q 'server -> client .*DATA stream=1' "$work/v" || fail "get -v: no response DATA"
grep -q 'WINDOW_UPDATE' "$work/v" || fail "get -v: no WINDOW_UPDATE"
# -H adds a field, lowercased (RFC 9113 §8.2.1)
T "$H" get -v -H 'X-Probe: 42' "http://127.0.0.1:$port/small.txt" >/dev/null 2>"$work/v"
grep -q '^    x-probe: 42$' "$work/v" || fail "get -H: field not sent"
cleanup_peers

if have h2o; then
  port=$(free_port)
  start_h2o "$www" "$port" "$work"
  check_get h2o "http://127.0.0.1:$port"
  [ "$(T "$H" get --upgrade "http://127.0.0.1:$port/big.bin" | sum)" = "$big_sum" ] ||
    fail "h2o: get --upgrade"
  echo "ok: get --upgrade from h2o"
  cleanup_peers
else
  echo "SKIP: h2o not installed"
fi

if have nginx; then
  port=$(free_port)
  start_nginx "$www" "$port" "$work"
  check_get nginx "http://127.0.0.1:$port"
  cleanup_peers
else
  echo "SKIP: nginx not installed"
fi

# ---- other clients against h2scope serve ----
port=$(free_port)
start_serve "$port" --dir "$www"
base="http://127.0.0.1:$port"
check_get "h2scope serve" "$base"
[ "$(T "$H" get --upgrade "$base/big.bin" | sum)" = "$big_sum" ] || fail "serve: get --upgrade"
[ "$(T nghttp "$base/big.bin" | sum)" = "$big_sum" ] || fail "nghttp from serve"
# 20 concurrent requests (bodies interleave on stdout, so count the 200s of -s)
T nghttp -n -s -m 20 "$base/mid.bin" >"$work/nghttp"
[ "$(grep -c ' 200 .*/mid.bin' "$work/nghttp")" = 20 ] || fail "nghttp -m 20 from serve"
echo "ok: nghttp from serve"
[ "$(T curl -s --http2-prior-knowledge "$base/big.bin" | sum)" = "$big_sum" ] ||
  fail "curl --http2-prior-knowledge from serve"
[ "$(T curl -s -o /dev/null -w '%{http_version}' --http2-prior-knowledge "$base/small.txt")" = 2 ] ||
  fail "curl did not speak HTTP/2"
[ "$(T curl -s --http2 "$base/mid.bin" | sum)" = "$mid_sum" ] || fail "curl --http2 (Upgrade) from serve"
[ "$(T curl -s -o /dev/null -w '%{http_version}' --http2 "$base/small.txt")" = 2 ] ||
  fail "curl Upgrade did not switch to HTTP/2"
[ "$(T curl -s -o /dev/null -w '%{http_code}' --http2-prior-knowledge "$base/nope")" = 404 ] ||
  fail "serve: missing file is not 404"
echo "ok: curl from serve (prior knowledge and Upgrade)"
T h2load -n 20000 -c 8 -m 32 -t 2 "$base/small.txt" >"$work/h2load" 2>&1 || true
grep -q 'requests: 20000 total, 20000 started, 20000 done, 20000 succeeded, 0 failed, 0 errored, 0 timeout' \
  "$work/h2load" || fail "h2load against serve: $(grep requests: "$work/h2load")"
echo "ok: h2load 20000 requests, 8 connections, 32 streams each, 0 failed"
# a POST body is read (and dropped) and answered
[ "$(T "$H" get --data 'x=1' "$base/small.txt")" = "hello, h2" ] || fail "serve: POST"
cleanup_peers

# fixed body
port=$(free_port)
start_serve "$port" --body "fixed body"
[ "$(T curl -s --http2-prior-knowledge "http://127.0.0.1:$port/anything")" = "fixed body" ] ||
  fail "serve --body"
cleanup_peers

# ---- TLS with ALPN h2 ----
if have openssl; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 \
    -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
  port=$(free_port)
  start_nghttpd "$www" "$port" "$work/key.pem" "$work/cert.pem"
  [ "$(T "$H" get -k "https://127.0.0.1:$port/big.bin" | sum)" = "$big_sum" ] ||
    fail "get https:// from nghttpd"
  # without -k the self-signed certificate is refused
  if T "$H" get "https://localhost:$port/small.txt" >/dev/null 2>&1; then
    fail "get accepted an unverified certificate"
  fi
  echo "ok: get https:// (ALPN h2) from nghttpd"
  cleanup_peers
  port=$(free_port)
  start_serve "$port" --dir "$www" --tls "$work/cert.pem" "$work/key.pem"
  [ "$(T curl -sk --http2 "https://127.0.0.1:$port/big.bin" | sum)" = "$big_sum" ] ||
    fail "curl -k --http2 from serve --tls"
  [ "$(T curl -sk -o /dev/null -w '%{http_version}' --http2 "https://127.0.0.1:$port/small.txt")" = 2 ] ||
    fail "curl over TLS did not negotiate h2"
  [ "$(T "$H" get -k "https://127.0.0.1:$port/mid.bin" | sum)" = "$mid_sum" ] || fail "get from serve --tls"
  T h2load -n 5000 -c 4 -m 16 "https://127.0.0.1:$port/small.txt" >"$work/h2load" 2>&1 || true
  grep -q 'requests: 5000 total, 5000 started, 5000 done, 5000 succeeded, 0 failed' "$work/h2load" ||
    fail "h2load over TLS against serve: $(grep requests: "$work/h2load")"
  echo "ok: curl -k --http2, get and h2load (5000 requests) against serve --tls"
  cleanup_peers
else
  echo "SKIP: openssl not installed"
fi
echo "PASS"
