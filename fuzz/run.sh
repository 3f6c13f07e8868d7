#!/usr/bin/env bash
# run.sh — fuzzes one target for N seconds in one command:
#
#   fuzz/run.sh TARGET [SECONDS] [-j JOBS] [-- extra libFuzzer flags]
#   fuzz/run.sh hpack_decode 600          # 10 minutes on one core
#   fuzz/run.sh frame_decode 3600 -j 0    # all local cores (libFuzzer -fork)
#   fuzz/run.sh list                      # the targets
#
# Builds the `fuzz` preset (clang, libFuzzer, ASan+UBSan) if needed, fuzzes
# from a working corpus (build/fuzz/work/TARGET, seeded from corpus/TARGET/,
# growing across runs), with fuzz/h2.dict. Findings (crash-*, leak-*,
# timeout-*, oom-*) land in build/fuzz/findings/TARGET/ (build/ is ignored by
# git); the exit status is non-zero when there is one. Pretty-print a finding
# of a frame target with `tail -c +2 FINDING | h2scope frames -` (fuzz/README.md,
# Triage) or replay it verbosely with
# `H2_FUZZ_VERBOSE=1 build/fuzz/fuzz/TARGET FINDING`.
# New interesting inputs stay in the working corpus; fold them into the
# committed seeds with `fuzz/run.sh TARGET merge` (libFuzzer -merge=1).
#
# Environment: H2_FUZZ_BUILD (build dir, default build/fuzz), H2_FUZZ_MAX_LEN
# (default 16384), H2_FUZZ_NO_BUILD=1 (use the binaries as they are).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${H2_FUZZ_BUILD:-$root/build/fuzz}
usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
target=$1
shift
if [ "$target" = list ]; then
  for f in "$root"/fuzz/*.c; do
    grep -q LLVMFuzzerTestOneInput "$f" && basename "$f" .c
  done | grep -v replay_main
  exit 0
fi
seconds=600
mode=fuzz
if [ $# -ge 1 ] && [ "$1" = merge ]; then
  mode=merge
  shift
elif [ $# -ge 1 ] && [[ $1 =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
jobs=1
extra=()
while [ $# -gt 0 ]; do
  case $1 in
  -j) jobs=$2; shift 2 ;;
  --) shift; extra+=("$@"); break ;;
  *) usage ;;
  esac
done
if [ "$jobs" = 0 ]; then jobs=$(nproc); fi

if [ "${H2_FUZZ_NO_BUILD:-0}" != 1 ]; then
  if [ "$build" = "$root/build/fuzz" ]; then
    (cd "$root" && cmake --preset fuzz >/dev/null)
  fi
  cmake --build "$build" --target "fuzz_$target" -j2 >/dev/null
fi
exe=$build/fuzz/$target
[ -x "$exe" ] || { echo "run.sh: no fuzz binary $exe (clang + H2_FUZZ=ON build?)" >&2; exit 2; }

seeds=$root/corpus/$target
work=$build/work/$target
findings=$build/findings/$target
mkdir -p "$work" "$findings" "$seeds"

if [ "$mode" = merge ]; then
  # Keeps the committed seeds and adds only the working-corpus inputs that
  # bring new edges (-use_counters=0: hit counts do not count, which keeps
  # the committed corpus small), named fuzz-<SHA-1>.
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  cp "$seeds"/* "$tmp"/ 2>/dev/null || true
  "$exe" -merge=1 -use_counters=0 -dict="$root/fuzz/h2.dict" "$tmp" "$work" 2>&1 |
    grep -E "MERGE-OUTER: [0-9]+ new" || true
  for f in "$tmp"/*; do
    [ -e "$f" ] || continue
    h=$(basename "$f")
    [ -e "$seeds/$h" ] || cp "$f" "$seeds/fuzz-$h"
  done
  echo "run.sh: $(ls "$seeds" | wc -l) seeds in $seeds"
  exit 0
fi

log=$build/work/$target.log
flags=(-max_total_time="$seconds" -dict="$root/fuzz/h2.dict"
       -max_len="${H2_FUZZ_MAX_LEN:-16384}" -artifact_prefix="$findings/"
       -print_final_stats=1 -timeout=25 -rss_limit_mb=2048)
if [ "$jobs" -gt 1 ]; then
  # -fork: one coordinator, JOBS worker processes sharing the corpus, and it
  # keeps going after a finding only with -ignore_crashes (not used: a
  # finding must stop the run and be looked at).
  flags+=(-fork="$jobs")
fi
echo "run.sh: fuzzing $target for ${seconds}s on $jobs core(s); log $log"
before=$(ls "$findings" | wc -l)
set +e
"$exe" "${flags[@]}" "${extra[@]}" "$work" "$seeds" 2>&1 | tee "$log" |
  grep --line-buffered -E "^#[0-9]+ +(pulse|DONE)|^#[0-9]+: cov|ERROR|SUMMARY|stat::|INFO: exiting" | tail -n 40
status=${PIPESTATUS[0]}
set -e
after=$(ls "$findings" | wc -l)
if [ "$status" -ne 0 ] || [ "$after" -gt "$before" ]; then
  echo "run.sh: $target FOUND SOMETHING (exit $status): see $findings and $log" >&2
  ls -t "$findings" | head -5 >&2
  exit 1
fi
echo "run.sh: $target clean after ${seconds}s"
