#!/usr/bin/env bash
# API query latency with a large model loaded (issue 8's speed figure): a collector holding
# N agents x M containers (CollectorLoad keeps them connected and sampling every 10 s while this
# runs), then wrk with C concurrent connections on each route for D seconds.
#
#   bench/api-latency.sh                         # 1000 agents x 50 containers, 50 connections, 20 s
#   AL_AGENTS=250 AL_CONNECTIONS=50 AL_SECONDS=20 bench/api-latency.sh
#   AL_ROUTES="/metrics" AL_CONNECTIONS=1 bench/api-latency.sh   # one scraper, like Prometheus
#   AL_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/c.jfr" bench/api-latency.sh   # profile the collector
#
# Needs the jars (mvn -q package -DskipTests) and wrk (Debian: apt-get install wrk). Prints wrk's
# latency distribution per route. The collector, the load generator and wrk share this machine's
# cores, so the figures are an upper bound of what a collector on its own cores would answer.
set -euo pipefail
cd "$(dirname "$0")/.."
AGENTS=${AL_AGENTS:-1000}
CONTAINERS=${AL_CONTAINERS:-50}
CONNECTIONS=${AL_CONNECTIONS:-50}
DURATION=${AL_SECONDS:-20}
HEAP=${AL_HEAP:-1g}
GRPC_PORT=${AL_GRPC_PORT:-37370}
HTTP_PORT=${AL_HTTP_PORT:-38380}
if [ -n "${AL_ROUTES:-}" ]; then read -r -a ROUTES <<<"$AL_ROUTES"; else
  ROUTES=("/api/v1/replicas?status=unhealthy" "/api/v1/services" "/api/v1/nodes" "/metrics"); fi
say() { echo "api-latency: $*" >&2; }

command -v wrk >/dev/null || { say "ERROR: wrk is missing (Debian: apt-get install wrk)"; exit 1; }
for jar in collector/target/swarmwatch-collector.jar bench/target/swarmwatch-bench.jar; do
  [ -f "$jar" ] || { say "ERROR: $jar missing: run mvn -q package -DskipTests first"; exit 1; }
done
WORK=$(mktemp -d /tmp/swarmwatch-api.XXXXXX)
pids=()
cleanup() { [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM
mapfile -t JVM_OPTS < <(grep -v '^\s*#' deploy/jvm/collector.options | grep -v '^\s*$' | grep -v MaxRAMPercentage)

SWARMWATCH_GRPC_PORT=$GRPC_PORT SWARMWATCH_HTTP_PORT=$HTTP_PORT SWARMWATCH_DATA_DIR=$WORK/data \
  MALLOC_ARENA_MAX=2 java "${JVM_OPTS[@]}" ${AL_JAVA_OPTS:-} -Xmx"$HEAP" -jar collector/target/swarmwatch-collector.jar \
  >"$WORK/collector.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do curl -fsS "localhost:$HTTP_PORT/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
# Long enough to outlast every wrk run; ended by the trap.
java -Xmx1g -jar bench/target/swarmwatch-bench.jar --target="localhost:$GRPC_PORT" \
  --api="http://localhost:$HTTP_PORT" --agents="$AGENTS" --containers="$CONTAINERS" \
  --seconds=$(( 120 + ${#ROUTES[@]} * (DURATION + 5) )) --log-lines=0 --health-flips=5 \
  >"$WORK/load.log" 2>&1 &
pids+=($!)
expected=$((AGENTS * CONTAINERS))
n=0
for _ in $(seq 1 120); do
  sleep 2
  n=$(curl -fsS -m 30 "localhost:$HTTP_PORT/api/v1/replicas" 2>/dev/null | grep -o '"slot"' | wc -l || true)
  [ "$n" -ge "$expected" ] && break
done
kill -0 "${pids[0]}" 2>/dev/null || { say "ERROR: the collector died; the end of its log:"; tail -5 "$WORK/collector.log" >&2; exit 1; }
say "model loaded: $n replicas ($AGENTS agents x $CONTAINERS containers)"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $n replicas; $CONNECTIONS connections, ${DURATION}s per route"
for route in "${ROUTES[@]}"; do
  echo "== GET $route"
  wrk -t$(( CONNECTIONS < 2 ? CONNECTIONS : 2 )) -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "http://localhost:$HTTP_PORT$route" \
    | grep -E 'Latency|50%|75%|90%|99%|Requests/sec|requests in|Non-2xx|Socket errors'
  kill -0 "${pids[0]}" 2>/dev/null || { say "ERROR: the collector died under GET $route:"; tail -5 "$WORK/collector.log" >&2; exit 1; }
done
