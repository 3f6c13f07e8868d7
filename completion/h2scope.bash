# h2scope.bash — bash completion for h2scope: subcommands (also after
# `help`), each subcommand's options, frame type names after --type, hpack
# modes, --color values, and files, directories or interfaces where an option
# or a capture argument takes one; `--opt value` and `--opt=value` alike.
# Installed as share/bash-completion/completions/h2scope; or `source` it.
# COMPREPLY=($(compgen ...)) is the usual idiom: the words never hold spaces, and
# file names are split on newlines only (_h2scope_files).
# shellcheck disable=SC2207

_h2scope_commands="read frames hpack get serve replay check fuzz"
# The fields of read -Y and -e (docs/filters.md).
_h2scope_filter_fields="frame conn stream dir src dst type flags flags.end_stream flags.ack
flags.end_headers flags.padded flags.priority length offset packet packet.first method status path authority
scheme content-type error settings.header_table_size settings.enable_push
settings.max_concurrent_streams settings.initial_window_size settings.max_frame_size
settings.max_header_list_size settings.enable_connect_protocol settings.no_rfc7540_priorities
event lint severity header."
_h2scope_frame_types="DATA HEADERS PRIORITY RST_STREAM SETTINGS PUSH_PROMISE PING GOAWAY
WINDOW_UPDATE CONTINUATION UNKNOWN"

# The options of each subcommand, as its --help lists them.
_h2scope_options() {
  case $1 in
    read)
      echo "--json -q --quiet --summary --hpack --windows --data --data-max --har --html
            --html-max-frames --html-details --html-max-lanes --redact -t --abs-time
            --lint --lint-threshold --lint-max --sarif --color --no-color --conn --stream
            --type --port --keylog --max-connections --max-ooo-bytes --idle-timeout
            --max-header-list --max-packets -i -B --buffer-size --immediate -j --jobs
            --exchanges --export --export-raw --follow --har-body-max --max-streams --max-body
            --max-body-ratio --max-decoder-memory
            --grpc --proto-descriptors --grpc-max-message --grpc-max-ratio --grpc-max-buffered
            --proto-max-depth
            -Y --display-filter --filter-streams --filter-value-max -T -e -E -r -h --help" ;;
    frames)
      echo "--hex --json --client --server --table-size --max-frame-size --max-header-list
            --hpack --data --data-max --redact --color --no-color -h --help" ;;
    hpack)
      echo "--table-size --max-header-list --no-huffman --story -h --help" ;;
    get)
      echo "-v --verbose --json -i --include -H --header -X --request --data --upgrade -k
            --insecure --timeout --max-body -h --help" ;;
    serve)
      echo "--port --host --dir --body --tls --tls-key --max-conns --max-conns-per-addr
            --idle-timeout --preface-timeout --handshake-timeout -v --verbose --json -h --help" ;;
    replay)
      echo "--to --tls -k --insecure --conn --exact --keep-authority --ignore-header
            --strict-headers --timeout --json -v --verbose -h --help" ;;
    check)
      echo "--section --exclude --list --cases --print-cases --tls --path --timeout -j --jobs --robustness --json --junit
            --sarif -v --verbose --color --no-color --client --listen --max-rss --max-cpu --slowdown
            --slowdown-min --canary-timeout -h --help" ;;
    fuzz)
      echo "--time --runs --seed --seeds --no-check-seeds --out --json --timeout --hang-timeout
            --canary-every --max-rss --max-findings --stop-on --minimize-time --tls --path
            --client --listen -v --verbose -h --help" ;;
  esac
}

# Completes files (the capture, key log and output arguments).
_h2scope_files() {
  compopt -o filenames 2>/dev/null
  local IFS=$'\n'
  COMPREPLY=($(compgen -f -- "$1"))
}

