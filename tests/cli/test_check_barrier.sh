#!/usr/bin/env bash
# test_check_barrier.sh — how `h2scope check` decides that a case is over,
# and -j, against a scripted peer (check_script_peer.py) that behaves in ways
# real servers show only by chance:
#  - a peer that never goes quiet: the ACK of the PING sent after the last
#    frames decides (RFC 9113 §6.7), not a quiet period or the timeout; a
#    `hold` request it leaves unanswered does not hold the wait up; a
#    complete request it never answers does (the wait ends at the timeout);
#  - a peer that answers a request only after acknowledging the PING: the
#    wait goes on until the request is answered (its RST_STREAM counts);
#  - -j 3 runs cases on several connections at once, and a case marked alone
#    (robust/ping-flood) starts only after every other case has finished.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

start_peer() { # MODE: sets port
  port=$(free_port)
  python3 "$here/check_script_peer.py" "$1" "$port" "$work/$1.log" &
  peer_pids+=($!)
  wait_port "$port"
}

# verdict FILE ID: "verdict|actual" of a case in JSON Lines output
case_of() {
  python3 -c '
import json, sys
for c in map(json.loads, open(sys.argv[1])):
    if c.get("id") == sys.argv[2]:
        print(c["verdict"] + "|" + c["actual"])' "$1" "$2"
}

# chatty: the timeout is long (30 s) and the peer never stops talking, so a
# wait that ends before it is over can only have been ended by the barrier
start_peer chatty
timeout 120 "$H" check "127.0.0.1:$port" --timeout 30 --json 9113/6.7/6 9113/5.1/8 >"$work/chatty.jsonl" \
  || fail "chatty run: exit $?"
for id in 9113/6.7/6 9113/5.1/8; do
  got=$(case_of "$work/chatty.jsonl" "$id")
  case $got in
  pass\|*timeout* | pass\|*closed*) fail "$id waited past the PING barrier: $got" ;;
  pass\|*) ;;
  *) fail "$id: $got" ;;
  esac
done
# a complete request the peer never answers: the barrier cannot decide, the
# timeout does (the peer is still talking, so no quiet period ends it)
timeout 60 "$H" check "127.0.0.1:$port" --timeout 1 --json 9113/5.1/11 >"$work/owed.jsonl" || fail "owed run"
got=$(case_of "$work/owed.jsonl" 9113/5.1/11)
case $got in pass\|*timeout) ;; *) fail "unanswered request: $got" ;; esac

# late: the RST_STREAM comes 0.1 s after the PING's ACK and still counts
start_peer late
timeout 60 "$H" check "127.0.0.1:$port" --timeout 10 --json 9113/8.2.1/1 >"$work/late.jsonl" || fail "late run: exit $?"
got=$(case_of "$work/late.jsonl" 9113/8.2.1/1)
[ "$got" = "pass|HEADERS(1, :status 400), RST_STREAM(1, PROTOCOL_ERROR)" ] || fail "late answer: $got"

# gather: the two cases at once with -j 3; the ping flood alone, after them
start_peer gather
timeout 60 "$H" check "127.0.0.1:$port" --timeout 10 -j 3 --json 9113/6.7/6 9113/5.1/5 \
  robust/ping-flood >"$work/gather.jsonl" || fail "gather run: exit $?"
# the report keeps case order
[ "$(python3 -c 'import json,sys; print(" ".join(c["id"] for c in map(json.loads, open(sys.argv[1])) if "id" in c))' "$work/gather.jsonl")" \
  = "9113/5.1/5 9113/6.7/6 robust/ping-flood" ] || fail "order: $(cat "$work/gather.jsonl")"
# the peer logs a connection when it sees it close (5 s at most)
for _ in $(seq 50); do
  grep -Eq 'frames=[0-9]{5}' "$work/gather.log" && break
  sleep 0.1
done
python3 - "$work/gather.log" <<'PY' || fail "gather: $(cat "$work/gather.log")"
import re, sys
conns = [dict(frames=int(f), first=float(a), last=float(b), gathered=g == "1")
         for f, a, b, g in re.findall(r"frames=(\d+) first=([\d.]+) last=([\d.]+) gathered=(\d)",
                                      open(sys.argv[1]).read())]
conns = [c for c in conns if c["frames"]]  # not wait_port's probes
flood = [c for c in conns if c["frames"] >= 10000]
# the two ordinary cases connect first, at once; the others are the canary
# of the measured flood (docs/check.md: before, during and after it)
others = sorted((c for c in conns if c["frames"] < 10000), key=lambda c: c["first"])
cases, canary = others[:2], others[2:]
assert len(flood) == 1 and len(cases) == 2 and len(canary) >= 9, conns
# the two ordinary cases were on the server at the same time
assert all(o["gathered"] for o in cases), cases
# the flood started after the last frame of every other case had arrived
# (their last frame is the PING whose ACK ended their wait)
assert all(o["last"] < flood[0]["first"] for o in cases), conns
assert all(c["first"] > max(o["last"] for o in cases) for c in canary), conns
PY
echo "PASS"
