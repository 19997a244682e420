package io.swarmwatch.e2e;

import static io.swarmwatch.testing.TestEngine.docker;
import static io.swarmwatch.testing.TestEngine.dockerQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmwatch.testing.TestEngine;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lossless delivery through the packaged jars, with real {@code kill -9}s: a container writes
 * numbered lines in three chunks; the collector is SIGKILLed while the first chunk streams and
 * stays down while the second is written (the agent spools it to disk), then restarted; the agent
 * is SIGKILLed while the rest streams, then restarted. At the end every line 1..N is stored exactly
 * once, in order.
 *
 * <p>N is {@code -Dswarmwatch.chaos.lines} (default 30000, about a minute and a half here). The
 * issue's long run (>= 200,000 lines, the collector killed three times):
 *
 * <pre>
 * mvn -B -o verify -pl e2e -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=DeliveryChaosIT -Dfailsafe.failIfNoSpecifiedTests=false \
 *   -Dswarmwatch.chaos.lines=200000 -Dswarmwatch.chaos.collectorKills=3
 * </pre>
 */
class DeliveryChaosIT {
  private static final ObjectMapper JSON = new ObjectMapper();
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
            "collector",
            "swarmwatch.collector.jar",
            Map.of(
                "SWARMWATCH_BIND", "127.0.0.1",
                "SWARMWATCH_HTTP_PORT", Integer.toString(http),
                "SWARMWATCH_GRPC_PORT", Integer.toString(grpc),
                "SWARMWATCH_DATA_DIR", tmp.resolve("data").toString()));
    processes.add(c);
    await("collector ready (" + c + ")")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> c.alive() && api.ready());
    return c;
  }

  private JarProcess agent() {
    Map<String, String> env = new HashMap<>();
    env.put("DOCKER_HOST", dockerHost);
    env.put("SWARMWATCH_COLLECTOR", "127.0.0.1:" + grpc);
    env.put("SWARMWATCH_SPOOL_DIR", tmp.resolve("spool").toString());
    env.put("SWARMWATCH_RECONNECT_MAX", "1s");
    JarProcess a = JarProcess.start("agent", "swarmwatch.agent.jar", env);
    processes.add(a);
    return a;
  }

  /** The highest line number stored for the service; 0 if none. */
  private long lastNumber(String service) {
    JsonNode page = api.ok("/api/v1/logs?service=" + service + "&order=desc&limit=1");
    if (page.isEmpty()) {
      return 0;
    }
    String[] f = page.get(0).get("line").asText().split(" ");
    return Long.parseLong(f[1]);
  }

  /** Every stored line of the service, oldest first, following the Link header. */
  private List<String> lines(String service) {
    List<String> out = new ArrayList<>();
    String next = "/api/v1/logs?service=" + service + "&limit=1000";
    while (next != null) {
      HttpResponse<String> r = api.raw(next);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      try {
        for (JsonNode l : JSON.readTree(r.body())) {
          out.add(l.get("line").asText());
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      next =
          r.headers()
              .firstValue("Link")
              .map(h -> h.substring(h.indexOf('<') + 1, h.indexOf('>')))
              .orElse(null);
    }
    return out;
  }

  private String service() {
    String name = TestEngine.uniqueName("chaos");
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

  private static void emit(String container, int lines) {
    docker("exec", container, "sh", "-c", "echo " + lines + " > /tmp/emit");
  }

  /** Waits until the stored lines pass {@code n} (progress), without waiting for all. */
  private void awaitPast(String svc, long n, String what) {
    await(what)
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lastNumber(svc) > n);
  }

  private long spoolBytes() throws IOException {
    Path dir = tmp.resolve("spool").resolve("outbox");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.toString().endsWith(".seg"))
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }

  @Test
  void everyLineExactlyOnceAcrossCollectorAndAgentKills() throws Exception {
    int n = Integer.getInteger("swarmwatch.chaos.lines", 30_000);
    int collectorKills = Integer.getInteger("swarmwatch.chaos.collectorKills", 1);
    long t0 = System.nanoTime();
    JarProcess collector = collector();
    JarProcess agent = agent();
    String svc = service();
    String container = containerOf(svc);

    // Chunk 1 streams; the collector dies mid-stream (kill -9) and stays down while chunk 2 is
    // written: the agent reads it into its spool.
    // Two chunks per collector kill, then the rest for the agent kill.
    int chunk = n / (2 * collectorKills + 1);
    int written = 0;
    for (int k = 0; k < collectorKills; k++) {
      emit(container, chunk);
      written += chunk;
      awaitPast(svc, written - chunk, "lines streaming before collector kill " + (k + 1));
      collector.kill();
      long spooled = spoolBytes();
      emit(container, chunk);
      written += chunk;
      // The agent goes on reading while no collector listens: the lines wait on disk (each takes
      // well over 10 bytes there).
      await("the agent spools while the collector is down")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> spoolBytes() >= spooled + 10L * chunk);
      collector = collector();
      awaitPast(svc, written - chunk, "replay after collector restart " + (k + 1));
    }

    // The rest streams; the agent dies mid-stream (kill -9) and comes back. Half the rest is
    // written before the kill and half while no agent runs, so the kill is mid-stream by
    // construction (10,000 lines can be stored before a kill lands): what was read but not
    // acknowledged comes back from the spool, what was written meanwhile from the checkpoints.
    int rest = n - written;
    int beforeKill = rest / 2;
    emit(container, beforeKill);
    long before = lastNumber(svc);
    awaitPast(svc, before, "lines streaming before the agent kill");
    agent.kill();
    long atKill = lastNumber(svc);
    emit(container, rest - beforeKill);
    agent();

    await("all " + n + " lines")
        .atMost(Duration.ofMinutes(10))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> lastNumber(svc) >= n);
    List<String> got = lines(svc);
    List<String> want = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      want.add("line " + i + " ");
    }
    String phases =
        "lines 1.."
            + written
            + " across "
            + collectorKills
            + " collector kill(s), the agent killed at line "
            + atKill
            + " of "
            + n;
    assertThat(got).as("%s; %s", misplaced(got, n), phases).hasSize(n);
    assertThat(got).containsExactlyElementsOf(want);
    assertThat(atKill).as("the agent was killed mid-stream").isLessThan(n);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "CHAOS lines=%d collector-kills=%d agent-kills=1 exactly-once=true in %.1fs%n",
        n, collectorKills, seconds);
  }

  /** Which line numbers came twice or never, as ranges, so a failure says where it happened. */
  static String misplaced(List<String> got, int n) {
    int[] count = new int[n + 2];
    for (String line : got) {
      String[] f = line.split(" ");
      int no = f.length > 1 && f[1].matches("\\d{1,9}") ? Integer.parseInt(f[1]) : n + 1;
      count[Math.min(no, n + 1)]++;
    }
    return "twice or more: "
        + ranges(count, n, c -> c > 1)
        + "; missing: "
        + ranges(count, n, c -> c == 0);
  }

  private static String ranges(int[] count, int n, java.util.function.IntPredicate bad) {
    StringBuilder sb = new StringBuilder();
    int start = -1;
    for (int i = 1; i <= n + 1; i++) {
      boolean b = i <= n && bad.test(count[i]);
      if (b && start < 0) {
        start = i;
      } else if (!b && start > 0) {
        sb.append(sb.length() == 0 ? "" : ", ").append(start).append("..").append(i - 1);
        start = -1;
      }
    }
    return sb.length() == 0 ? "none" : sb.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
