# A long-running service with a HEALTHCHECK whose result a test can flip (see health.sh).
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "mkdir", "-p", "/tmp"]
COPY serve.sh health.sh /
HEALTHCHECK --interval=1s --timeout=3s --retries=2 CMD ["/bin/sh", "/health.sh"]
CMD ["/bin/sh", "/serve.sh"]
