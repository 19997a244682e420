#!/usr/bin/env bash
# A real multi-node Docker Swarm on this one machine, for the deployment tests.
#
#   scripts/test-swarm.sh up            # N nodes (SWARMWATCH_SWARM_NODES, default 3): node1 manager,
#                                       # the rest workers; prints `export DOCKER_HOST=...` (node1)
#   scripts/test-swarm.sh down          # stops every node and removes all this script created
#   scripts/test-swarm.sh status        # one line per node
#   scripts/test-swarm.sh stop-node N   # stops node N's dockerd and everything it ran (a dead machine)
#   scripts/test-swarm.sh start-node N  # starts it again; it rejoins the swarm by itself
#   scripts/test-swarm.sh host N        # prints node N's DOCKER_HOST
#   scripts/test-swarm.sh load IMAGE... # copies images from the Engine at $DOCKER_HOST to every
#                                       # running node (docker save | docker load: no registry)
#
# Each node is a dockerd in its own network namespace (swsw-nodeN), with a veth pair to a bridge
# that lives in a namespace of its own (swsw-br): private addresses 192.168.231.0/24, no default
# route, so nothing leaves and the host's network is untouched. Each dockerd has its own data root,
# pidfile, socket, cgroup parent and an empty config file under $SWARMWATCH_SWARM_STATE
# (/var/lib/swarmwatch-swarm/nodeN), and a private /run (exec root, /var/run/docker.sock as the
# node's containers see it) that disappears with the node. `up` is idempotent (it starts what is
# missing, so raising SWARMWATCH_SWARM_NODES and running `up` again adds nodes). Facts behind
# this: RATIONALE.md.
set -euo pipefail

STATE=${SWARMWATCH_SWARM_STATE:-/var/lib/swarmwatch-swarm}
NODES=${SWARMWATCH_SWARM_NODES:-3}
NET=192.168.231
BR_NS=swsw-br

say() { echo "test-swarm: $*" >&2; }
die() { echo "test-swarm: ERROR: $*" >&2; exit 1; }

docker_cli() { if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else command docker "$@"; fi; }

ns() { echo "swsw-node$1"; }
addr() { echo "$NET.$((10 + $1))"; }
sock() { echo "$STATE/node$1/docker.sock"; }
host_of() { echo "unix://$(sock "$1")"; }
pidfile() { echo "$STATE/node$1/dockerd.pid"; }
logfile() { echo "$STATE/node$1/dockerd.log"; }
on() { local n=$1; shift; DOCKER_HOST=$(host_of "$n") docker_cli "$@"; }
answers() { on "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
running() { [ -f "$(pidfile "$1")" ] && kill -0 "$(cat "$(pidfile "$1")")" 2>/dev/null; }
has_ns() { ip netns list | awk '{print $1}' | grep -qx "$1"; }

preflight() {
  [ "$(id -u)" = 0 ] || die "needs root (network namespaces, mounts, dockerd)"
  local cmd
  for cmd in ip unshare dockerd containerd runc iptables; do
    command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] \
      || die "'$cmd' is missing (Debian: apt-get install docker.io iproute2 util-linux iptables)"
  done
  [[ "$NODES" =~ ^[1-9][0-9]?$ ]] && [ "$NODES" -le 40 ] || die "SWARMWATCH_SWARM_NODES must be 1..40, not '$NODES'"
}

# The bridge every node's veth ends on, in a namespace of its own: the host's network never sees it.
ensure_bridge() {
  has_ns "$BR_NS" || ip netns add "$BR_NS"
  ip -n "$BR_NS" link set lo up
  ip -n "$BR_NS" link show br0 >/dev/null 2>&1 || ip -n "$BR_NS" link add br0 type bridge
  ip -n "$BR_NS" link set br0 up
}

ensure_netns() {
  local n=$1 name
  name=$(ns "$n")
  has_ns "$name" || ip netns add "$name"
  ip -n "$name" link set lo up
  if ! ip -n "$name" link show eth0 >/dev/null 2>&1; then
    # Created inside the bridge's namespace with the peer put straight into the node's, so no
    # interface ever appears in the host's namespace.
    ip -n "$BR_NS" link del "veth$n" 2>/dev/null || true
    ip -n "$BR_NS" link add "veth$n" type veth peer name eth0 netns "$name"
    ip -n "$BR_NS" link set "veth$n" master br0 up
    ip -n "$name" addr add "$(addr "$n")/24" dev eth0
  fi
  ip -n "$name" link set eth0 up
}

