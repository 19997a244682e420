# Writes numbered log lines on demand (see logger.sh).
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "mkdir", "-p", "/tmp"]
COPY logger.sh /
CMD ["/bin/sh", "/logger.sh"]
