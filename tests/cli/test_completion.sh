#!/usr/bin/env bash
# test_completion.sh — the bash completion (completion/h2scope.bash): sourced in
# bash, _h2scope is called with COMP_WORDS/COMP_CWORD set like readline would,
# and COMPREPLY must be exactly the expected words: subcommands, options (every
# option a subcommand's --help prints must be offered), `help COMMAND`, frame
# type names after --type (also after a comma, and in the --type=T form),
# --color=WHEN, hpack modes, and files for capture arguments.
set -euo pipefail
src=${H2_SOURCE_DIR:?}
h2scope=${H2SCOPE:?}
# shellcheck source=../../completion/h2scope.bash
source "$src/completion/h2scope.bash"
fail=0
complete -p h2scope | grep -- '-F _h2scope h2scope' >/dev/null || { echo "FAIL: not registered"; fail=1; }

# complete WORDS...: the last word is the one being completed ("" for a new word).
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  _h2scope h2scope "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect() { # expect "EXPECTED" WORDS...
  local want=$1; shift
  local got
  got=$(complete_words "$@")
  if [ "$got" != "$want" ]; then
    echo "FAIL: '$*' completed to '$got', expected '$want'"
    fail=1
  fi
}

expect "--help --version check frames fuzz get help hpack read replay serve" h2scope ""
expect "read replay" h2scope re
expect "read replay" h2scope help re
# --opt=value: readline hands over "--type" "=" "HE"; --color's values only after '='.
expect "HEADERS" h2scope read x.pcap --type = HE
expect "always auto never" h2scope read --color = ""
expect "never" h2scope check --color = n
expect "a r" h2scope read -t ""
expect "--version" h2scope --v
expect "decode encode" h2scope hpack ""
expect "encode" h2scope hpack e
expect "HEADERS" h2scope read x.pcap --type HE
expect "WINDOW_UPDATE" h2scope read x.pcap --type w
expect "HEADERS,RST_STREAM" h2scope read x.pcap --type HEADERS,RST
expect "DATA,PING DATA,PRIORITY DATA,PUSH_PROMISE" h2scope read --type DATA,P
all_types="CONTINUATION DATA GOAWAY HEADERS PING PRIORITY PUSH_PROMISE RST_STREAM SETTINGS"
expect "$all_types UNKNOWN WINDOW_UPDATE" \
  h2scope read --type ""
expect "hex none text" h2scope frames --data ""
expect "--data --data-max" h2scope read --da
expect "--lint --lint-max --lint-threshold" h2scope read --lint
expect "--insecure" h2scope get --ins
expect "--max-conns --max-conns-per-addr" h2scope serve --max
expect "" h2scope serve --preface-timeout ""
expect "" h2scope read --conn ""
expect "fields json text" h2scope read x.pcap -T ""
expect "status stream" h2scope read x.pcap -T fields -e st
expect "" h2scope read x.pcap -Y ""

# Files for capture arguments and file-taking options.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
touch "$work/a.pcap" "$work/b.pcapng" "$work/keys.txt"
mkdir "$work/certs"
(
  cd "$work"
  fail=0
  expect "a.pcap b.pcapng certs keys.txt" h2scope read ""
  expect "a.pcap" h2scope read a
  expect "b.pcapng" h2scope frames --json b
  expect "keys.txt" h2scope read a.pcap --keylog k
  expect "certs" h2scope serve --dir ""
  expect "keys.txt" h2scope serve --tls certs/x.pem k
  expect "keys.txt" h2scope serve --tls certs/x.pem --tls-key k
  expect "a.pcap" h2scope read --color a
  expect "a.pcap" h2scope replay a
  exit $fail
) || fail=1

# Every option of every subcommand's --help is offered after '-'.
for cmd in read frames hpack get serve replay check; do
  offered=" $(complete_words h2scope "$cmd" -) "
  help_text=$("$h2scope" "$cmd" --help)
  for opt in $(grep -oE '(^|[^[:alnum:]-])--?[[:alpha:]][[:alnum:]-]*' <<<"$help_text" |
    sed -E 's/^[^-]+//' | sort -u); do
    if [[ $offered != *" $opt "* ]]; then
      echo "FAIL: 'h2scope $cmd -<TAB>' does not offer $opt (in its --help)"
      fail=1
    fi
  done
done

[ $fail = 0 ] && echo "ok: completion of subcommands, options, frame types and files"
exit $fail
