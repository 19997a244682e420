#!/usr/bin/env bash
# Collector scale: the largest N agents x M containers one collector holds, on this machine.
#
#   bench/collector-scale.sh                       # steps 100x50 250x50 500x50 1000x50, 60 s each
#   bench/collector-scale.sh 1000x50               # chosen steps
#   CS_SECONDS=120 CS_LOG_LINES=20000 bench/collector-scale.sh 1000x50
#   CS_HEAP=1g bench/collector-scale.sh 1000x50    # the collector's -Xmx (default 358m: 70 % of the stack's 512M)
#
# Needs the jars (mvn -q package -DskipTests). For each step it starts a fresh collector (the
# packaged jar, the image's JVM options with the stack's 512 MiB limit applied as -Xmx358m, i.e.
# MaxRAMPercentage=70 of it) and runs bench/target/swarmwatch-bench.jar (CollectorLoad) against
# it: every agent sends a usage sample of its M containers and a host sample every 10 s, health
# transitions (CS_HEALTH_FLIPS per second in all), and CS_LOG_LINES log lines per second in all.
# Prints the generator's BENCHMARK line per step (ack latency = message sent -> applied and
# acknowledged; queryable = a log marker sent -> found by GET /api/v1/logs).
set -euo pipefail
cd "$(dirname "$0")/.."

STEPS=("$@")
[ ${#STEPS[@]} -gt 0 ] || STEPS=(100x50 250x50 500x50 1000x50)
SECONDS_PER_STEP=${CS_SECONDS:-60}
LOG_LINES=${CS_LOG_LINES:-20000}
HEALTH_FLIPS=${CS_HEALTH_FLIPS:-5}
GRPC_PORT=${CS_GRPC_PORT:-37070}
HTTP_PORT=${CS_HTTP_PORT:-38080}
say() { echo "collector-scale: $*" >&2; }

for jar in collector/target/swarmwatch-collector.jar bench/target/swarmwatch-bench.jar; do
  [ -f "$jar" ] || { say "ERROR: $jar missing: run mvn -q package -DskipTests first"; exit 1; }
done
WORK=$(mktemp -d /tmp/swarmwatch-scale.XXXXXX)
collector=""
cleanup() {
  [ -n "$collector" ] && kill "$collector" 2>/dev/null && wait "$collector" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
mapfile -t JVM_OPTS < <(grep -v '^\s*#' deploy/jvm/collector.options | grep -v '^\s*$' | grep -v MaxRAMPercentage)

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
for step in "${STEPS[@]}"; do
  [[ "$step" =~ ^([0-9]+)x([0-9]+)$ ]] || { say "ERROR: steps look like 1000x50, not '$step'"; exit 2; }
  agents=${BASH_REMATCH[1]} containers=${BASH_REMATCH[2]}
  rm -rf "$WORK/data"
  SWARMWATCH_GRPC_PORT=$GRPC_PORT SWARMWATCH_HTTP_PORT=$HTTP_PORT SWARMWATCH_DATA_DIR=$WORK/data \
    MALLOC_ARENA_MAX=2 java "${JVM_OPTS[@]}" -Xmx"${CS_HEAP:-358m}" -jar collector/target/swarmwatch-collector.jar \
    >"$WORK/collector.log" 2>&1 &
  collector=$!
  for _ in $(seq 1 300); do curl -fsS "localhost:$HTTP_PORT/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS "localhost:$HTTP_PORT/readyz" >/dev/null || { say "ERROR: the collector did not start:"; cat "$WORK/collector.log" >&2; exit 1; }
  java -Xmx1g -jar bench/target/swarmwatch-bench.jar --target="localhost:$GRPC_PORT" \
    --api="http://localhost:$HTTP_PORT" --agents="$agents" --containers="$containers" \
    --seconds="$SECONDS_PER_STEP" --log-lines="$LOG_LINES" --health-flips="$HEALTH_FLIPS" \
    --collector-pid="$collector" || say "step $step did not hold (see healthy= and errors= above)"
  if ! kill "$collector" 2>/dev/null; then
    say "ERROR: the collector died during step $step; the end of its log:"
    tail -20 "$WORK/collector.log" >&2
  fi
  wait "$collector" 2>/dev/null || true
  collector=""
done
