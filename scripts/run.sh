#!/usr/bin/env bash
# Builds swarmwatch and runs a collector and an agent against the local Docker Engine
# (starting the test Engine from scripts/test-engine.sh if none answers). Ctrl-C stops both.
#
#   scripts/run.sh
#   SWARMWATCH_HTTP_PORT=9090 scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "run: $*" >&2; }
HTTP_PORT=${SWARMWATCH_HTTP_PORT:-8080}
GRPC_PORT=${SWARMWATCH_GRPC_PORT:-7070}

if [ ! -f agent/target/swarmwatch-agent.jar ] || [ ! -f collector/target/swarmwatch-collector.jar ] \
   || [ -n "$(find pom.xml */pom.xml */src -newer collector/target/swarmwatch-collector.jar -print -quit 2>/dev/null)" ]; then
  command -v mvn >/dev/null 2>&1 || { say "installing maven and a JDK"; apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless maven; }
  say "building (mvn package, tests skipped: scripts/test.sh runs them)"
  mvn -B -q -ntp package -DskipTests
fi

eval "$(scripts/test-engine.sh up)"
say "watching the Docker Engine at $DOCKER_HOST"

pids=()
stop() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

SWARMWATCH_HTTP_PORT=$HTTP_PORT SWARMWATCH_GRPC_PORT=$GRPC_PORT \
  java -jar collector/target/swarmwatch-collector.jar &
pids+=($!)
for _ in $(seq 1 100); do
  curl -fsS "http://localhost:$HTTP_PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { say "collector exited during start-up"; exit 1; }
  sleep 0.2
done

SWARMWATCH_COLLECTOR=localhost:$GRPC_PORT java -jar agent/target/swarmwatch-agent.jar &
pids+=($!)

say "swarmwatch is up: API at http://localhost:$HTTP_PORT/api/v1 — try:"
say "  curl localhost:$HTTP_PORT/api/v1/nodes"
say "  curl localhost:$HTTP_PORT/api/v1/replicas"
say "  curl 'localhost:$HTTP_PORT/api/v1/events?since=10m'"
say "Ctrl-C stops both."
wait -n "${pids[@]}" || true
say "a process exited; stopping"
