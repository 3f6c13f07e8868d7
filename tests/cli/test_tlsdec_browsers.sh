#!/usr/bin/env bash
# test_tlsdec_browsers.sh — what real browsers send: headless Chromium and
# Firefox ESR load a page (stylesheet, script, two images, a synchronous
# 70 kB POST with a custom field) from nginx and h2o over TLS, each writing
# its key log (Chromium's --ssl-key-log-file, Firefox's SSLKEYLOGFILE), one
# tcpdump capture per browser. `h2scope read --keylog` must decode the frames and header
# lists tshark decodes with the same key log, every TLS connection must
# decrypt (a preconnect that carried nothing is "decrypted, no application
# data"), the page's requests must be there decoded, and `--lint` must find
# nothing wrong with either browser or server. Browsers or servers missing
# from the machine (scripts/install-deps.sh --browsers installs them), or a
# browser that cannot load the page here, are reported and skipped.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
chmod 755 "$work"
. "$here/session_peers.sh"
trap 'cleanup_peers; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
fail() {
  local keep=${TMPDIR:-/tmp}/h2scope-browsers-failure
  mkdir -p "$keep" && cp "$work"/*.pcap "$work"/*.log "$keep/" 2>/dev/null || true
  echo "FAIL: $* (capture and key logs kept in $keep)" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }
for t in tcpdump tshark openssl nginx; do
  have $t || { echo "SKIP: $t not installed"; exit 0; }
done
browsers=()
have chromium && browsers+=(chromium)
have firefox-esr && have certutil && browsers+=(firefox)
[ ${#browsers[@]} -gt 0 ] || { echo "SKIP: neither chromium nor firefox-esr (with certutil) installed"; exit 0; }

# The page: subresources, then a POST that completes before the load event
# (synchronous XHR), so the browser is done when it reports the page loaded.
www=$work/www
mkdir -p "$www"
cat >"$www/index.html" <<'HTML'
<!doctype html><html><head><title>h2scope</title><link rel=stylesheet href=a.css>
<script src=b.js></script>
<script>
var x = new XMLHttpRequest();
x.open('POST', '/api.json', false);
x.setRequestHeader('x-h2scope-probe', 'browser');
x.send('x'.repeat(70000));
</script></head>
<body><img src=c.png><img src=d.png><p>h2scope</p></body></html>
HTML
echo 'body { color: #123 }' >"$www/a.css"
echo 'document.title = "loaded";' >"$www/b.js"
head -c 300000 /dev/urandom >"$www/c.png"
head -c 5000 /dev/urandom >"$www/d.png"
echo '{"ok":true}' >"$www/api.json"
chmod -R a+rX "$www"

# A test CA and a server certificate for 127.0.0.1 signed by it (Firefox
# trusts the CA through its profile; Chromium is told to ignore the error).
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/ca.key" -out "$work/ca.pem" \
  -days 2 -subj /CN=h2scope-test-ca 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/srv.csr" \
  -subj /CN=localhost 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$work/ext.cnf"
openssl x509 -req -in "$work/srv.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
  -out "$work/cert.pem" -days 2 -extfile "$work/ext.cnf" 2>/dev/null
chmod 644 "$work/key.pem"

start_tls_peers "$www" "$work" "$work/key.pem" "$work/cert.pem" nginx h2o
ports=("${tls_ports[@]}")

# load BROWSER PORT: the page from the server on PORT; the browser's key log
# goes to $work/BROWSER-PORT.log. Fails (returns 1) when the browser does not
# load the page.
load() {
  local b=$1 port=$2 url=https://127.0.0.1:$2/index.html run=$work/$1-$2
  case $b in
  chromium)
    # root needs --no-sandbox; a fresh profile per run; no traffic of its own
    timeout 90 chromium --headless=new --no-sandbox --disable-gpu --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --ignore-certificate-errors --user-data-dir="$run" --ssl-key-log-file="$run.log" \
      --dump-dom "$url" >"$run.dom" 2>"$run.err" &&
      grep -q '<p>h2scope</p>' "$run.dom"
    ;;
  firefox)
    mkdir -p "$run"
    certutil -N -d "sql:$run" --empty-password
    certutil -A -d "sql:$run" -n h2scope-test-ca -t "C,," -i "$work/ca.pem"
    # nothing of its own on the network (no captive-portal or connectivity
    # checks, updates, telemetry, DNS over HTTPS)
    cat >"$run/user.js" <<'PREFS'
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("network.trr.mode", 5);
user_pref("app.update.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("browser.safebrowsing.update.enabled", false);
user_pref("extensions.update.enabled", false);
PREFS
    SSLKEYLOGFILE=$run.log MOZ_HEADLESS=1 timeout 90 firefox-esr --headless --no-remote \
      --profile "$run" --screenshot "$run.png" "$url" >"$run.err" 2>&1 && [ -s "$run.png" ]
    ;;
  esac
}

# check_capture NAME PCAP KEYS LOADS: the decoding of one browser's capture.
check_capture() {
  local name=$1 pcap=$2 keys=$3 loads=$4 out tls opened h2 n path rc=0 abandoned random nokeys
  out=$(compare_decoders "$H" "$pcap" --keylog "$keys") || fail "$name: h2scope differs: $out"
  echo "$out"
  "$H" read --json --keylog "$keys" "$pcap" >"$work/read.json" || fail "$name: read: exit $?"
  # Every TLS connection opened with the keys, except those the browser gave
  # up before it derived any secret (a preconnect cancelled when the page was
  # done: its ClientHello random is nowhere in the key log; tshark tells the
  # randoms); at least one per page load carried HTTP/2.
  abandoned=0
  for random in $(tshark -r "$pcap" -Y "tls.handshake.type==1" -T fields \
    -e tls.handshake.random 2>/dev/null | sort -u); do
    grep -qi " $random " "$keys" || abandoned=$((abandoned + 1))
  done
  tls=$(grep -c '"event":"close".*"tls":' "$work/read.json" || true)
  opened=$(grep -c '"event":"close".*"tls":.*"decrypted":true,"problem":null' "$work/read.json" ||
    true)
  [ "$tls" -gt 0 ] && [ "$opened" -ge $((tls - abandoned)) ] || {
    grep '"event":"close".*"tls":' "$work/read.json" | grep -v '"decrypted":true,"problem":null' >&2
    fail "$name: $opened of $tls TLS connections decrypted ($abandoned without secrets)"
  }
  h2=$(grep -c '"event":"close".*"alpn":"h2".*"decrypted":true,"problem":null,"app_data_bytes":\[[1-9]' \
    "$work/read.json" || true)
  [ "$h2" -ge "$loads" ] || fail "$name: $h2 HTTP/2 connections with application data, $loads loads"
  # A browser resets a spare connection while the server may still be writing
  # (its session tickets): those bytes come after the close and h2scope says so
  # (data-after-close). Expected only for a connection the other side reset.
  while read -r from to; do
    [ -n "$from" ] || continue
    resets=$(tshark -r "$pcap" -Y "tcp.flags.reset==1 && tcp.srcport==${to##*:} && tcp.dstport==${from##*:}" \
      -T fields -e frame.number 2>/dev/null | grep -c . || true)
    [ "$resets" -gt 0 ] || fail "$name: data after close on $from -> $to, which nobody reset"
  done < <(sed -n 's/.*"message":"\([0-9.:]*\) -> \([0-9.:]*\): payload after connection.*"kind":"data-after-close".*/\1 \2/p' "$work/read.json")
  n=$(grep '"event":"notice"' "$work/read.json" | grep -v '"kind":"data-after-close"' |
    grep -vc '"kind":"tls-no-keys"' || true)
  nokeys=$(grep -c '"event":"notice".*"kind":"tls-no-keys"' "$work/read.json" || true)
  [ "$n" = 0 ] && [ "$nokeys" -le "$abandoned" ] || {
    grep '"event":"notice"' "$work/read.json" >&2
    fail "$name: unexpected notice"
  }
  # Each page's requests, decoded: every subresource and the POST's own
  # field, once per page load.
  for path in /index.html /a.css /b.js /c.png /d.png /api.json; do
    n=$(grep -c "\[\":path\",\"$path\"\]" "$work/read.json" || true)
    [ "$n" -ge "$loads" ] || fail "$name: $path requested $n times in $loads page loads"
  done
  n=$(grep -c '\["x-h2scope-probe","browser"\]' "$work/read.json" || true)
  [ "$n" -ge "$loads" ] || fail "$name: the POST's x-h2scope-probe field decoded $n times"
  # Nothing for lint to find in what browsers and servers send.
  "$H" read --lint -q --keylog "$keys" "$pcap" >"$work/lint.out" 2>&1 || rc=$?
  [ $rc = 0 ] && [ ! -s "$work/lint.out" ] || fail "$name: lint (exit $rc): $(head -20 "$work/lint.out")"
  echo "ok: $name against ${#ports[@]} TLS servers ($loads page loads, $tls TLS connections): decrypted, equal to tshark, lint clean"
}

# One capture per browser: a browser that cannot run here (it is the
# machine's problem, not h2scope's) is reported and its capture dropped.
checked=0
for b in "${browsers[@]}"; do
  start_capture "$work/$b.pcap" "${ports[@]}"
  : >"$work/$b-keys.log"
  ok=1
  for port in "${ports[@]}"; do
    load "$b" "$port" || { ok=0; echo "SKIP: $b did not load the page from port $port: $(tail -3 "$work/$b-$port.err")"; }
    cat "$work/$b-$port.log" >>"$work/$b-keys.log" 2>/dev/null || true
  done
  stop_capture
  [ $ok = 1 ] || continue
  [ -s "$work/$b-keys.log" ] || fail "$b wrote no key log"
  check_capture "$b" "$work/$b.pcap" "$work/$b-keys.log" "${#ports[@]}"
  checked=$((checked + 1))
done
[ $checked -gt 0 ] || { echo "SKIP: no browser loaded the page here"; exit 0; }
