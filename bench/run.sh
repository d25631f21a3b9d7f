#!/usr/bin/env bash
# Two proxy hops on loopback, Trellis against its peers:
#
#   load generator -> proxy A -> proxy B -> backend (nginx, 1 KiB answer)      for trellis, nginx, haproxy
#   load generator -> backend                                                  "direct", the baseline
#
# BENCH_PROTOCOL=grpc makes the same comparison with unary gRPC calls over HTTP/2 on every hop: the backend is
# then trellis-bench.jar's grpc-backend (grpc-java, one event loop, 1 KiB answers), nginx uses grpc_pass,
# haproxy "proto h2" on both sides, and the Trellis Services are "protocol: grpc".
#
# Runs fixed rates (open loop, 16 connections) and a saturation run for every contender, round-robin so that
# machine noise hits all alike, and writes bench/results/<date>/results.md, chart.png and the raw runs.
# Methodology and what each number means: docs/benchmarks.md.
#
# Usage: bench/run.sh [--quick] [--contenders "direct nginx haproxy trellis"]
#   --quick   a few-second smoke run of the direct baseline only, into a temporary folder (used by tests)
# Environment (defaults in brackets):
#   BENCH_CONTENDERS ["direct trellis trellis-mtls nginx haproxy"] (trellis-mtls: mutual TLS between the two
#     sidecars; trellis-io_uring, not in the default set: the sidecars on the opt-in io_uring transport)
#   BENCH_RATES ["1000 5000"]   BENCH_SATURATION [1]
#   BENCH_WARMUP [3s]  BENCH_DURATION [8s]  BENCH_ROUNDS [3]  BENCH_PRIME [20s]  BENCH_PRIME_RATE [10s]
#   BENCH_CONNECTIONS [16]
#   BENCH_BODY [1024]  BENCH_PROTOCOL [http1|h2c|grpc]  BENCH_H2_DEPTH [8]  BENCH_OUT [bench/results/<date>]
#   TRELLIS_TARGET [target] (Maven output folder)  BENCH_JAR, TRELLIS_JAR (override the jars)
#   BENCH_KEEP=1 keeps the scratch folder with configs and logs.
#   BENCH_NICE=-5 (root) runs every benchmark process at that niceness, against other work on a shared machine.
#   TRELLIS_BENCH_JAVA_OPTS replaces the JVM options bin/trellis gives the two sidecars.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quick=0
contenders="${BENCH_CONTENDERS:-direct trellis trellis-mtls nginx haproxy}"
while (($#)); do
  case "$1" in
    --quick) quick=1 ;;
    --contenders) contenders="$2"; shift ;;
    -h|--help) sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

if ((quick)); then
  contenders="direct"
  rates="${BENCH_RATES:-1000}"
  warmup="${BENCH_WARMUP:-1s}"; duration="${BENCH_DURATION:-2s}"; rounds="${BENCH_ROUNDS:-1}"; prime="${BENCH_PRIME:-1s}"
  prime_rate="${BENCH_PRIME_RATE:-1s}"
  out="${BENCH_OUT:-$(mktemp -d /tmp/trellis-bench-quick.XXXXXX)}"
else
  rates="${BENCH_RATES:-1000 5000}"
  warmup="${BENCH_WARMUP:-3s}"; duration="${BENCH_DURATION:-8s}"; rounds="${BENCH_ROUNDS:-3}"; prime="${BENCH_PRIME:-20s}"
  prime_rate="${BENCH_PRIME_RATE:-10s}"
  out="${BENCH_OUT:-$root/bench/results/$(date -u +%Y-%m-%d)}"
fi
saturation="${BENCH_SATURATION:-1}"
connections="${BENCH_CONNECTIONS:-16}"
body="${BENCH_BODY:-1024}"
protocol="${BENCH_PROTOCOL:-http1}"
h2_depth="${BENCH_H2_DEPTH:-8}"
target="${TRELLIS_TARGET:-target}"
bench_jar="${BENCH_JAR:-$root/trellis-bench/$target/trellis-bench.jar}"
trellis_jar="${TRELLIS_JAR:-$root/trellis-cli/$target/trellis.jar}"
nice_cmd=()
[[ "${BENCH_NICE:-0}" != 0 ]] && nice_cmd=(nice -n "$BENCH_NICE")
# The generator is one event loop; a small serial-GC heap keeps its own pauses short and rare.
gen_java=("${nice_cmd[@]}" java -XX:+UseSerialGC -Xms256m -Xmx512m -XX:+AlwaysPreTouch -jar "$bench_jar")

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# shellcheck source=bench/lib/pki.sh
source "$root/bench/lib/pki.sh"

