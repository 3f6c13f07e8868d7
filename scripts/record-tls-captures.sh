#!/usr/bin/env bash
# record-tls-captures.sh — re-records the TLS test captures in
# corpus/captures/tls/ on loopback: curl --http2 against nghttpd over TLS with a
# throw-away self-signed certificate, the client writing SSLKEYLOGFILE,
# tcpdump -i lo recording. Bounded (each exchange is one small request, every
# step has a timeout) and cleans up its servers, tcpdump and temp files.
#   h2-tls12-aes128gcm.pcap  TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256
#   h2-tls12-aes256gcm.pcap  TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384
#   h2-tls12-chacha20.pcap   TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305
#   h2-tls13-aes128gcm.pcap  TLS 1.3 TLS_AES_128_GCM_SHA256
#   h2-tls13-aes256gcm.pcap  TLS 1.3 TLS_AES_256_GCM_SHA384
#   h2-tls13-chacha20.pcap   TLS 1.3 TLS_CHACHA20_POLY1305_SHA256
#   h2c-same.pcap            the same request over h2c (prior knowledge)
#   h2-tls13-dsb.pcapng      h2-tls13-aes128gcm with its key log embedded in a
#                            Decryption Secrets Block (editcap --inject-secrets)
# Each NAME.pcap has NAME.keylog, and NAME.tshark: what tshark decodes with the
# key log, one line per HTTP/2 frame: "c" or "s" (sender), type, length.
# Needs nghttp2-server, curl, tcpdump, tshark (editcap), openssl.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/corpus/captures/tls
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out" "$work/www"
printf 'hello from h2scope over TLS\n' >"$work/www/hello.txt"
timeout 30 openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
port=$((20000 + RANDOM % 20000))
cport=$((port + 1))
nghttpd -d "$work/www" "$port" "$work/key.pem" "$work/cert.pem" >/dev/null 2>&1 &
pids+=($!)
nghttpd --no-tls -d "$work/www" "$cport" >/dev/null 2>&1 &
pids+=($!)
sleep 0.5

# tshark's view: sender, frame type and length of every HTTP/2 frame.
expect() { # name keylog
  local name=$1 keys=$2
  timeout 60 tshark -d "tcp.port==$cport,http2" -r "$out/$name" ${keys:+-o "tls.keylog_file:$keys"} -Y http2 -T fields \
    -E separator=' ' -e tcp.srcport -e http2.type -e http2.length 2>/dev/null |
    awk -v sp="$port" -v cp="$cport" '{
      n = split($2, t, ","); split($3, l, ",");
      who = ($1 == sp || $1 == cp) ? "s" : "c";
      for (i = 1; i <= n; i++) print who, t[i], l[i] }' >"$out/${name%.*}.tshark"
}

record() { # name port command...
  local name=$1 p=$2
  shift 2
  rm -f "$work/keys"
  timeout 20 tcpdump -i lo -s 0 -U --immediate-mode -w "$work/cap.pcap" "tcp port $p" \
    2>/dev/null &
  local t=$!
  pids+=("$t")
  sleep 0.5
  SSLKEYLOGFILE=$work/keys timeout 10 "$@" >/dev/null 2>&1 || echo "warning: $* failed" >&2
  sleep 0.3
  kill -INT $t
  wait $t 2>/dev/null || true
  cp "$work/cap.pcap" "$out/$name.pcap"
  if [ -f "$work/keys" ]; then
    cp "$work/keys" "$out/$name.keylog"
    expect "$name.pcap" "$out/$name.keylog"
  else
    expect "$name.pcap" ""
  fi
  ls -l "$out/$name.pcap"
}

url=https://127.0.0.1:$port/hello.txt
c12=(curl -sk --http2 --tlsv1.2 --tls-max 1.2 --ciphers)
c13=(curl -sk --http2 --tlsv1.3 --tls13-ciphers)
record h2-tls12-aes128gcm "$port" "${c12[@]}" ECDHE-RSA-AES128-GCM-SHA256 "$url"
record h2-tls12-aes256gcm "$port" "${c12[@]}" ECDHE-RSA-AES256-GCM-SHA384 "$url"
record h2-tls12-chacha20 "$port" "${c12[@]}" ECDHE-RSA-CHACHA20-POLY1305 "$url"
record h2-tls13-aes128gcm "$port" "${c13[@]}" TLS_AES_128_GCM_SHA256 "$url"
record h2-tls13-aes256gcm "$port" "${c13[@]}" TLS_AES_256_GCM_SHA384 "$url"
record h2-tls13-chacha20 "$port" "${c13[@]}" TLS_CHACHA20_POLY1305_SHA256 "$url"
record h2c-same "$cport" curl -s --http2-prior-knowledge "http://127.0.0.1:$cport/hello.txt"
rm -f "$out/h2c-same.keylog"
timeout 30 editcap --inject-secrets "tls,$out/h2-tls13-aes128gcm.keylog" \
  "$out/h2-tls13-aes128gcm.pcap" "$out/h2-tls13-dsb.pcapng"
ls -l "$out/h2-tls13-dsb.pcapng"

# Fuzz seeds for fuzz/tlsdec_records.c: u16 key log length + key log, then the
# TCP payloads as segments (u8 direction, u16 length, bytes).
seeds=$root/corpus/tlsdec_records
mkdir -p "$seeds"
python3 - "$out" "$seeds" <<'PY'
import os, struct, sys
src, dst = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(src)):
    if not name.endswith(".pcap") or not os.path.exists(os.path.join(src, name[:-5] + ".keylog")):
        continue
    data = open(os.path.join(src, name), "rb").read()
    keys = open(os.path.join(src, name[:-5] + ".keylog"), "rb").read()
    endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    at, client, segs = 24, None, []
    while at + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[at + 8:at + 12])[0]
        pkt = data[at + 16:at + 16 + incl]
        at += 16 + incl
        ip = pkt[14:]  # Ethernet (tcpdump -i lo)
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        tcp = ip[(ip[0] & 15) * 4:]
        sport = struct.unpack(">H", tcp[0:2])[0]
        payload = tcp[(tcp[12] >> 4) * 4:]
        if client is None and tcp[13] & 0x02:
            client = sport
        if payload:
            segs.append(struct.pack(">BH", 0 if sport == client else 1, len(payload)) + payload)
    with open(os.path.join(dst, name[:-5]), "wb") as f:
        f.write(struct.pack(">H", len(keys)) + keys + b"".join(segs))
PY
ls -l "$seeds"
