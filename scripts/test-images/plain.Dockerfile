# A long-running service with no HEALTHCHECK.
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "mkdir", "-p", "/tmp"]
COPY serve.sh /
CMD ["/bin/sh", "/serve.sh"]
