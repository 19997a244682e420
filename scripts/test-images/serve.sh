# PID 1 of the test images that keep running. A busybox sh as PID 1 ignores SIGTERM unless it
# traps it, so trap it: `docker stop` and swarm's task shutdown then take milliseconds, not the
# grace period.
trap 'echo "stopping on SIGTERM"; exit 0' TERM INT
echo "started on $HOSTNAME"
while :; do sleep 1 & wait $!; done
