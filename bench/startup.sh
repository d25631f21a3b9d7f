#!/usr/bin/env bash
# Sidecar start-up: how long `bin/trellis proxy` takes from launch to ready, with the JVM options and class-data
# archive it ships with. Each trial starts a standalone sidecar on free loopback ports and records two times:
#   logged  the sidecar's own "ready: ... N ms after the JVM started" (from the JVM's own start, so class
#           loading, configuration and binding count; the launcher script before it does not)
#   polled  launch to the first 200 from GET /ready on its admin port, polled every 10 ms with curl
# It prints a Markdown table and the median, and writes it to OUT when given.
#
# Usage: bench/startup.sh [TRIALS] [OUT]      (TRIALS defaults to 10)
# Environment: TRELLIS_TARGET [target] (Maven output folder), TRELLIS_JAR (overrides the jar).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
trials="${1:-10}"
out="${2:-}"
jar="${TRELLIS_JAR:-$root/trellis-cli/${TRELLIS_TARGET:-target}/trellis.jar}"
[[ -f "$jar" ]] || { echo "startup.sh: $jar not built (mvn -q -DskipTests package)" >&2; exit 1; }
command -v curl >/dev/null || { echo "startup.sh: needs curl" >&2; exit 1; }

work="$(mktemp -d /tmp/trellis-startup.XXXXXX)"
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cat >"$work/mesh.yaml" <<'EOF'
apiVersion: trellis.dev/v1alpha1
kind: Service
metadata: {name: api}
spec:
  protocol: http
  port: 8080
  endpoints:
    - {address: "127.0.0.1:9"}
EOF

free_port() { # a loopback port nothing listens on
  local port
  while :; do
    port=$((20000 + RANDOM % 25000))
    [[ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]] && { echo "$port"; return; }
  done
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# The first launch after a build writes the class-data archive (a training run); it is not a trial.
TRELLIS_JAR="$jar" "$root/bin/trellis" proxy --config "$work/mesh.yaml" --service api --outbound-port 0 \
  --inbound-port 0 --admin-port 0 --exit-when-ready >/dev/null 2>&1 || true

rows=() logged_all=() polled_all=()
for ((i = 1; i <= trials; i++)); do
  admin="$(free_port)"
  start="$(now_ms)"
  TRELLIS_JAR="$jar" "$root/bin/trellis" proxy --config "$work/mesh.yaml" --service api --outbound-port 0 \
    --inbound-port 0 --admin-port "$admin" >"$work/proxy.log" 2>&1 &
  pid=$!
  polled=""
  for ((t = 0; t < 1000; t++)); do
    if curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$admin/ready" 2>/dev/null; then
      polled=$(( $(now_ms) - start ))
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  logged="$(sed -n 's/.*ready: .* \([0-9][0-9]*\) ms after the JVM started.*/\1/p' "$work/proxy.log" | head -1)"
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  pid=""
  if [[ -z "$polled" || -z "$logged" ]]; then
    echo "startup.sh: trial $i: the sidecar did not become ready; its log:" >&2
    cat "$work/proxy.log" >&2
    exit 1
  fi
  rows+=("| $i | $logged | $polled |")
  logged_all+=("$logged"); polled_all+=("$polled")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
report() {
  echo "# Sidecar start-up to ready"
  echo
  echo "\`bench/startup.sh $trials\` on $(date -u '+%Y-%m-%d %H:%M') UTC ($(nproc) cores, $(java -version 2>&1 | head -1))."
  echo "\`bin/trellis proxy\` with its shipped JVM options and class-data archive, standalone configuration."
  echo
  echo "| trial | logged ms (JVM start → ready) | polled ms (launch → GET /ready 200) |"
  echo "|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Median: logged $(median "${logged_all[@]}") ms, polled $(median "${polled_all[@]}") ms."
}
if [[ -n "$out" ]]; then report | tee "$out"; else report; fi
