#!/usr/bin/env bash
# test_lint_live.sh — a fresh loopback recording of real peers, linted: tcpdump
# records nghttp, curl (prior knowledge and Upgrade: h2c), h2load and Node's
# http2 client against nghttpd, nginx, h2o and `h2scope serve`; `h2scope read
# --lint` must find no errors in any connection (false positives are bugs) and
# every connection must be HTTP/2 and linted. Needs root (capture) and the
# peers; skipped otherwise.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != 0 ] || ! command -v tcpdump >/dev/null || ! command -v nghttpd >/dev/null ||
  ! command -v nghttp >/dev/null; then
  echo "skip: needs root, tcpdump, nghttpd and nghttp"
  exit 0
fi
# shellcheck source=session_peers.sh
. "$here/session_peers.sh"
work=$(mktemp -d)
tdpid=
trap 'cleanup_peers; [ -n "$tdpid" ] && kill "$tdpid" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$work/www"
echo hello >"$work/www/a.txt"
head -c 300000 /dev/zero | tr '\0' 'z' >"$work/www/big.txt"
chmod -R a+rX "$work"

ports=()
p_nghttpd=$(free_port); start_nghttpd "$work/www" "$p_nghttpd"; ports+=("$p_nghttpd")
p_serve=$(free_port); start_serve "$p_serve"; ports+=("$p_serve")
p_nginx=
if command -v nginx >/dev/null; then
  p_nginx=$(free_port); start_nginx "$work/www" "$p_nginx" "$work" && ports+=("$p_nginx") || p_nginx=
fi
p_h2o=
if command -v h2o >/dev/null; then
  p_h2o=$(free_port); start_h2o "$work/www" "$p_h2o" "$work" && ports+=("$p_h2o") || p_h2o=
fi
filter=$(printf 'tcp port %s or ' "${ports[@]}")
filter=${filter% or }
tcpdump -i lo --immediate-mode -U -s 0 -w "$work/live.pcap" "$filter" >/dev/null 2>&1 &
tdpid=$!
sleep 1

for p in "$p_nghttpd" $p_nginx $p_h2o; do
  nghttp -n "http://127.0.0.1:$p/a.txt" "http://127.0.0.1:$p/big.txt" >/dev/null
  curl -s --http2-prior-knowledge -o /dev/null "http://127.0.0.1:$p/big.txt"
  if command -v h2load >/dev/null; then
    h2load -n 200 -c 2 -m 10 "http://127.0.0.1:$p/a.txt" >/dev/null
  fi
done
if [ -n "$p_h2o" ]; then # Upgrade: h2c (nghttpd here does not answer it)
  nghttp -nu "http://127.0.0.1:$p_h2o/a.txt" >/dev/null 2>&1 || true
  curl -s --http2 -o /dev/null "http://127.0.0.1:$p_h2o/big.txt" || true
fi
nghttp -n "http://127.0.0.1:$p_serve/" >/dev/null || true
curl -s --http2-prior-knowledge -o /dev/null "http://127.0.0.1:$p_serve/" || true
if command -v node >/dev/null; then
  node -e '
    const http2 = require("http2");
    const c = http2.connect(process.argv[1]);
    let left = 3;
    for (const p of ["/a.txt", "/big.txt", "/a.txt?x"]) {
      const r = c.request({":path": p});
      r.on("data", () => {});
      r.on("end", () => { if (--left === 0) c.close(); });
      r.end();
    }' "http://127.0.0.1:$p_nghttpd" || fail "node client"
fi
sleep 1
kill -INT "$tdpid"
wait "$tdpid" 2>/dev/null || true
tdpid=
[ -n "${LINT_KEEP:-}" ] && cp "$work/live.pcap" "$LINT_KEEP" # for a look by hand

set +e
"$H" read --lint --json --summary "$work/live.pcap" >"$work/out"
rc=$?
set -e
if grep '"severity":"error"' "$work/out"; then fail "error findings on real peers"; fi
[ $rc = 0 ] || fail "exit status $rc"
conns=$(grep -c '"summary":"connection"' "$work/out")
[ "$conns" -ge 10 ] || fail "only $conns connections recorded"
linted=$(grep -c '"summary":"connection".*"http2":true.*"lint":{"verdict":"\(pass\|warn\)"' "$work/out")
[ "$linted" = "$conns" ] || { cat "$work/out" >&2; fail "$linted of $conns connections linted as HTTP/2"; }
echo "ok ($conns connections)"
