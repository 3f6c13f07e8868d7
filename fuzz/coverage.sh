#!/usr/bin/env bash
# coverage.sh — line coverage of the code under test by the committed corpus:
# builds the replay drivers with clang source-based coverage
# (-fprofile-instr-generate -fcoverage-mapping, no sanitizers, no libFuzzer)
# in build/fuzzcov, replays corpus/<target>/ through every target, merges the
# profiles with llvm-profdata and prints llvm-cov's report for codec/ (the
# number stated in fuzz/README.md), then for inspector/ and session/.
#
#   fuzz/coverage.sh            # report on stdout
#   fuzz/coverage.sh --html     # also build/fuzzcov/html/index.html
#   fuzz/coverage.sh --work     # replay build/fuzz/work/<target> too (the
#                               # growing corpora of fuzz/run.sh)
# Tools: clang, llvm-profdata and llvm-cov (Debian: clang, llvm; the -14
# suffixed names are used when the plain ones are missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/fuzzcov
html=0
work=0
for a in "$@"; do
  case $a in
  --html) html=1 ;;
  --work) work=1 ;;
  *) sed -n '2,14p' "$0" >&2; exit 2 ;;
  esac
done
tool() { command -v "$1" || command -v "$1-14" || { echo "coverage.sh: $1 not found" >&2; exit 2; }; }
profdata=$(tool llvm-profdata)
cov=$(tool llvm-cov)

flags="-fprofile-instr-generate -fcoverage-mapping"
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS_DEBUG="-g -O0" -DCMAKE_C_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fprofile-instr-generate" -DH2_SANITIZE=OFF -DH2_FUZZ=OFF \
  >/dev/null
cmake --build "$build" --target fuzz_all -j2 >/dev/null

rm -rf "$build/profiles"
mkdir -p "$build/profiles"
objects=()
for exe in "$build"/fuzz/replay_*; do
  [ -x "$exe" ] || continue
  target=${exe##*/replay_}
  dirs=("$root/corpus/$target")
  [ $work = 1 ] && [ -d "$root/build/fuzz/work/$target" ] && dirs+=("$root/build/fuzz/work/$target")
  [ -d "${dirs[0]}" ] || continue
  # A failing input stops that target's replay (and its profile): say so,
  # and go on with the others.
  LLVM_PROFILE_FILE="$build/profiles/$target.profraw" "$exe" -q "${dirs[@]}" >/dev/null 2>&1 ||
    echo "coverage.sh: replay of $target FAILED (run build/fuzzcov/fuzz/replay_$target -v" \
      "corpus/$target to see which input); its coverage is missing" >&2
  objects+=(-object "$exe")
done
"$profdata" merge -sparse "$build"/profiles/*.profraw -o "$build/merged.profdata"

# llvm-cov wants one main binary and the others as -object.
main=${objects[1]}
others=("${objects[@]:2}")
report() { # label path-regex
  echo "== $1"
  "$cov" report "$main" "${others[@]}" -instr-profile="$build/merged.profdata" \
    -ignore-filename-regex="$2" | sed 's/^/  /'
}
report "codec/ (library sources)" '(^|/)(fuzz|inspector|session|tests|bench|usr)/'
report "inspector/" '(^|/)(fuzz|codec|session|tests|bench|usr)/'
if [ -d "$root/session" ]; then report "session/" '(^|/)(fuzz|codec|inspector|tests|bench|usr)/'; fi
if [ $html = 1 ]; then
  "$cov" show "$main" "${others[@]}" -instr-profile="$build/merged.profdata" -format=html \
    -output-dir="$build/html" -ignore-filename-regex='(^|/)(fuzz|tests|bench|usr)/'
  echo "coverage.sh: $build/html/index.html"
fi
