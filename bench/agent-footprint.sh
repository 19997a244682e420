#!/usr/bin/env bash
# Agent footprint: RSS and CPU of one agent watching 0 / 50 / 100 / 200 running containers.
#
#   bench/agent-footprint.sh                 # counts 0 50 100 200
#   bench/agent-footprint.sh 0 100           # chosen counts, ascending
#   FP_WARMUP=30 FP_WINDOW=60 bench/agent-footprint.sh
#
# Needs the jars (mvn -q package -DskipTests) and a swarm manager Engine (scripts/test-engine.sh up
# starts one). It runs a collector and one agent with the JVM options the image ships
# (deploy/jvm/agent.options), scales one swarm service of swarmwatch-test/healthy:1 (a HEALTHCHECK
# every 10 s, as a typical service has) to each count, waits FP_WARMUP seconds, then reads
# /proc/<agent>/status (VmRSS) every 5 s and /proc/<agent>/stat (utime+stime) across FP_WINDOW
# seconds. Prints one Markdown row per count: RSS min / median / max, CPU % of one core over the
# window, threads, and the containers the Engine actually ran (other tenants of a shared Engine
# count too, and are reported as such).
set -euo pipefail
cd "$(dirname "$0")/.."

COUNTS=("$@")
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(0 50 100 200)
WARMUP=${FP_WARMUP:-30}
WINDOW=${FP_WINDOW:-60}
GRPC_PORT=${FP_GRPC_PORT:-27070}
HTTP_PORT=${FP_HTTP_PORT:-28080}
SERVICE=bench-footprint
WORK=$(mktemp -d /tmp/swarmwatch-footprint.XXXXXX)
docker_cli() { if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else command docker "$@"; fi; }
say() { echo "footprint: $*" >&2; }

for jar in agent/target/swarmwatch-agent.jar collector/target/swarmwatch-collector.jar; do
  [ -f "$jar" ] || { say "ERROR: $jar missing: run mvn -q package -DskipTests first"; exit 1; }
done
if [ -z "${DOCKER_HOST:-}" ]; then eval "$(scripts/test-engine.sh up)"; fi
docker_cli info --format '{{.Swarm.ControlAvailable}}' | grep -q true \
  || { say "ERROR: the Engine at ${DOCKER_HOST:-default} is not a swarm manager"; exit 1; }

pids=()
cleanup() {
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  docker_cli service rm "$SERVICE" >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

SWARMWATCH_HTTP_PORT=$HTTP_PORT SWARMWATCH_GRPC_PORT=$GRPC_PORT SWARMWATCH_DATA_DIR=$WORK/data \
  java -XX:+UseSerialGC -jar collector/target/swarmwatch-collector.jar >"$WORK/collector.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fsS "localhost:$HTTP_PORT/readyz" >/dev/null 2>&1 && break; sleep 0.2; done

# Run the way the image runs it: the same options file, from the unpacked classes (the JNA library
# path pointed at this copy).
mkdir -p "$WORK/app"
(cd "$WORK/app" && jar xf "$OLDPWD/agent/target/swarmwatch-agent.jar" && rm -rf META-INF/versions)
sed "s#/opt/swarmwatch/app#$WORK/app#" deploy/jvm/agent.options >"$WORK/jvm.options"
SWARMWATCH_COLLECTOR=localhost:$GRPC_PORT SWARMWATCH_SPOOL_DIR=$WORK/spool MALLOC_ARENA_MAX=2 \
  java "@$WORK/jvm.options" -cp "$WORK/app" io.swarmwatch.agent.AgentMain >"$WORK/agent.log" 2>&1 &
agent=$!
pids+=($agent)

docker_cli service create -d --name "$SERVICE" --no-resolve-image --replicas 0 \
  --stop-grace-period 1s --health-interval 10s --health-retries 3 \
  swarmwatch-test/healthy:1 >/dev/null

cpu_ticks() { awk '{print $14 + $15}' "/proc/$agent/stat"; }
hz=$(getconf CLK_TCK)

echo "| containers | RSS MiB min / median / max | CPU % of a core | threads | containers running on the Engine |"
echo "|---:|---|---:|---:|---:|"
for n in "${COUNTS[@]}"; do
  docker_cli service scale -d "$SERVICE=$n" >/dev/null
  for _ in $(seq 1 600); do
    running=$(docker_cli service ps "$SERVICE" --filter desired-state=running --format '{{.CurrentState}}' | grep -c '^Running' || true)
    [ "$running" -ge "$n" ] && break
    sleep 1
  done
  [ "$running" -ge "$n" ] || { say "ERROR: only $running of $n replicas running after 600 s"; exit 1; }
  kill -0 "$agent" 2>/dev/null || { say "ERROR: the agent exited; log: $WORK/agent.log"; tail -20 "$WORK/agent.log" >&2; exit 1; }
  sleep "$WARMUP"
  t0=$(cpu_ticks)
  rss=()
  for _ in $(seq 1 $((WINDOW / 5))); do
    sleep 5
    rss+=("$(awk '/VmRSS/{print $2}' "/proc/$agent/status")")
  done
  t1=$(cpu_ticks)
  total=$(docker_cli ps -q | wc -l)
  threads=$(awk '/Threads/{print $2}' "/proc/$agent/status")
  printf '%s\n' "${rss[@]}" | sort -n | awk -v n="$n" -v cpu="$(( (t1 - t0) ))" -v hz="$hz" -v w="$WINDOW" -v th="$threads" -v tot="$total" '
    { v[NR] = $1 }
    END {
      med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "| %d | %.1f / %.1f / %.1f | %.2f | %d | %d |\n", n, v[1] / 1024, med / 1024, v[NR] / 1024, 100 * cpu / hz / w, th, tot
    }'
done
