# syntax=docker/dockerfile:1
# The swarmwatch collector, built from source. From the repository root:
#
#   docker build -f deploy/collector.Dockerfile -t registry.example.com/swarmwatch/collector:0.1.0 .
#
# Runs as uid 65532; its data lives in /var/lib/swarmwatch (owned by that user, so a new named
# volume mounted there is too). Ports: 8080 HTTP API, 7070 agent ingest (gRPC). JVM options:
# deploy/jvm/collector.options (one place; scripts/build-images.sh uses the same file).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q package -DskipTests -pl collector -am

# Only the healthcheck's HTTP client comes from here: a static busybox, run as `wget`.
FROM busybox:1.36.1-musl AS busybox

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 65532 swarmwatch \
 && useradd --system --uid 65532 --gid 65532 --home-dir /tmp --shell /usr/sbin/nologin swarmwatch \
 && mkdir -p /var/lib/swarmwatch \
 && chown 65532:65532 /var/lib/swarmwatch
COPY --from=busybox /bin/busybox /usr/local/bin/wget
COPY --from=build /src/collector/target/swarmwatch-collector.jar /opt/swarmwatch/swarmwatch-collector.jar
COPY deploy/jvm/collector.options /opt/swarmwatch/jvm.options
ENV MALLOC_ARENA_MAX=2 \
    SWARMWATCH_DATA_DIR=/var/lib/swarmwatch
USER 65532:65532
EXPOSE 8080 7070
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["java", "@/opt/swarmwatch/jvm.options", "-jar", "/opt/swarmwatch/swarmwatch-collector.jar"]
