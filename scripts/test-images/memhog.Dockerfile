# Allocates MEMHOG_MB MiB (default 256) in one buffer, to be OOM-killed under a smaller memory
# limit: dd reads /dev/zero into a buffer of that size, touching every page. dd is exec'd so the
# kernel's OOM kill ends the container (exit 137, State.OOMKilled=true); it exits 0 if it fits.
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "mkdir", "-p", "/tmp"]
ENV MEMHOG_MB=256
CMD ["/bin/sh", "-c", "echo \"allocating $MEMHOG_MB MiB\"; exec dd if=/dev/zero of=/dev/null bs=${MEMHOG_MB}M count=1"]
