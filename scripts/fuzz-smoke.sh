#!/usr/bin/env bash
# fuzz-smoke.sh — builds the libFuzzer targets (clang, `cmake --preset fuzz`)
# and runs each for H2_FUZZ_SECONDS (default 30) from a copy of its seed
# corpus with fuzz/h2.dict. Any crash, leak or broken invariant fails the run;
# the reproducer is left in build/fuzz/findings/<target>/.
# H2_FUZZ_TARGETS="a b" limits the run to those targets.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${H2_FUZZ_SECONDS:-30}
cd "$root"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzz_all
bin=$root/build/fuzz/fuzz
status=0
for exe in "$bin"/*; do
  [ -x "$exe" ] && [ -f "$exe" ] || continue
  name=$(basename "$exe")
  case $name in replay_* | *.a) continue ;; esac
  if [ -n "${H2_FUZZ_TARGETS:-}" ] && [[ " $H2_FUZZ_TARGETS " != *" $name "* ]]; then continue; fi
  work=$(mktemp -d)
  mkdir -p "$work/corpus" "$root/build/fuzz/findings/$name"
  [ -d "$root/corpus/$name" ] && cp -r "$root/corpus/$name/." "$work/corpus/"
  echo "fuzz-smoke: $name for ${seconds}s"
  if ! "$exe" -max_total_time="$seconds" -dict="$root/fuzz/h2.dict" -max_len=16384 -timeout=25 \
      -artifact_prefix="$root/build/fuzz/findings/$name/" -print_final_stats=1 \
      "$work/corpus" >"$work/log" 2>&1; then
    echo "fuzz-smoke: $name FAILED" >&2
    tail -40 "$work/log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$work/log" | tail -2
  fi
  rm -rf "$work"
done
exit $status
