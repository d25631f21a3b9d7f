#!/usr/bin/env bash
# Mutual TLS handshakes per second at a sidecar's inbound listener, measured by a client nobody here wrote:
#
#   openssl s_time (full handshake per connection, client certificate of the mesh) -> sidecar inbound (STRICT)
#
# and, as the baseline in the same run, the same client against nginx terminating TLS 1.3 with the same kind of
# certificate (ECDSA P-256) and one worker. Each side runs one worker thread; results go to stdout as Markdown.
#
# Usage: bench/handshakes.sh [SECONDS]   (default 10 per run; 3 rounds, alternating)
# Environment: TRELLIS_TARGET [target], TRELLIS_JAR, BENCH_ROUNDS [3], BENCH_KEEP=1 keeps the scratch folder.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-10}"
rounds="${BENCH_ROUNDS:-3}"
target="${TRELLIS_TARGET:-target}"
trellis_jar="${TRELLIS_JAR:-$root/trellis-cli/$target/trellis.jar}"
log() { printf '[handshakes %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# shellcheck source=bench/lib/pki.sh
source "$root/bench/lib/pki.sh"

for tool in openssl nginx curl; do
  command -v "$tool" >/dev/null || { echo "handshakes.sh: $tool is not installed (apt-get install openssl nginx curl)" >&2; exit 2; }
done
[[ -f "$trellis_jar" ]] || { echo "handshakes.sh: $trellis_jar not built (mvn -q -DskipTests package)" >&2; exit 2; }

dir="$(mktemp -d /tmp/trellis-handshakes.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ "${BENCH_KEEP:-0}" == 1 ]] && log "scratch folder kept: $dir" || rm -rf "$dir"
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
app_port="$(port)" in_port="$(port)" out_port="$(port)" admin_port="$(port)" nginx_port="$(port)"

make_identities "$dir/pki" backend bench-client
cat >"$dir/mesh.yaml" <<YAML
apiVersion: trellis.dev/v1alpha1
kind: Service
metadata: {name: backend}
spec: {protocol: http, port: 8080}
---
apiVersion: trellis.dev/v1alpha1
kind: PeerAuthentication
metadata: {name: backend, namespace: default}
spec:
  targetRef: {kind: Service, name: backend}
  mtls: {mode: STRICT}
YAML

JAVA_TOOL_OPTIONS="-Dio.netty.eventLoopThreads=1" TRELLIS_JAR="$trellis_jar" "$root/bin/trellis" proxy \
  --config "$dir/mesh.yaml" --service backend --workers 1 --identity-dir "$dir/pki/backend" --app-port "$app_port" \
  --inbound-port "$in_port" --outbound-port "$out_port" --admin-port "$admin_port" >"$dir/sidecar.log" 2>&1 &
pids+=($!)

mkdir -p "$dir/nginx"
cat >"$dir/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/nginx; proxy_temp_path $dir/nginx; fastcgi_temp_path $dir/nginx;
  uwsgi_temp_path $dir/nginx; scgi_temp_path $dir/nginx;
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_protocols TLSv1.3;
    ssl_certificate $dir/pki/backend/cert-chain.pem;
    ssl_certificate_key $dir/pki/backend/key.pem;
    ssl_client_certificate $dir/pki/root.pem;
    ssl_verify_client on;
    ssl_session_cache off;
    ssl_session_tickets off;
    location / { return 200 "ok"; }
  }
}
NGINX
nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx" >"$dir/nginx/stdout.log" 2>&1 &
pids+=($!)

for ((i = 0; i < 300; i++)); do
  curl -fsS -o /dev/null "http://127.0.0.1:$admin_port/ready" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$admin_port/ready" || { log "the sidecar did not become ready:"; tail -5 "$dir/sidecar.log" >&2; exit 1; }

real_rate() { # PORT: connections per wall-clock second (s_time's own figure is per user-CPU second of the client)
  openssl s_time -connect "127.0.0.1:$1" -new -time "$seconds" -cert "$dir/pki/bench-client/cert-chain.pem" \
    -key "$dir/pki/bench-client/key.pem" -CAfile "$dir/pki/root.pem" 2>/dev/null \
    | awk '/connections in [0-9]+ real seconds/ { print $1 / $4; exit }'
}

# The first runs warm the JIT; they are not counted.
real_rate "$in_port" >/dev/null || true
echo "| round | trellis handshakes/s | nginx handshakes/s | ratio |"
echo "|---:|---:|---:|---:|"
for ((r = 1; r <= rounds; r++)); do
  t="$(real_rate "$in_port")"
  n="$(real_rate "$nginx_port")"
  printf '| %d | %.0f | %.0f | %.2f |\n' "$r" "$t" "$n" "$(awk -v a="$t" -v b="$n" 'BEGIN { print (b > 0 ? a / b : 0) }')"
done
log "sidecar peak RSS $(awk '/VmHWM/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$(pgrep -f "admin-port $admin_port" | head -1)/status" 2>/dev/null || echo "?")"
