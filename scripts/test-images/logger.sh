# Writes numbered lines "line N <pad>": LOG_LINES of them at start, then COUNT more each time a
# test asks:  docker exec C sh -c 'echo COUNT > /tmp/emit'
# LOG_STREAM=stderr sends them to stderr. Numbers never repeat within one container.
n=0
emit() {
  i=0
  while [ "$i" -lt "$1" ]; do
    n=$((n + 1))
    if [ "${LOG_STREAM:-stdout}" = stderr ]; then echo "line $n $LOG_PAD" >&2; else echo "line $n $LOG_PAD"; fi
    i=$((i + 1))
  done
}
trap 'echo "stopping on SIGTERM"; exit 0' TERM INT
emit "${LOG_LINES:-0}"
while :; do
  if [ -f /tmp/emit ]; then
    c=$(cat /tmp/emit)
    rm -f /tmp/emit
    emit "$c"
  fi
  sleep 0.2 & wait $!
done