_h2scope() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local prev=""
  [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()

  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "$_h2scope_commands help --help --version" -- "$cur"))
    return 0
  fi
  local cmd=${COMP_WORDS[1]}
  if [ "$cmd" = help ]; then
    [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "$_h2scope_commands" -- "$cur"))
    return 0
  fi
  # --opt=value: readline splits at '=', so the option is two words back.
  local eq=""
  if [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 3 ]; then
    prev=${COMP_WORDS[COMP_CWORD - 2]} eq=1
  elif [ "$cur" = "=" ]; then
    prev=${COMP_WORDS[COMP_CWORD - 1]} cur="" eq=1
  fi
  # --color takes its value only as --color=WHEN (an optional value).
  if [ -n "$eq" ] && [ "$prev" = --color ]; then
    COMPREPLY=($(compgen -W "always never auto" -- "$cur")); return 0
  fi

  # Arguments of the option just before the cursor.
  case $cmd:$prev in
    read:--type)
      # A comma-separated list: complete the name after the last comma.
      local done_part="" last=$cur
      if [[ $cur == *,* ]]; then done_part=${cur%,*},; last=${cur##*,}; fi
      local t
      for t in $(compgen -W "$_h2scope_frame_types" -- "${last^^}"); do
        COMPREPLY+=("$done_part$t")
      done
      compopt -o nospace 2>/dev/null
      return 0 ;;
    read:-T)
      COMPREPLY=($(compgen -W "text json fields" -- "$cur")); return 0 ;;
    read:-e)
      COMPREPLY=($(compgen -W "$_h2scope_filter_fields" -- "$cur")); return 0 ;;
    read:-E)
      COMPREPLY=($(compgen -W "header=y header=n separator= aggregator=" -- "$cur"))
      compopt -o nospace 2>/dev/null
      return 0 ;;
    read:-r)
      _h2scope_files "$cur"; return 0 ;;
    read:--data | frames:--data)
      COMPREPLY=($(compgen -W "none text hex" -- "$cur")); return 0 ;;
    read:-t)
      COMPREPLY=($(compgen -W "a r" -- "$cur")); return 0 ;;
    read:-i)
      local ifaces
      ifaces=$(ls /sys/class/net 2>/dev/null)
      COMPREPLY=($(compgen -W "$ifaces any" -- "$cur")); return 0 ;;
    read:--har | read:--html | read:--sarif | read:--keylog | read:--proto-descriptors | \
      hpack:--story | check:--junit | check:--cases | \
      check:--sarif | serve:--tls | serve:--tls-key | fuzz:--seeds)
      _h2scope_files "$cur"; return 0 ;;
    fuzz:--stop-on)
      COMPREPLY=($(compgen -W "crash hang memory protocol" -- "$cur")); return 0 ;;
    serve:--dir | read:--export | fuzz:--out)
      compopt -o filenames 2>/dev/null
      local IFS=$'\n'
      COMPREPLY=($(compgen -d -- "$cur")); return 0 ;;
    read:-Y | read:--display-filter | read:--filter-streams | read:--filter-value-max | \
      read:--data-max | read:--grpc-max-* | read:--proto-max-depth | read:--lint-threshold | \
      read:--lint-max | read:--conn | read:--stream | read:--follow | read:--har-body-max | \
      read:--port | read:--max-* | read:--idle-timeout | read:-B | read:--buffer-size | \
      frames:--table-size | \
      frames:--max-* | frames:--data-max | hpack:--table-size | hpack:--max-header-list | \
      get:-H | get:-X | get:--data | get:--timeout | get:--max-body | serve:--port | serve:--host | serve:--body | \
      serve:--max-conns | serve:--max-conns-per-addr | serve:--*-timeout | \
      replay:--to | replay:--conn | replay:--ignore-header | \
      replay:--timeout | check:--section | check:--exclude | check:--path | check:--timeout | \
      check:-j | check:--jobs | read:-j | read:--jobs | check:--listen | fuzz:--time | \
      fuzz:--runs | fuzz:--seed | fuzz:--timeout | fuzz:--hang-timeout | fuzz:--canary-every | \
      fuzz:--max-rss | fuzz:--max-findings | fuzz:--minimize-time | fuzz:--path | fuzz:--listen)
      return 0 ;; # a value we cannot guess
  esac
  # serve --tls CERT KEY: the key file too.
  if [ "$cmd" = serve ] && [ "$COMP_CWORD" -ge 3 ] &&
    [ "${COMP_WORDS[COMP_CWORD - 2]}" = --tls ]; then
    _h2scope_files "$cur"; return 0
  fi

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_h2scope_options "$cmd")" -- "$cur"))
    return 0
  fi
  case $cmd in
    hpack)
      [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "decode encode" -- "$cur")) ;;
    read | frames | replay)
      _h2scope_files "$cur" ;;
  esac
  return 0
}
complete -F _h2scope h2scope
