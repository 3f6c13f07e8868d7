# session_peers.sh — helpers for the live tests (sourced, not a test
# itself): free ports, starting real HTTP/2 peers on loopback with minimal
# configs in a temp dir (nghttpd, h2o, nginx, h2scope serve), waiting for
# them, recording them with tcpdump, comparing decoders, and killing them on
# exit (cleanup_peers).

peer_pids=()
capture_pid=
capture_err=
cleanup_peers() {
  local p
  [ -n "$capture_pid" ] && kill "$capture_pid" 2>/dev/null
  capture_pid=
  for p in "${peer_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${peer_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  peer_pids=()
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_port PORT: until something listens (bounded: 10 s)
wait_port() {
  local i
  for i in $(seq 100); do
    if python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); s.connect(('127.0.0.1',$1))" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

# start_nghttpd DIR PORT [KEY CERT]
start_nghttpd() {
  if [ $# -ge 4 ]; then
    nghttpd -d "$1" "$2" "$3" "$4" >/dev/null 2>&1 &
  else
    nghttpd --no-tls -d "$1" "$2" >/dev/null 2>&1 &
  fi
  peer_pids+=($!)
  wait_port "$2"
}

# h2o_conf DIR PORT WORK [KEY CERT]: writes WORK/h2o.conf serving DIR on
# PORT, h2c (prior knowledge and Upgrade) or TLS (ALPN h2) with KEY and CERT
h2o_conf() {
  {
    echo "listen:"
    echo "  host: 127.0.0.1"
    echo "  port: $2"
    if [ $# -ge 5 ]; then
      echo "  ssl:"
      echo "    certificate-file: $5"
      echo "    key-file: $4"
    fi
    [ "$(id -u)" = 0 ] && echo "user: nobody"
    echo "error-log: $3/h2o.err"
    echo "access-log: /dev/null"
    echo "hosts:"
    echo "  default:"
    echo "    paths:"
    echo "      /:"
    echo "        file.dir: $1"
  } >"$3/h2o.conf"
}

# start_h2o DIR PORT WORK [KEY CERT]: h2o with h2o_conf's configuration
start_h2o() {
  h2o_conf "$@"
  h2o -c "$3/h2o.conf" >/dev/null 2>&1 &
  peer_pids+=($!)
  wait_port "$2"
}

# nginx_conf DIR PORT WORK [KEY CERT]: writes WORK/nginx/nginx.conf (in the
# foreground, one worker) serving DIR on PORT, h2c with prior knowledge
# (`listen ... http2`), or TLS 1.2/1.3 with KEY and CERT; NGINX_EXTRA is
# added to the server block (e.g. "ssl_early_data on;")
nginx_conf() {
  local w=$3/nginx listen="listen 127.0.0.1:$2 http2;"
  if [ $# -ge 5 ]; then
    listen="listen 127.0.0.1:$2 ssl http2; ssl_certificate $5; ssl_certificate_key $4;
    ssl_protocols TLSv1.2 TLSv1.3;"
  fi
  mkdir -p "$w/tmp"
  cat >"$w/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $w/nginx.pid;
error_log $w/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $w/tmp/body;
  proxy_temp_path $w/tmp/proxy;
  fastcgi_temp_path $w/tmp/fastcgi;
  uwsgi_temp_path $w/tmp/uwsgi;
  scgi_temp_path $w/tmp/scgi;
  server {
    $listen
    ${NGINX_EXTRA:-}
    root $1;
  }
}
CONF
}

# start_nginx DIR PORT WORK [KEY CERT]: nginx with nginx_conf's configuration
start_nginx() {
  nginx_conf "$@"
  local w=$3/nginx
  nginx -p "$w" -e "$w/error.log" -c "$w/nginx.conf" >/dev/null 2>&1 &
  peer_pids+=($!)
  wait_port "$2"
}

# peer_command PEER PORT DIR WORK: sets the array peer_cmd to the command
# that runs PEER (nghttpd, h2o, nginx, node, serve, grpc) in the foreground, h2c on
# PORT serving DIR, for a caller that starts it itself (check or fuzz
# `-- CMD`); configuration files go into WORK. Returns 1 for an unknown peer.
peer_command() {
  local here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  case $1 in
  nghttpd) peer_cmd=(nghttpd --no-tls -d "$3" "$2") ;;
  h2o)
    h2o_conf "$3" "$2" "$4"
    peer_cmd=(h2o -c "$4/h2o.conf")
    ;;
  nginx)
    nginx_conf "$3" "$2" "$4"
    peer_cmd=(nginx -p "$4/nginx" -e "$4/nginx/error.log" -c "$4/nginx/nginx.conf")
    ;;
  node) peer_cmd=(node "$here/check_node_server.js" "$2") ;;
  serve) peer_cmd=("$H" serve --port "$2") ;;
  grpc) peer_cmd=(/usr/bin/python3 "$here/grpc_peer.py" serve "$2") ;;
  *) return 1 ;;
  esac
}

