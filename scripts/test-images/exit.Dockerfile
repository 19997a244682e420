# Exits with EXIT_CODE (default 3) after EXIT_AFTER seconds (default 1).
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "mkdir", "-p", "/tmp"]
ENV EXIT_CODE=3 EXIT_AFTER=1
CMD ["/bin/sh", "-c", "echo \"exiting with $EXIT_CODE in ${EXIT_AFTER}s\"; sleep $EXIT_AFTER; exit $EXIT_CODE"]
