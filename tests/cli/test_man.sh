#!/usr/bin/env bash
# test_man.sh — the man pages (docs/man/*.scd): each builds with scdoc, `man -l`
# renders it with no warnings, every option that `h2scope [SUB] --help` prints
# appears in that page, every command of `h2scope --help` has a page, the exit
# statuses of inspector/cli/commands.h are the ones h2scope(1) and
# docs/exit-status.md document, and `cmake --install` puts the pages, the
# completion and the schemas where man, bash-completion and users look.
set -euo pipefail
src=${H2_SOURCE_DIR:?}
h2scope=${H2SCOPE:?}
build=$(dirname "$h2scope")
if ! command -v scdoc >/dev/null || ! command -v man >/dev/null; then
  echo "FAIL: needs scdoc and man (scripts/install-deps.sh)"
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

# options_of TEXT: the option names (-x, --long-name) a --help text mentions.
options_of() {
  grep -oE '(^|[^[:alnum:]-])--?[[:alpha:]][[:alnum:]-]*' <<<"$1" | sed -E 's/^[^-]+//' | sort -u
}
# render PAGE: plain text, one long line per paragraph so options are not split.
render() { LC_ALL=C.UTF-8 MANWIDTH=1000 man -l "$1" 2>/dev/null | col -b; }

for scd in "$src"/docs/man/*.scd; do
  page=$(basename "$scd" .scd)
  scdoc <"$scd" >"$work/$page" || { echo "FAIL: scdoc $page"; fail=1; continue; }
  warnings=$(MANWIDTH=80 man --warnings -l "$work/$page" 2>&1 >/dev/null)
  if [ -n "$warnings" ]; then
    echo "FAIL: man --warnings -l $page:"; echo "$warnings"; fail=1
  fi
done

# The commands h2scope --help lists (the indented lines under "Commands:").
main_help=$("$h2scope" --help)
commands=$(sed -n '/^Commands:/,/^$/p' <<<"$main_help" | awk 'NF > 1 && /^  [a-z]/ {print $1}')
[ -n "$commands" ] || { echo "FAIL: no commands found in h2scope --help"; fail=1; }

check_page() { # check_page PAGE HELP_TEXT LABEL
  local page=$1 help=$2 label=$3 text opt
  if [ ! -e "$work/$page" ]; then
    echo "FAIL: $label has no man page docs/man/$page.scd"; fail=1; return
  fi
  text=$(render "$work/$page")
  for opt in $(options_of "$help"); do
    if ! grep -qE -- "(^|[^[:alnum:]-])$opt([^[:alnum:]-]|\$)" <<<"$text"; then
      echo "FAIL: $label --help has $opt, $page does not"; fail=1
    fi
  done
  # The other way round: every option the page's OPTIONS section defines (the
  # terms at the start of a line) is in --help too, except -h/--help.
  local defined
  defined=$(sed -n '/^OPTIONS/,/^[A-Z]/p' <<<"$text" | grep -E '^ {7}-' |
    grep -oE '(^|[ ,[])--?[[:alpha:]][[:alnum:]-]*' | sed -E 's/^[ ,[]+//' | sort -u)
  for opt in $defined; do
    [ "$opt" = -h ] || [ "$opt" = --help ] && continue
    if ! grep -qE -- "(^|[^[:alnum:]-])$opt([^[:alnum:]-]|\$)" <<<"$help"; then
      echo "FAIL: $page defines $opt, $label --help does not mention it"; fail=1
    fi
  done
}
check_page h2scope.1 "$main_help" "h2scope"
for cmd in $commands; do
  check_page "h2scope-$cmd.1" "$("$h2scope" "$cmd" --help)" "h2scope $cmd"
  grep -q "h2scope-$cmd(1)" <(render "$work/h2scope.1") ||
    { echo "FAIL: h2scope(1) does not refer to h2scope-$cmd(1)"; fail=1; }
done

# Exit statuses: the enum in commands.h, documented in h2scope(1) and exit-status.md.
statuses=$(grep -oE 'EXIT_[A-Z]+ = [0-9]+' "$src/inspector/cli/commands.h" | awk '{print $3}')
[ "$(wc -w <<<"$statuses")" -ge 4 ] ||
  { echo "FAIL: exit statuses not found in commands.h"; fail=1; }
exit_section=$(render "$work/h2scope.1" | sed -n '/^EXIT STATUS/,/^[A-Z]/p')
for s in $statuses; do
  grep -qE "^ +$s\$" <<<"$exit_section" || { echo "FAIL: h2scope(1) lacks exit status $s"; fail=1; }
  grep -qE "^\| *\`?$s\`? *\|" "$src/docs/exit-status.md" ||
    { echo "FAIL: docs/exit-status.md lacks exit status $s"; fail=1; }
done

# cmake --install of the cli component: binary, pages, completion, schemas.
if [ -e "$build/CMakeCache.txt" ]; then
  if cmake --build "$build" --target h2scope_man >"$work/build.log" 2>&1 &&
    cmake --install "$build" --component cli --prefix "$work/prefix" >"$work/install.log" 2>&1; then
    for page in "$src"/docs/man/*.scd; do
      p=$(basename "$page" .scd)
      test -s "$work/prefix/share/man/man1/$p" || { echo "FAIL: $p not installed"; fail=1; }
    done
    MANPATH="$work/prefix/share/man" LC_ALL=C.UTF-8 MANWIDTH=80 man h2scope-read 2>/dev/null |
      grep -q -- "--max-ooo-bytes" || { echo "FAIL: man h2scope-read via MANPATH"; fail=1; }
    test -s "$work/prefix/share/bash-completion/completions/h2scope" ||
      { echo "FAIL: completion not installed"; fail=1; }
    ls "$work/prefix/share/doc/h2scope/schema/v1/"*.schema.json >/dev/null 2>&1 ||
      { echo "FAIL: schemas not installed"; fail=1; }
  else
    echo "FAIL: cmake --install"; cat "$work/build.log" "$work/install.log"; fail=1
  fi
fi

[ $fail = 0 ] && echo "ok: man pages render cleanly and match --help: h2scope" $commands
exit $fail