# --- tools ------------------------------------------------------------------------------------------------
ensure_tools() {
  local -A package_of=([nginx]=nginx [haproxy]=haproxy [wrk]=wrk [h2load]=nghttp2-client [curl]=curl
                       [fc-list]=fontconfig [java]=openjdk-17-jre-headless)
  local tools=(nginx curl java fc-list) missing=() tool
  ((quick)) || tools+=(haproxy wrk h2load)
  for tool in "${tools[@]}"; do
    command -v "$tool" >/dev/null || missing+=("${package_of[$tool]}")
  done
  [[ -n "$(fc-list 2>/dev/null | head -1)" ]] || missing+=(fonts-dejavu-core)
  ((${#missing[@]})) || return 0
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
    echo "run.sh: missing ${missing[*]}; install them (apt-get as root) and run again" >&2
    exit 1
  fi
  log "installing ${missing[*]}"
  # Debian starts a freshly installed nginx/haproxy service on port 80; the benchmark runs its own.
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && added_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  ((added_policy)) && rm -f "$policy"
  return 0
}

ensure_jars() {
  [[ -f "$bench_jar" ]] && { [[ -f "$trellis_jar" ]] || [[ " $contenders " != *" trellis "* ]]; } && return 0
  log "building (mvn -q -DskipTests package)"
  if ! (cd "$root" && mvn -q -B -Dtrellis.target="$target" -DskipTests package); then
    log "full build failed; building the benchmark module alone (trellis will be skipped)"
    (cd "$root" && mvn -q -B -Dtrellis.target="$target" -DskipTests -pl trellis-bench -am package)
  fi
}

# --- processes --------------------------------------------------------------------------------------------
run_dir="$(mktemp -d /tmp/trellis-bench-run.XXXXXX)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "scratch folder kept: $run_dir"; else rm -rf "$run_dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

curl_protocol=()
[[ "$protocol" == h2c ]] && curl_protocol=(--http2-prior-knowledge)
if [[ "$protocol" == grpc ]]; then
  # A probe is a gRPC call with an empty message: HTTP status 200 shows the chain is up (grpc-status aside).
  printf '\0\0\0\0\0' >"$run_dir/grpc-probe.bin"
  curl_protocol=(--http2-prior-knowledge -H "content-type: application/grpc" -H "te: trailers"
                 --data-binary "@$run_dir/grpc-probe.bin")
fi

declare -A taken_ports=()
alloc_port() { # VAR...: a free loopback port for each variable, never the same twice (no subshell: it remembers)
  local _name _port
  for _name in "$@"; do
    while :; do
      # below the kernel's ephemeral range (32768 on), where an outgoing connection may hold a port that no
      # listener shows and the bind of nginx or haproxy would fail
      _port=$((20000 + RANDOM % 12000))
      [[ -z "${taken_ports[$_port]:-}" ]] || continue
      [[ -z "$(ss -Hltn "sport = :$_port" 2>/dev/null)" ]] || continue
      (exec 3<>"/dev/tcp/127.0.0.1/$_port") 2>/dev/null && continue
      break
    done
    taken_ports[$_port]=1
    printf -v "$_name" '%s' "$_port"
  done
}

wait_http() { # URL [seconds] [curl args...]: until it answers 2xx
  local url="$1" seconds="${2:-10}" i
  shift 2 || shift $#
  for ((i = 0; i < seconds * 10; i++)); do
    curl -fsS -o /dev/null --max-time 1 "$@" "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

child_pid() { # the worker of an nginx master
  local i
  for ((i = 0; i < 50; i++)); do
    pgrep -P "$1" | head -1 && return 0
    sleep 0.1
  done
  return 1
}

# --- the backend: nginx, one worker, a 1 KiB answer to any method ---------------------------------------
nginx_common() { # NAME
  cat <<EOF
worker_processes 1;
daemon off;
master_process on;
pid $run_dir/$1.pid;
error_log $run_dir/$1.error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/octet-stream;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_body_temp_path $run_dir/$1.tmp/body;
  proxy_temp_path $run_dir/$1.tmp/proxy;
  fastcgi_temp_path $run_dir/$1.tmp/fastcgi;
  uwsgi_temp_path $run_dir/$1.tmp/uwsgi;
  scgi_temp_path $run_dir/$1.tmp/scgi;
EOF
}

start_nginx() { # NAME CONFIG: sets worker_pid (the one worker does all the work; the master only watches)
  mkdir -p "$run_dir/$1.tmp"
  "${nice_cmd[@]}" nginx -p "$run_dir" -c "$2" -e "$run_dir/$1.error.log" >"$run_dir/$1.log" 2>&1 &
  local master=$!
  pids+=("$master")
  if ! worker_pid="$(child_pid "$master")"; then
    log "nginx $1 did not start: $(tail -n 3 "$run_dir/$1.error.log" "$run_dir/$1.log" 2>/dev/null | tr '\n' ' ')"
    return 1
  fi
}

# The client-facing listeners speak the client's protocol: h2c needs nginx's "http2" / haproxy's "proto h2".
# gRPC needs HTTP/2 on every hop (*_hop_h2 goes on proxy B's listener and on haproxy's server lines).
nginx_h2=""; haproxy_h2=""; nginx_hop_h2=""; haproxy_hop_h2=""
[[ "$protocol" == h2c ]] && { nginx_h2=" http2"; haproxy_h2=" proto h2"; }
[[ "$protocol" == grpc ]] && { nginx_h2=" http2"; haproxy_h2=" proto h2"; nginx_hop_h2=" http2"; haproxy_hop_h2=" proto h2"; }
alloc_port backend_port backend_client_port
backend_name="nginx"
if [[ "$protocol" == grpc ]]; then
  backend_name="grpc-java"
  backend_client_port="$backend_port" # one HTTP/2 listener serves the client and the proxies alike
fi
start_backend() {
  [[ "$protocol" == grpc ]] && { start_grpc_backend; return; }
  local answer
  answer="$(head -c 1024 /dev/zero | tr '\0' 'x')"
  { nginx_common backend
    cat <<EOF
  server {
    listen 127.0.0.1:$backend_port;
    listen 127.0.0.1:$backend_client_port$nginx_h2;
    location / { return 200 "$answer"; }
  }
}
EOF
  } >"$run_dir/backend.conf"
  start_nginx backend "$run_dir/backend.conf"
  wait_http "http://127.0.0.1:$backend_port/" 10 || { cat "$run_dir/backend.error.log" >&2; exit 1; }
}

# The gRPC backend: trellis-bench.jar's grpc-backend, grpc-java on one event loop answering Echo/Call with 1 KiB.
start_grpc_backend() {
  local i
  "${nice_cmd[@]}" java -XX:+UseSerialGC -Xms128m -Xmx256m -jar "$bench_jar" grpc-backend --port "$backend_port" \
    --response-bytes 1024 >"$run_dir/backend.log" 2>&1 &
  pids+=("$!")
  for ((i = 0; i < 150; i++)); do
    grep -q "grpc-backend listening on" "$run_dir/backend.log" && return 0
    sleep 0.1
  done
  cat "$run_dir/backend.log" >&2
  exit 1
}

# --- contenders: each start_* sets entry_port and watch ("A=pid B=pid"), or returns non-zero ------------
declare -A entry_of=() watch_of=()

start_direct() {
  entry_port="$backend_client_port"
  watch=""
}

start_nginx_pair() {
  local b_port a_port b_pid a_pid
  alloc_port b_port a_port
  nginx_proxy_conf nginx-b "$b_port$nginx_hop_h2" "$backend_port" >"$run_dir/nginx-b.conf"
  nginx_proxy_conf nginx-a "$a_port$nginx_h2" "$b_port" >"$run_dir/nginx-a.conf"
  start_nginx nginx-b "$run_dir/nginx-b.conf" && b_pid="$worker_pid" || return 1
  start_nginx nginx-a "$run_dir/nginx-a.conf" && a_pid="$worker_pid" || return 1
  wait_http "http://127.0.0.1:$a_port/" 10 "${curl_protocol[@]}" || return 1
  entry_port="$a_port"
  watch="A=$a_pid B=$b_pid"
}

nginx_proxy_conf() { # NAME LISTEN NEXT: one worker, HTTP/1.1 keep-alive to the next hop (gRPC: grpc_pass)
  local pass='proxy_pass http://next;
      proxy_http_version 1.1;
      proxy_set_header Connection "";'
  [[ "$protocol" == grpc ]] && pass='grpc_pass grpc://next;'
  nginx_common "$1"
  cat <<EOF
  upstream next {
    server 127.0.0.1:$3;
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$2;
    location / {
      $pass
    }
  }
}
EOF
}

start_haproxy_pair() {
  local b_port a_port name
  alloc_port b_port a_port
  haproxy_conf "$b_port$haproxy_hop_h2" "$backend_port$haproxy_hop_h2" >"$run_dir/haproxy-b.cfg"
  haproxy_conf "$a_port$haproxy_h2" "$b_port$haproxy_hop_h2" >"$run_dir/haproxy-a.cfg"
  local -A pid_of=()
  for name in b a; do
    "${nice_cmd[@]}" haproxy -db -f "$run_dir/haproxy-$name.cfg" >"$run_dir/haproxy-$name.log" 2>&1 &
    pid_of[$name]=$!
    pids+=("$!")
  done
  wait_http "http://127.0.0.1:$a_port/" 10 "${curl_protocol[@]}" || return 1
  entry_port="$a_port"
  watch="A=${pid_of[a]} B=${pid_of[b]}"
}

haproxy_conf() { # LISTEN NEXT: one thread, http mode, keep-alive both sides, connections reused always
  cat <<EOF
global
    nbthread 1
    maxconn 4096
defaults
    mode http
    option http-keep-alive
    http-reuse always
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout http-keep-alive 60s
frontend in
    bind 127.0.0.1:$1
    default_backend next
backend next
    server next 127.0.0.1:$2
EOF
}

# Trellis: client -> A's outbound port (Host names the service "backend") -> B's inbound port (a meshed
# endpoint, so A speaks HTTP/2 to it) -> B forwards to its app, the backend. Standalone mode: both sidecars
# read the same YAML file (docs/DESIGN.md, "User-facing configuration").
start_trellis_pair() {
  local trellis_protocol=http
  [[ "$protocol" == grpc ]] && trellis_protocol=grpc
  [[ -f "$trellis_jar" ]] || { log "trellis: $trellis_jar not built"; return 1; }
  local a_out a_in a_admin a_app b_out b_in b_admin workers=() a_id=() b_id=()
  # each pair its own file: a sidecar reloads its file on change, so a shared one would send A to the other pair's B
  local name="trellis${1:+-$1}"
  local cfg="$run_dir/$name-mesh.yaml"
  if [[ "${1:-}" == mtls ]]; then
    make_identities "$run_dir/pki" backend bench-client || return 1
    a_id=(--identity-dir "$run_dir/pki/bench-client") b_id=(--identity-dir "$run_dir/pki/backend")
  fi
  alloc_port a_out a_in a_admin a_app b_out b_in b_admin
  cat >"$cfg" <<EOF
apiVersion: trellis.dev/v1alpha1
kind: Service
metadata: {name: bench-client}
spec:
  protocol: $trellis_protocol
  port: 8080
---
apiVersion: trellis.dev/v1alpha1
kind: Service
metadata: {name: backend}
spec:
  protocol: $trellis_protocol
  port: 8080
  endpoints:
    - {address: "127.0.0.1:$b_in", meshed: true}
EOF
  # One worker thread per proxy, like nginx's worker_processes 1 and haproxy's nbthread 1: the CLI's
  # --workers where it has one, and Netty's default event-loop size either way. The JVM keeps the options
  # bin/trellis ships with (TRELLIS_BENCH_JAVA_OPTS replaces them), so memory is measured as users get it.
  TRELLIS_JAR="$trellis_jar" "$root/bin/trellis" proxy --help 2>/dev/null | grep -q -- '--workers' && workers=(--workers 1)
  export JAVA_TOOL_OPTIONS="-Dio.netty.eventLoopThreads=1"
  [[ "${1:-}" == io_uring ]] && JAVA_TOOL_OPTIONS+=" -Dtrellis.transport=io_uring"
  [[ -n "${TRELLIS_BENCH_JAVA_OPTS:-}" ]] && export TRELLIS_JAVA_OPTS="$TRELLIS_BENCH_JAVA_OPTS"
  TRELLIS_JAR="$trellis_jar" "${nice_cmd[@]}" "$root/bin/trellis" proxy --config "$cfg" --service backend "${workers[@]}" "${b_id[@]}" \
    --outbound-port "$b_out" --inbound-port "$b_in" --admin-port "$b_admin" --app-port "$backend_port" \
    >"$run_dir/$name-b.log" 2>&1 &
  local b_pid=$!
  pids+=("$b_pid")
  TRELLIS_JAR="$trellis_jar" "${nice_cmd[@]}" "$root/bin/trellis" proxy --config "$cfg" --service bench-client "${workers[@]}" "${a_id[@]}" \
    --outbound-port "$a_out" --inbound-port "$a_in" --admin-port "$a_admin" --app-port "$a_app" \
    >"$run_dir/$name-a.log" 2>&1 &
  local a_pid=$!
  pids+=("$a_pid")
  unset TRELLIS_JAVA_OPTS JAVA_TOOL_OPTIONS
  if ! wait_http "http://127.0.0.1:$b_admin/ready" 30 || ! wait_http "http://127.0.0.1:$a_admin/ready" 30 \
      || ! wait_http "http://127.0.0.1:$a_out/" 10 -H "Host: backend" "${curl_protocol[@]}"; then
    log "trellis did not come up; last lines of its logs:"
    tail -n 5 "$run_dir/$name-a.log" "$run_dir/$name-b.log" >&2 || true
    return 1
  fi
  entry_port="$a_out"
  watch="A=$a_pid B=$b_pid"
}

# Trellis with mutual TLS between the two sidecars: each gets a workload certificate (ECDSA P-256, SPIFFE ID
# spiffe://cluster.local/ns/default/sa/<service>) from a throwaway root, read from an identity directory.
start_trellis_mtls_pair() {
  start_trellis_pair mtls || return 1
  if ! grep -q "workload identity" "$run_dir/trellis-mtls-a.log"; then
    log "trellis-mtls: the client sidecar reports no workload identity"
    return 1
  fi
}

# Trellis on Netty's io_uring transport (-Dtrellis.transport=io_uring), not in the default set: it is opt-in
# (docs/proxy.md, "Transport").
start_trellis_io_uring_pair() {
  start_trellis_pair io_uring || return 1
  if ! grep -q "(IO_URING)" "$run_dir/trellis-io_uring-a.log"; then
    log "trellis-io_uring: the kernel offers no io_uring, the sidecar fell back to another transport"
    return 1
  fi
}

# --- load ---------------------------------------------------------------------------------------------------
load() { # CONTENDER SCENARIO JSON-or-"" WARMUP DURATION [load options...]
  local contender="$1" scenario="$2" json="$3" w="$4" d="$5" args=() name
  shift 5
  for name in ${watch_of[$contender]}; do args+=(--watch "$name"); done
  [[ -n "$json" ]] && args+=(--json "$json")
  "${gen_java[@]}" load "http://127.0.0.1:${entry_of[$contender]}/" --host-header backend \
    --protocol "$protocol" -c "$connections" --body "$body" --warmup "$w" -d "$d" \
    --clk-tck "$(getconf CLK_TCK)" --contender "$contender" --scenario "$scenario" "${args[@]}" "$@"
}

saturation_args() {
  if [[ "$protocol" == h2c || "$protocol" == grpc ]]; then echo "--saturate --depth $h2_depth"; else echo "--saturate"; fi
}

# --- main ---------------------------------------------------------------------------------------------------
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
ensure_tools
ensure_jars
mkdir -p "$out/runs"
rm -f "$out"/runs/*.json
log "scratch folder $run_dir, results in $out"
start_backend
log "backend $backend_name on 127.0.0.1:$backend_port"

active=() skipped=()
for contender in $contenders; do
  entry_port="" watch=""
  case "$contender" in
    direct) starter=start_direct ;;
    nginx) starter=start_nginx_pair ;;
    haproxy) starter=start_haproxy_pair ;;
    trellis) starter=start_trellis_pair ;;
    trellis-mtls) starter=start_trellis_mtls_pair ;;
    trellis-io_uring) starter=start_trellis_io_uring_pair ;;
    *) echo "run.sh: unknown contender $contender (expected: direct nginx haproxy trellis trellis-mtls trellis-io_uring)" >&2; exit 2 ;;
  esac
  if $starter && [[ -n "$entry_port" ]]; then
    entry_of[$contender]="$entry_port"
    watch_of[$contender]="$watch"
    # Warm every hop (JIT of the JVMs, connection pools) before anything is measured.
    if load "$contender" prime "" 0s "$prime" $(saturation_args) >"$run_dir/prime-$contender.txt" 2>&1; then
      # then each fixed rate, open loop: a JVM compiles for the load it has seen, and a first step from a closed
      # loop to an open one recompiles hot paths under load (docs/benchmarks.md, "Warm-up")
      for rate in $rates; do
        load "$contender" prime "" 0s "$prime_rate" --rate "$rate" >>"$run_dir/prime-$contender.txt" 2>&1 \
          || log "$contender: errors while warming up at $rate req/s (not measured)"
      done
      active+=("$contender")
      log "$contender ready on 127.0.0.1:$entry_port ${watch:+($watch)}"
      continue
    fi
    log "$contender failed its warm-up run: $(tail -n 3 "$run_dir/prime-$contender.txt" | tr '\n' ' ')"
  fi
  log "SKIPPING $contender: it did not start"
  skipped+=("$contender")
done
((${#active[@]})) || { echo "run.sh: no contender started" >&2; exit 1; }

scenarios=()
for rate in $rates; do scenarios+=("rate-$rate"); done
((saturation)) && scenarios+=(saturation)
for ((round = 1; round <= rounds; round++)); do
  for scenario in "${scenarios[@]}"; do
    for contender in "${active[@]}"; do
      log "round $round/$rounds: $scenario, $contender"
      json="$out/runs/$scenario-$contender-r$round.json"
      if [[ "$scenario" == saturation ]]; then
        extra=($(saturation_args))
      else
        extra=(--rate "${scenario#rate-}")
      fi
      load "$contender" "$scenario" "$json" "$warmup" "$duration" "${extra[@]}" || log "run failed: $scenario $contender"
    done
  done
done

backend_desc="nginx backend (1 worker)"
[[ "$protocol" == grpc ]] && backend_desc="grpc-java backend (1 event loop, unary Echo/Call)"
cpu_model="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)"
versions="$(nginx -v 2>&1 | sed 's/.*: //' || true)"
command -v haproxy >/dev/null && versions+=", $(haproxy -v | awk 'NR == 1 {print "haproxy " $3}' || true)"
versions+=", $(java -version 2>&1 | head -1 || true)"
notes=(
  "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: ${cpu_model:-unknown CPU}, $(nproc) cores, $(uname -r); load average (1, 5, 15 min) before the runs: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg) (its own processes count in these)"
  "runs: ${rounds} round(s), round-robin over contenders; each run ${warmup} warm-up + ${duration} measured; ${connections} ${protocol} connections; ${body}-byte request bodies, 1 KiB responses"
  "chain: load generator -> proxy A -> proxy B -> $backend_desc, all on 127.0.0.1; every proxy runs one worker thread"
  "versions: $versions"
)
((${#skipped[@]})) && notes+=("skipped (did not start): ${skipped[*]}")
note_args=()
for note in "${notes[@]}"; do note_args+=(--note "$note"); done
"${gen_java[@]}" chart "$out/runs" --out "$out/chart.png" >/dev/null
"${gen_java[@]}" report "$out/runs" --out "$out/results.md" --chart chart.png "${note_args[@]}" >/dev/null
if ((!quick)) && [[ -z "${BENCH_OUT:-}" ]]; then
  "${gen_java[@]}" report "$out/runs" --out "$root/bench/results/latest.md" \
    --chart "$(basename "$out")/chart.png" "${note_args[@]}" >/dev/null
fi
log "done: $out/results.md"
cat "$out/results.md"
