#!/usr/bin/env bash
# make-seeds.sh — (re)builds the small seed corpora in corpus/<target>/ from
# the project's own samples and the RFC 7541 Appendix C blocks. Seeds are
# inputs in each target's format (see the comment at the top of each target).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
c=$root/corpus
s=$c/samples
mk() { mkdir -p "$c/$1"; }
for t in frame_decode frames_stream hpack_decode hpack_differential hpack_roundtrip \
  huffman_roundtrip json_read; do mk $t; done
# frame_decode: option byte (bit 4: preface first; 0x01 client sender) + stream.
for f in get push multi continuation padding post; do
  { printf '\x11'; cat "$s/$f-client.bin"; } >"$c/frame_decode/$f-client"
  { printf '\x02'; cat "$s/$f-server.bin"; } >"$c/frame_decode/$f-server"
  { printf '\x01\x05'; cat "$s/$f-client.bin"; } >"$c/frames_stream/$f-client"
  { printf '\x23\x03'; cat "$s/$f-server.bin"; } >"$c/frames_stream/$f-server"
done
for f in "$s"/errors/*.hex; do
  { printf '\x00'; xxd -r -p "$f"; } >"$c/frame_decode/err-$(basename "$f" .hex)"
  { printf '\x00\x01'; xxd -r -p "$f"; } >"$c/frames_stream/err-$(basename "$f" .hex)"
done
# hpack_decode / hpack_differential: settings byte, then records (ctl, u16 length, block).
rec() { # hex-block
  local n=$((${#1} / 2))
  printf '00%04x%s' "$n" "$1"
}
c3="$(rec 828684410f7777772e6578616d706c652e636f6d)$(rec 828684be58086e6f2d6361636865)$(rec 828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565)"
c4="$(rec 828684418cf1e3c2e5f23a6ba0ab90f4ff)$(rec 828684be5886a8eb10649cbf)$(rec 828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf)"
c5="$(rec 4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d)$(rec 4803333037c1c0bf)"
for t in hpack_decode hpack_differential; do
  printf '00%s' "$c3" | xxd -r -p >"$c/$t/rfc-c3"
  printf '00%s' "$c4" | xxd -r -p >"$c/$t/rfc-c4"
  printf '01%s' "$c5" | xxd -r -p >"$c/$t/rfc-c5-table-256"
  printf '10%s' "$c3" | xxd -r -p >"$c/$t/state-unknown"
  printf '00%s' "$(rec 3fe11f82)$(rec 2082be)" | xxd -r -p >"$c/$t/size-updates"
done
# hpack_roundtrip: mode byte, then per block: ctl (count, size change), fields.
printf '\x00\x05\x03\x01\x00\x03\x04abc\x09\x04\x00\x11\x05v=1;x' >"$c/hpack_roundtrip/basic"
printf '\x16\xc3\x01\x00\x00\x40\x03\x02ab\x03xyz\x07\x06Bearer\x41\x03k\x02\x01v' >"$c/hpack_roundtrip/sizes"
printf '\x00\x23\x01\x00\x01\x03GET\x03\x01/\x00\x03abc\x03xyz\x21\x20\x00\x01\x03GET\xa1\x1f\x40\x0f\xa0\x05\x0bexample.com\x01\x01\x03GET' >"$c/hpack_roundtrip/peer-limit"
printf '\x20\x03\x23\x20\x00\x01\x03GET\x03\x01/\x00\x03abc\x03xyz\xa1\x1f\x40\x0f\xa0\x05\x0bexample.com' >"$c/hpack_roundtrip/alloc-budget"
# huffman_roundtrip: any bytes.
printf 'www.example.com' >"$c/huffman_roundtrip/ascii"
printf '\xff\x00\x80\x7f\xfe' >"$c/huffman_roundtrip/binary"
printf '\xf1\xe3\xc2\xe5\xf2\x3a\x6b\xa0\xab\x90\xf4\xff' >"$c/huffman_roundtrip/rfc-c4"
# json_read: small documents.
printf '[[":method","GET"],[":path","/\\u00e9\\ud83d\\ude00"]]' >"$c/json_read/list"
printf '{"cases":[{"seqno":0,"wire":"82","headers":[{":method":"GET"}]}],"n":-1.5e3}' >"$c/json_read/story"
printf '"\\u0000\\t\\\\x"' >"$c/json_read/string"
# tcp_reassembly: u32 first seq, u16 ooo byte limit, u8 segment limit, u8 salt, then
# 6-byte ops (op, u16 offset, u16 length, u8 captured); see fuzz/tcp_reassembly.c.
mk tcp_reassembly
seg() { printf '%02x%04x%04x%02x' "$1" "$2" "$3" "${4:-0}"; }
tr_seed() { # name first-seq ops...
  local name=$1 seq=$2
  shift 2
  printf '%08x%04x%02x%02x%s' "$seq" 4096 16 7 "$(printf '%s' "$@")" | xxd -r -p >"$c/tcp_reassembly/$name"
}
tr_seed in-order 1000 "$(seg 0 0 100)" "$(seg 0 100 100)" "$(seg 8 200 50)"
tr_seed reordered 1000 "$(seg 0 200 100)" "$(seg 0 100 100)" "$(seg 0 0 100)" "$(seg 0 300 10)"
tr_seed overlap-conflict 1000 "$(seg 0 50 100)" "$(seg 32 80 100)" "$(seg 0 0 60)" "$(seg 0 0 300)"
tr_seed wrap 4294967200 "$(seg 0 0 200)" "$(seg 0 300 100)" "$(seg 0 200 100)"
tr_seed snap-cut 1 "$(seg 16 0 1000 8)" "$(seg 0 1000 10)"
tr_seed ack-gap 1 "$(seg 0 500 100)" "$(seg 3 600 0)" "$(seg 4 0 100)" "$(seg 0 1 1)"
tr_seed fin-early 1 "$(seg 0 300 100)" "$(seg 8 0 100)" "$(seg 0 100 300)"
printf '%08x%04x%02x%02x%s%s%s%s' 7 64 2 0 "$(seg 0 100 50)" "$(seg 0 200 50)" \
  "$(seg 0 300 50)" "$(seg 0 0 400)" | xxd -r -p >"$c/tcp_reassembly/limit"
# pcap_read: whole capture files (the small ones of corpus/captures/).
mk pcap_read
for f in padding.pcap rst_stream.pcap sample.pcapng upgrade.pcap concurrent.pcap; do
  cp "$c/captures/$f" "$c/pcap_read/$f"
done
# Hand-written frames, one file per type (RFC 9113 §6), for frame_decode and
# frames_stream: option byte(s) + frames.
frame() { # type flags stream payload-hex
  printf '%06x%02x%02x%08x%s' $((${#4} / 2)) "$1" "$2" "$3" "$4"
}
hand() { # name frames-hex
  printf '00%s' "$2" | xxd -r -p >"$c/frame_decode/type-$1"
  printf '0001%s' "$2" | xxd -r -p >"$c/frames_stream/type-$1"
}
hand data "$(frame 0 0 1 68656c6c6f)$(frame 0 9 3 03616263000000)"
hand headers "$(frame 1 4 1 828684)$(frame 1 0x2d 3 0280000001ff8286840000)"
hand priority "$(frame 2 0 3 8000000110)$(frame 2 0 3 000000030f)"
hand rst-stream "$(frame 3 0 1 00000008)$(frame 3 0 5 000000ff)"
hand settings "$(frame 4 0 0 000100001000000300000064000400010000000500004000000600002000000800000001)$(frame 4 1 0 '')"
hand push-promise "$(frame 1 4 1 828684)$(frame 5 4 1 00000002828784)$(frame 5 0xc 3 010000000482870000)"
hand ping "$(frame 6 0 0 0102030405060708)$(frame 6 1 0 0102030405060708)"
hand goaway "$(frame 7 0 0 0000000300000000)$(frame 7 0 0 7fffffff0000000264656275672064617461)"
hand window-update "$(frame 8 0 0 00010000)$(frame 8 0 1 7fffffff)"
hand continuation "$(frame 1 0 1 8286)$(frame 9 0 1 84)$(frame 9 4 1 418cf1e3c2e5f23a6ba0ab90f4ff)"
hand unknown "$(frame 0xfa 0xff 7 0001020304)$(frame 0x0a 0 0 000368322e6578616d706c652e636f6d)"
# session_server / session_client: option byte 0, then feed steps (ctl 0,
# u16 length, bytes) carrying a recorded client (server target) or server
# (client target) stream; one seed also answers with the server's own actions.
mk session_server
mk session_client
feed_seed() { # in out [trailing-hex] [remap: client seed, push allowed]
  python3 - "$1" "$2" "${3:-}" "${4:-}" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
if sys.argv[4]:
    # Server streams answer the recorded client's first stream; the client
    # target opens stream 1, so the first odd stream id becomes 1.
    pos, first = 0, None
    while pos + 9 <= len(data):
        length = int.from_bytes(data[pos:pos + 3], "big")
        sid = int.from_bytes(data[pos + 5:pos + 9], "big") & 0x7FFFFFFF
        if sid % 2 == 1 and first is None:
            first = sid
        if sid == first:
            data[pos + 5:pos + 9] = (1).to_bytes(4, "big")
        pos += 9 + length
out = bytearray([8 if sys.argv[4] else 0])
for i in range(0, len(data), 4000):
    chunk = data[i:i + 4000]
    out += bytes([0]) + struct.pack(">H", len(chunk)) + chunk
out += bytes.fromhex(sys.argv[3])
open(sys.argv[2], "wb").write(out)
PY
}
for f in get post continuation padding; do
  feed_seed "$s/$f-client.bin" "$c/session_server/$f"
  feed_seed "$s/$f-server.bin" "$c/session_client/$f" "" remap
done
# server: respond on the newest stream with HEADERS then DATA (END_STREAM), then GOAWAY.
feed_seed "$s/get-client.bin" "$c/session_server/respond" 051604002700
echo "seeds written under $c"
