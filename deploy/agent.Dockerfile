# syntax=docker/dockerfile:1
# The swarmwatch agent, built from source. From the repository root:
#
#   docker build -f deploy/agent.Dockerfile -t registry.example.com/swarmwatch/agent:0.1.0 .
#
# Runs as uid 65532. It reads the Docker Engine through /var/run/docker.sock, which belongs to
# root and the group `docker` (mode 660): give the container that group's id, which differs from
# host to host (`stat -c %g /var/run/docker.sock`), e.g. `user: "65532:999"` in the stack file or
# `--user 65532:999` — see deploy/stack.yml. JVM options: deploy/jvm/agent.options (one place; the
# registry-free scripts/build-images.sh uses the same file).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q package -DskipTests -pl agent -am
# The agent runs from its classes unpacked, not from the jar: the JVM keeps a jar's central
# directory on the heap (~2.6 MiB for the agent's 24,000 entries) for as long as it runs.
# jvm.options points JNA at its native library in there (JNA would otherwise unpack it to /tmp
# at run time and fail to load it from a noexec tmpfs, which is how the stack mounts /tmp).
RUN mkdir -p /out/app && cd /out/app \
 && jar xf /src/agent/target/swarmwatch-agent.jar \
 && rm -rf META-INF/versions META-INF/MANIFEST.MF

# Only the healthcheck's HTTP client comes from here: a static busybox, run as `wget`.
FROM busybox:1.36.1-musl AS busybox

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 65532 swarmwatch \
 && useradd --system --uid 65532 --gid 65532 --home-dir /tmp --shell /usr/sbin/nologin swarmwatch
COPY --from=busybox /bin/busybox /usr/local/bin/wget
COPY --from=build /out/app /opt/swarmwatch/app
COPY deploy/jvm/agent.options /opt/swarmwatch/jvm.options
# Log checkpoints: owned by the agent's user, so a new named volume mounted here is writable.
RUN mkdir -p /var/lib/swarmwatch-agent && chown 65532:65532 /var/lib/swarmwatch-agent
# MALLOC_ARENA_MAX: glibc would otherwise keep up to 8 arenas per core of native memory.
# SWARMWATCH_HEALTH_PORT: the endpoint the healthcheck asks, on the container's own loopback.
ENV MALLOC_ARENA_MAX=2 \
    SWARMWATCH_HEALTH_PORT=8081 \
    SWARMWATCH_SPOOL_DIR=/var/lib/swarmwatch-agent
USER 65532:65532
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8081/healthz"]
ENTRYPOINT ["java", "@/opt/swarmwatch/jvm.options", "-cp", "/opt/swarmwatch/app", "io.swarmwatch.agent.AgentMain"]
