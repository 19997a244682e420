#!/usr/bin/env bash
# Starts (or finds) a real Docker Engine in swarm mode for the tests, and builds the test images.
#
#   scripts/test-engine.sh up     # prints `export DOCKER_HOST=...` on stdout, progress on stderr
#   scripts/test-engine.sh down   # stops only the dockerd this script started
#   scripts/test-engine.sh status
#
# If an Engine already answers at $DOCKER_HOST (or the default socket) and is a swarm manager,
# it is used as is. Otherwise this script installs Debian's docker.io and busybox-static (when
# missing) and starts its own dockerd on its own socket, data root and exec root, then
# `docker swarm init`. Facts about the test machines that shaped this are in RATIONALE.md.
set -euo pipefail

STATE_DIR=${SWARMWATCH_TEST_STATE:-/var/lib/swarmwatch-test}
RUN_DIR=${SWARMWATCH_TEST_RUN:-/run/swarmwatch-test}
SOCK="$RUN_DIR/docker.sock"
PIDFILE="$RUN_DIR/dockerd.pid"
LOG="$STATE_DIR/dockerd.log"
OWN_HOST="unix://$SOCK"
HERE=$(cd "$(dirname "$0")" && pwd)

say() { echo "test-engine: $*" >&2; }
die() { echo "test-engine: ERROR: $*" >&2; exit 1; }

# The docker.io client matches its daemon; a newer client elsewhere on PATH may want buildx.
docker_cli() {
  if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else command docker "$@"; fi
}

answers() { DOCKER_HOST="$1" docker_cli version --format '{{.Server.Version}}' >/dev/null 2>&1; }

swarm_state() { DOCKER_HOST="$1" docker_cli info --format '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}' 2>/dev/null || true; }

need_root() { [ "$(id -u)" = 0 ] || die "starting a private dockerd needs root (run as root, or point DOCKER_HOST at a swarm manager)"; }

install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || missing+=(docker.io)
  have_static_busybox || missing+=(busybox-static)
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  [ ${#missing[@]} -eq 0 ] && return 0
  need_root
  say "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 || die "apt-get update failed: cannot install ${missing[*]}"
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed"
}

# Only busybox-static's /bin/busybox runs in a FROM-scratch image (the plain busybox package's
# binary needs libc).
have_static_busybox() {
  [ -x /bin/busybox ] && dpkg-query -W -f '${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed'
}

start_own() {
  need_root
  install_packages
  mkdir -p "$STATE_DIR/docker" "$RUN_DIR/exec"
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && answers "$OWN_HOST"; then
    say "own dockerd already running (pid $(cat "$PIDFILE"))"
  else
    rm -f "$SOCK" "$PIDFILE"
    say "starting dockerd on $SOCK (log: $LOG)"
    # DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: no registry is reachable; without it every swarm
    # task stalls ~20 s trying to pull a local-only image.
    DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid "$(command -v dockerd || echo /usr/sbin/dockerd)" \
      --host "$OWN_HOST" \
      --data-root "$STATE_DIR/docker" \
      --exec-root "$RUN_DIR/exec" \
      --pidfile "$PIDFILE" \
      --storage-driver vfs \
      --log-level warn \
      </dev/null >>"$LOG" 2>&1 &
    local deadline=$((SECONDS + 60))
    until answers "$OWN_HOST"; do
      if [ $SECONDS -ge $deadline ]; then
        tail -n 30 "$LOG" >&2 || true
        die "dockerd did not answer on $SOCK within 60 s (last log lines above)"
      fi
      if ! pgrep -f "dockerd --host $OWN_HOST" >/dev/null; then
        tail -n 30 "$LOG" >&2 || true
        die "dockerd exited during start-up (last log lines above)"
      fi
      sleep 0.5
    done
    say "dockerd answers: $(DOCKER_HOST=$OWN_HOST docker_cli version --format '{{.Server.Version}}')"
  fi
  ensure_swarm "$OWN_HOST" yes
}

ensure_swarm() {
  local host=$1 may_init=$2 state
  state=$(swarm_state "$host")
  case "$state" in
    "active true") return 0 ;;
    "active false") die "the Engine at $host is a swarm worker; the tests need a manager" ;;
  esac
  [ "$may_init" = yes ] || die "the Engine at $host is not in swarm mode (state: ${state:-unknown}); run 'docker swarm init' there, or unset DOCKER_HOST to let this script start its own Engine"
  say "docker swarm init"
  DOCKER_HOST=$host docker_cli swarm init --advertise-addr 127.0.0.1 >&2 \
    || die "docker swarm init failed"
}

# After a restart the manager needs a moment to elect itself leader; until then every
# service call fails with "the swarm does not have a leader".
await_leader() {
  local host=$1 deadline=$((SECONDS + 60))
  until DOCKER_HOST=$host docker_cli node ls -q >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && die "the swarm at $host has no leader after 60 s"
    sleep 0.5
  done
}

build_images() {
  local host=$1 ctx
  ctx=$(mktemp -d)
  cp "$HERE"/test-images/* "$ctx"/
  cp /bin/busybox "$ctx/busybox"
  for df in "$HERE"/test-images/*.Dockerfile; do
    local name
    name=$(basename "$df" .Dockerfile)
    DOCKER_HOST=$host DOCKER_BUILDKIT=0 docker_cli build -q -t "swarmwatch-test/$name:1" \
      -f "$ctx/$name.Dockerfile" "$ctx" >/dev/null \
      || { rm -rf "$ctx"; die "building test image swarmwatch-test/$name:1 failed"; }
  done
  rm -rf "$ctx"
  say "test images: $(DOCKER_HOST=$host docker_cli images --format '{{.Repository}}:{{.Tag}}' 'swarmwatch-test/*' | sort | tr '\n' ' ')"
}

up() {
  local host=${DOCKER_HOST:-unix:///var/run/docker.sock}
  if [ "$host" != "$OWN_HOST" ] && answers "$host"; then
    say "using the Engine at $host"
    ensure_swarm "$host" no
    have_static_busybox || install_packages
  else
    [ -n "${DOCKER_HOST:-}" ] && [ "$host" != "$OWN_HOST" ] && say "no Engine answers at $host; starting our own"
    start_own
    host=$OWN_HOST
  fi
  await_leader "$host"
  build_images "$host"
  echo "export DOCKER_HOST=$host"
}

down() {
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    local pid
    pid=$(cat "$PIDFILE")
    say "stopping our dockerd (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { say "dockerd did not stop in 30 s; killing it"; kill -9 "$pid"; }
  else
    say "no dockerd of ours is running"
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status)
    if answers "$OWN_HOST"; then echo "own dockerd running at $OWN_HOST ($(swarm_state "$OWN_HOST"))"; else echo "own dockerd not running"; fi ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