# start_serve PORT ARGS...: h2scope serve
start_serve() {
  local port=$1
  shift
  "$H" serve --port "$port" "$@" 2>/dev/null &
  peer_pids+=($!)
  wait_port "$port"
}

# compare_decoders H2SCOPE CAPTURE [--keylog FILE]: h2scope's frames and
# header lists must equal tshark's HTTP/2 dissector's (compare_tshark.py).
# tshark 4.0's dissector loses frames after one that spans a large
# GSO-coalesced loopback segment; when it differs, the independent reference
# (tshark's reassembled TCP/TLS stream cut into frames, python3-hpack;
# compare_follow.py) must be equal instead, and the tshark difference is
# shown. Prints the verdicts; returns 1 when h2scope differs from both.
compare_decoders() {
  local out ref
  if out=$(python3 "$here/compare_tshark.py" "$@" 2>&1 | grep -v "Running as user"); then
    echo "$out"
    return 0
  fi
  if ref=$(/usr/bin/python3 "$here/compare_follow.py" "$@" 2>&1 | grep -v "Running as user"); then
    echo "tshark's HTTP/2 dissector differs: $out"
    echo "the reference decoding of tshark's reassembled streams is equal: $ref"
    return 0
  fi
  echo "tshark: $out"
  echo "reference: $ref"
  return 1
}

# start_capture FILE PORT...: tcpdump on lo for those TCP ports, until
# stop_capture (cleanup_peers stops it too).
start_capture() {
  local file=$1 filter
  shift
  filter=$(printf 'tcp port %s or ' "$@")
  capture_err=$file.err
  tcpdump -i lo -B 262144 -s 0 -U --immediate-mode -w "$file" "${filter% or }" \
    2>"$capture_err" &
  capture_pid=$!
  sleep 2 # tcpdump needs a moment before it sees packets
}

# stop_capture: ends it after the last packets are in. A packet the kernel
# dropped leaves a connection undecodable past it, which is not what these
# tests are about: the test then ends with SKIP.
stop_capture() {
  sleep 0.5
  kill -INT "$capture_pid"
  wait "$capture_pid" || true
  capture_pid=
  if grep -qE "(^|[^0-9])[1-9][0-9]* packets? dropped by kernel" "$capture_err"; then
    echo "SKIP: tcpdump dropped packets: $(grep dropped "$capture_err")"
    exit 0
  fi
}

# start_tls_peers WWW WORK KEY CERT NAME...: each named server (nghttpd, h2o,
# nginx) that is installed, serving WWW over TLS 1.2/1.3 with KEY and CERT on
# a free port; their ports are appended to tls_ports, in order; a server that
# is missing is reported and skipped.
tls_ports=()
start_tls_peers() {
  local www=$1 work=$2 key=$3 cert=$4 name p
  shift 4
  for name in "$@"; do
    if ! command -v "$name" >/dev/null 2>&1; then
      echo "SKIP: $name not installed"
      continue
    fi
    p=$(free_port)
    case $name in
    nghttpd) start_nghttpd "$www" "$p" "$key" "$cert" ;;
    h2o) start_h2o "$www" "$p" "$work" "$key" "$cert" ;;
    nginx) start_nginx "$www" "$p" "$work" "$key" "$cert" ;;
    esac
    tls_ports+=("$p")
  done
}