# Runs dockerd in node N's namespaces. `ip netns exec` gives it a private mount namespace with a
# fresh /sys, which hides the host's cgroup v1 hierarchies (dockerd: "Devices cgroup isn't
# mounted"): re-mount them, as listed in /proc/1/mounts, on a tmpfs. A private tmpfs on /run gives
# the node its own /var/run/docker.sock — the path the stack file mounts into the agent, resolved
# by each node's dockerd in its own mount namespace — and an exec root that vanishes with it; the
# host reaches the node through a second socket under $STATE. `unshare --uts` gives it its own
# hostname, which becomes the swarm node's hostname.
start_dockerd() {
  local n=$1 dir="$STATE/node$n"
  mkdir -p "$dir/docker"
  [ -f "$dir/daemon.json" ] || echo '{}' >"$dir/daemon.json"
  rm -f "$(sock "$n")" "$(pidfile "$n")"
  local mounts
  mounts=$(awk '$3 == "cgroup" || $3 == "cgroup2" { print $3, $2, $4 }' /proc/1/mounts)
  say "starting node$n ($(addr "$n")) — log $(logfile "$n")"
  # DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: no registry is reachable; without it each task stalls
  # ~20 s trying to pull. --shutdown-timeout: stop-node must be quick.
  MOUNTS="$mounts" HOSTNAME_N="swarmwatch-node$n" DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 \
    setsid ip netns exec "$(ns "$n")" unshare --uts sh -ec '
      if [ -n "$MOUNTS" ]; then
        mount -t tmpfs -o mode=755 cgroup_root /sys/fs/cgroup
        echo "$MOUNTS" | while read -r type dir opts; do
          mkdir -p "$dir"
          mount -t "$type" -o "$opts" "$type" "$dir"
        done
      fi
      mount -t tmpfs -o mode=755 run /run
      hostname "$HOSTNAME_N"
      exec "$@"' dockerd \
    "$(command -v dockerd || echo /usr/sbin/dockerd)" \
    --host "$(host_of "$n")" \
    --host unix:///var/run/docker.sock \
    --data-root "$dir/docker" \
    --exec-root /run/swarmwatch-exec \
    --pidfile "$(pidfile "$n")" \
    --config-file "$dir/daemon.json" \
    --storage-driver vfs \
    --cgroup-parent "swarmwatch-node$n" \
    --shutdown-timeout 2 \
    --log-level warn \
    </dev/null >>"$(logfile "$n")" 2>&1 &
  local deadline=$((SECONDS + 60))
  until answers "$n"; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 $! 2>/dev/null; then
      tail -n 20 "$(logfile "$n")" >&2 || true
      die "node$n's dockerd did not come up (last log lines above)"
    fi
    sleep 0.2
  done
}

swarm_state() { on "$1" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown; }

ensure_swarm() {
  local n=$1 state
  state=$(swarm_state "$n")
  [ "$state" = active ] && return 0
  [ "$state" = pending ] && return 0
  if [ "$n" = 1 ]; then
    # A 1 s dispatcher heartbeat: a stopped node shows Down in ~3 s instead of ~15 s.
    on 1 swarm init --advertise-addr "$(addr 1)" --listen-addr "$(addr 1):2377" \
      --dispatcher-heartbeat 1s >/dev/null || die "swarm init on node1 failed"
  else
    local token
    token=$(on 1 swarm join-token -q worker) || die "node1 is not a swarm manager; run '$0 down' and '$0 up'"
    on "$n" swarm join --token "$token" --advertise-addr "$(addr "$n")" \
      --listen-addr "$(addr "$n"):2377" "$(addr 1):2377" >/dev/null || die "node$n could not join the swarm"
  fi
}

await_leader() {
  local deadline=$((SECONDS + 60))
  until on 1 node ls -q >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && die "the swarm has no leader after 60 s (log: $(logfile 1))"
    sleep 0.2
  done
}

await_ready() {
  local want=$1 deadline=$((SECONDS + 60)) ready
  while :; do
    ready=$(on 1 node ls --format '{{.Status}}' 2>/dev/null | grep -c '^Ready$' || true)
    [ "$ready" -ge "$want" ] && return 0
    [ $SECONDS -ge $deadline ] && die "only $ready of $want nodes are Ready after 60 s"
    sleep 0.2
  done
}

start_node() {
  local n=$1
  ensure_bridge
  ensure_netns "$n"
  if running "$n" && answers "$n"; then
    return 0
  fi
  start_dockerd "$n"
}

up() {
  preflight
  if [ ! -d "$STATE" ]; then
    mkdir -p "$STATE"
    # `ip netns add` and util-linux's mount create these on first use; down removes them again if
    # they were not there before and nothing else uses them.
    for d in /run/netns /run/mount; do
      [ -e "$d" ] || echo "$d" >>"$STATE/created-dirs"
    done
  fi
  local n
  for n in $(seq 1 "$NODES"); do
    start_node "$n"
    [ "$n" = 1 ] && { ensure_swarm 1; await_leader; }
    [ "$n" != 1 ] && ensure_swarm "$n"
  done
  await_ready "$NODES"
  say "swarm of $NODES nodes is up: $(on 1 node ls --format '{{.Hostname}}={{.Status}}' | sort | tr '\n' ' ')"
  echo "export DOCKER_HOST=$(host_of 1)"
}

