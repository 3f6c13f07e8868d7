#!/usr/bin/env bash
# house.sh — measures the code against docs/house.json: every `#include "x.h"`
# of a file in one part (wing) that names a header of another part is an
# include edge; an edge listed under "never" is an up-call (printed, exit 1),
# an edge that is neither an arrow nor a never is printed as unplanned.
#   scripts/house.sh [--edges]    (--edges also prints every allowed edge)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
house=docs/house.json
show_all=0
[ "${1:-}" = --edges ] && show_all=1

# part of each source file and each header name (by file name: the include
# path holds every wing folder, so a name is unique across the inspector).
declare -A part_of_file part_of_header dir_of_header
while IFS=$'\t' read -r part dir; do
  while IFS= read -r f; do
    part_of_file[$f]=$part
    part_of_header[$(basename "$f")]=$part
    dir_of_header[$(basename "$f")]=$dir
  done < <(find "$dir" -name '*.[ch]' -not -path '*/tests/*' | sort)
done < <(jq -r '.parts | to_entries[] | .key as $k | .value.is[] | [$k, .] | @tsv' "$house")
# codec/ and session/ public headers are included as "h2/x.h".
for h in codec/include/h2/*.h; do part_of_header["h2/$(basename "$h")"]=codec; done
if [ -d session/include/h2 ]; then
  for h in session/include/h2/*.h; do part_of_header["h2/$(basename "$h")"]=session; done
fi

declare -A allowed never
while IFS=$'\t' read -r a b; do allowed["$a>$b"]=1; done < <(jq -r '.arrows[] | @tsv' "$house")
while IFS=$'\t' read -r a b why; do never["$a>$b"]=$why; done < <(jq -r '.never[] | @tsv' "$house")

bad=0
for f in $(printf '%s\n' "${!part_of_file[@]}" | sort); do
  from=${part_of_file[$f]}
  while IFS= read -r h; do
    to=${part_of_header[$h]:-}
    [ -n "$to" ] || continue
    # A part of several folders (peers: check/ replay/ serve/ get/) holds
    # siblings that never include each other.
    if [ "$to" = "$from" ]; then
      d=${dir_of_header[$h]:-}
      if [ -n "$d" ] && [[ $f != "$d"* ]]; then
        echo "sibling $from: $f includes $h ($d)"
        bad=1
      fi
      continue
    fi
    if [ -n "${never[$from>$to]:-}" ]; then
      echo "up-call $from -> $to: $f includes $h (never: ${never[$from>$to]})"
      bad=1
    elif [ -z "${allowed[$from>$to]:-}" ]; then
      echo "unplanned $from -> $to: $f includes $h"
    elif [ $show_all = 1 ]; then
      echo "ok $from -> $to: $f includes $h"
    fi
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done
exit $bad
