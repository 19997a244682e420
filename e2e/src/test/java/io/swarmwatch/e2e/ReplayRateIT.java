package io.swarmwatch.e2e;

import static io.swarmwatch.testing.TestEngine.docker;
import static io.swarmwatch.testing.TestEngine.dockerQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmwatch.testing.TestEngine;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark: how fast the agent's spool drains into a collector that was down, against how fast the
 * same lines stream live. Per round, through the packaged jars: a container writes N numbered lines
 * while the collector is up (live: time until the last is stored); then the collector is SIGKILLed,
 * the container writes N more and the agent spools them (spool: time until the spool stops growing,
 * and its size), the collector stays down at least {@code downSeconds}; then it restarts (replay:
 * time from its ready to the last line stored). Prints one BENCHMARK line per round and the ratio
 * replay/live.
 *
 * <pre>
 * mvn -B -o verify -pl e2e -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=ReplayRateIT -Dfailsafe.failIfNoSpecifiedTests=false \
 *   -Dswarmwatch.replay.lines=100000 -Dswarmwatch.replay.rounds=3 -Dswarmwatch.replay.downSeconds=60
 * </pre>
 */
class ReplayRateIT {
  @TempDir Path tmp;
  private final List<String> services = new ArrayList<>();
  private final List<JarProcess> processes = new ArrayList<>();
  private String dockerHost;
  private int http;
  private int grpc;
  private Api api;

  @BeforeEach
  void ports() throws IOException {
    dockerHost = TestEngine.require();
    http = freePort();
    grpc = freePort();
    api = new Api(http);
  }

  @AfterEach
  void cleanUp() throws InterruptedException {
    for (JarProcess p : processes) {
      p.stop();
    }
    for (String s : services) {
      dockerQuietly("service", "rm", s);
    }
  }

  private JarProcess collector() {
    JarProcess c =
        JarProcess.start(
            "collector-replay",
            "swarmwatch.collector.jar",
            Map.of(
                "SWARMWATCH_BIND", "127.0.0.1",
                "SWARMWATCH_HTTP_PORT", Integer.toString(http),
                "SWARMWATCH_GRPC_PORT", Integer.toString(grpc),
                "SWARMWATCH_DATA_DIR", tmp.resolve("data").toString()));
    processes.add(c);
    await("collector ready (" + c + ")")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> c.alive() && api.ready());
    return c;
  }

  private void agent() {
    Map<String, String> env = new HashMap<>();
    env.put("DOCKER_HOST", dockerHost);
    env.put("SWARMWATCH_COLLECTOR", "127.0.0.1:" + grpc);
    env.put("SWARMWATCH_SPOOL_DIR", tmp.resolve("spool").toString());
    env.put("SWARMWATCH_RECONNECT_MAX", "1s");
    processes.add(JarProcess.start("agent-replay", "swarmwatch.agent.jar", env));
  }

  private long lastNumber(String service) {
    JsonNode page = api.ok("/api/v1/logs?service=" + service + "&order=desc&limit=1");
    return page.isEmpty() ? 0 : Long.parseLong(page.get(0).get("line").asText().split(" ")[1]);
  }

  private String service() {
    String name = TestEngine.uniqueName("replay");
    docker(
        "service",
        "create",
        "--detach",
        "--no-resolve-image",
        "--stop-grace-period",
        "1s",
        "--name",
        name,
        "swarmwatch-test/logger:1");
    services.add(name);
    return name;
  }

  private String containerOf(String service) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + service)
                    .isBlank());
    return docker(
            "ps", "-q", "--no-trunc", "--filter", "label=com.docker.swarm.service.name=" + service)
        .lines()
        .findFirst()
        .orElseThrow();
  }

  private long spoolBytes() throws IOException {
    Path dir = tmp.resolve("spool").resolve("outbox");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.toString().endsWith(".seg"))
          .mapToLong(p -> p.toFile().length())
          .sum();
    }
  }

  private void awaitStored(String svc, long n, String what) {
    await(what)
        .atMost(Duration.ofMinutes(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lastNumber(svc) >= n);
  }

  @Test
  void replayRateAgainstLiveRate() throws Exception {
    int n = Integer.getInteger("swarmwatch.replay.lines", 5_000);
    int rounds = Integer.getInteger("swarmwatch.replay.rounds", 1);
    int downSeconds = Integer.getInteger("swarmwatch.replay.downSeconds", 5);
    JarProcess collector = collector();
    agent();
    double[] ratios = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      String svc = service();
      String container = containerOf(svc);
      docker("exec", container, "sh", "-c", "echo 100 > /tmp/emit");
      awaitStored(svc, 100, "warm-up lines streaming");

      long t0 = System.nanoTime();
      docker("exec", container, "sh", "-c", "echo " + n + " > /tmp/emit");
      awaitStored(svc, 100 + n, "live lines");
      double live = (System.nanoTime() - t0) / 1e9;

      collector.kill();
      long down = System.nanoTime();
      long before = spoolBytes();
      docker("exec", container, "sh", "-c", "echo " + n + " > /tmp/emit");
      // Spooled once it stops growing (for a second) after taking at least 10 bytes a line.
      long[] last = {-1};
      long[] stableSince = {0};
      await("the agent spools the lines")
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                long b = spoolBytes();
                long now = System.nanoTime();
                if (b != last[0]) {
                  last[0] = b;
                  stableSince[0] = now;
                  return false;
                }
                return b >= before + 10L * n && now - stableSince[0] >= 1_000_000_000L;
              });
      double spooling = (stableSince[0] - down) / 1e9;
      long spooled = last[0];
      long remaining = TimeUnit.SECONDS.toNanos(downSeconds) - (System.nanoTime() - down);
      if (remaining > 0) {
        // The outage itself, not a poll: the collector stays down this long by design.
        TimeUnit.NANOSECONDS.sleep(remaining);
      }
      double downFor = (System.nanoTime() - down) / 1e9;
      collector = collector();
      long up = System.nanoTime();
      awaitStored(svc, 100 + 2L * n, "replayed lines");
      double replay = (System.nanoTime() - up) / 1e9;
      assertThat(lastNumber(svc)).isEqualTo(100 + 2L * n);
      ratios[r] = (n / replay) / (n / live);
      System.out.printf(
          "BENCHMARK replay round=%d lines=%d live=%.1fs (%.0f lines/s) spooled=%.1fs"
              + " spool=%.1fMiB down=%.0fs replay=%.1fs (%.0f lines/s) replay/live=%.2f%n",
          r + 1,
          n,
          live,
          n / live,
          spooling,
          spooled / 1048576.0,
          downFor,
          replay,
          n / replay,
          ratios[r]);
      docker("service", "rm", svc);
      services.remove(svc);
    }
    Arrays.sort(ratios);
    System.out.printf(
        "BENCHMARK replay/live rounds=%d lines=%d min=%.2f median=%.2f max=%.2f%n",
        rounds, n, ratios[0], ratios[rounds / 2], ratios[rounds - 1]);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