# SIGTERM to dockerd (it stops its containers within --shutdown-timeout), then whatever is left
# in the node's network namespace (containerd, shims) is killed: afterwards the node is a dead
# machine as far as the swarm can tell.
stop_node() {
  local n=$1 pid name
  name=$(ns "$n")
  if running "$n"; then
    pid=$(cat "$(pidfile "$n")")
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  if has_ns "$name"; then
    local pids
    pids=$(ip netns pids "$name" 2>/dev/null || true)
    if [ -n "$pids" ]; then
      # shellcheck disable=SC2086
      kill -9 $pids 2>/dev/null || true
      for _ in $(seq 1 50); do [ -z "$(ip netns pids "$name" 2>/dev/null)" ] && break; sleep 0.1; done
    fi
  fi
  rm -f "$(sock "$n")" "$(pidfile "$n")"
}

known_nodes() {
  { ls "$STATE" 2>/dev/null; ip netns list | awk '{print $1}' | sed -n 's/^swsw-node//p' | sed 's/^/node/'; } \
    | sed -n 's/^node\([0-9][0-9]*\)$/\1/p' | sort -un
}

down() {
  [ "$(id -u)" = 0 ] || die "needs root"
  local n
  # In parallel: each dockerd takes up to --shutdown-timeout to stop its containers.
  for n in $(known_nodes); do
    say "stopping node$n"
    stop_node "$n" &
  done
  wait
  for n in $(known_nodes); do
    if has_ns "$(ns "$n")"; then ip netns del "$(ns "$n")"; fi
  done
  has_ns "$BR_NS" && ip netns del "$BR_NS"
  # Mounts dockerd made live in its private mount namespace and went with it; anything found here
  # would be from a crashed run, so unmount before deleting.
  local m
  for m in $(awk -v s="$STATE" 'index($2, s) == 1 { print $2 }' /proc/self/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  local created=""
  [ -f "$STATE/created-dirs" ] && created=$(cat "$STATE/created-dirs")
  rm -rf "$STATE"
  for m in $created; do
    # `ip netns` makes /run/netns a mount point of its own; unmount it only when it is empty.
    if [ -d "$m" ] && [ -z "$(ls -A "$m")" ]; then
      if mountpoint -q "$m"; then umount "$m" 2>/dev/null || true; fi
      rmdir "$m" 2>/dev/null || true
    fi
  done
  say "down: nothing of the test swarm is left"
}

status() {
  local n any=no
  for n in $(known_nodes); do
    any=yes
    if running "$n" && answers "$n"; then
      echo "node$n $(addr "$n") running, swarm $(swarm_state "$n"), $(host_of "$n")"
    else
      echo "node$n $(addr "$n") stopped"
    fi
  done
  [ "$any" = yes ] || echo "no test swarm"
}

# docker save from the caller's Engine ($DOCKER_HOST), docker load into every running node.
load() {
  [ $# -gt 0 ] || die "usage: $0 load IMAGE..."
  local src=${DOCKER_HOST:-unix:///var/run/docker.sock} tar n
  tar=$(mktemp "${TMPDIR:-/tmp}/swarmwatch-images.XXXXXX.tar")
  # shellcheck disable=SC2064
  trap "rm -f '$tar'" EXIT
  DOCKER_HOST=$src docker_cli save -o "$tar" "$@" || die "docker save $* from $src failed"
  for n in $(known_nodes); do
    running "$n" || continue
    [ "$(host_of "$n")" = "$src" ] && continue   # the source has them already
    on "$n" load -q -i "$tar" >/dev/null || die "docker load into node$n failed"
  done
  say "loaded $* from $src into the running nodes"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  stop-node) [[ "${2:-}" =~ ^[0-9]+$ ]] || die "usage: $0 stop-node N"; stop_node "$2"; say "node$2 stopped" ;;
  start-node)
    [[ "${2:-}" =~ ^[0-9]+$ ]] || die "usage: $0 start-node N"
    preflight
    [ -d "$STATE/node$2/docker" ] || die "node$2 was never part of the test swarm; raise SWARMWATCH_SWARM_NODES and run '$0 up'"
    start_node "$2"
    say "node$2 started" ;;
  host) [[ "${2:-}" =~ ^[0-9]+$ ]] || die "usage: $0 host N"; host_of "$2" ;;
  load) shift; load "$@" ;;
  *) echo "usage: $0 up|down|status|stop-node N|start-node N|host N|load IMAGE..." >&2; exit 2 ;;
esac
