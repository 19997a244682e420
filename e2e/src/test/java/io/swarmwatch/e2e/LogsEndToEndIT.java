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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logs through the packaged jars: a service's lines reach the API exactly once, across a SIGKILL of
 * the agent mid-stream and a restart of the collector.
 */
class LogsEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  private final List<String> services = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<JarProcess> processes = new ArrayList<>();
  private String dockerHost;
  private int http;
  private int grpc;
  private Api api;
  // When the throughput benchmark's last line answered (wall clock), to place a probe event.
  private long lastQueryableMillis;

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
    env.put("SWARMWATCH_RECONNECT_MAX", "2s");
    JarProcess a = JarProcess.start("agent", "swarmwatch.agent.jar", env);
    processes.add(a);
    return a;
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

  private String lastLine(String service) {
    JsonNode page = api.ok("/api/v1/logs?service=" + service + "&order=desc&limit=1");
    return page.isEmpty() ? "" : page.get(0).get("line").asText();
  }

  private static List<String> numbered(int to) {
    return IntStream.rangeClosed(1, to).mapToObj(i -> "line " + i + " ").toList();
  }

  private String service(String... env) {
    String name = TestEngine.uniqueName("logs-");
    List<String> args =
        new ArrayList<>(
            List.of(
                "service",
                "create",
                "--detach",
                "--no-resolve-image",
                "--stop-grace-period",
                "1s",
                "--name",
                name));
    for (String e : env) {
      args.add("-e");
      args.add(e);
    }
    args.add("swarmwatch-test/logger:1");
    docker(args.toArray(String[]::new));
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

  @Test
  void everyLineOnceAcrossAnAgentKillAndACollectorRestart() throws Exception {
    JarProcess collector = collector();
    JarProcess agent = agent();
    String svc = service("LOG_LINES=2000");
    String container = containerOf(svc);
    await("first 2000 lines")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> lastLine(svc).equals("line 2000 "));
    JsonNode first = api.ok("/api/v1/logs?service=" + svc + "&limit=1");
    assertThat(first.get(0).get("slot").asInt()).isEqualTo(1);
    assertThat(first.get(0).get("containerId").asText()).isEqualTo(container);
    assertThat(first.get(0).get("taskId").asText()).isNotBlank();

    // Kill the agent for real while the container writes 30000 more lines.
    docker("exec", container, "sh", "-c", "echo 30000 > /tmp/emit");
    await().atMost(Duration.ofSeconds(30)).until(() -> !lastLine(svc).equals("line 2000 "));
    agent.kill();
    String atKill = lastLine(svc);
    agent();
    await("all 32000 lines after the agent restart")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> lastLine(svc).equals("line 32000 "));
    assertThat(atKill).isNotEqualTo("line 32000 ");
    assertThat(lines(svc)).containsExactlyElementsOf(numbered(32000));

    // The collector restarts: the store is still there, and new lines keep coming.
    collector.stop();
    collector();
    assertThat(lines(svc)).hasSize(32000);
    docker("exec", container, "sh", "-c", "echo 10 > /tmp/emit");
    await("lines after the collector restart")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> lastLine(svc).equals("line 32010 "));
    assertThat(lines(svc)).containsExactlyElementsOf(numbered(32010));
  }

  /**
   * Throughput, Engine → store → queryable, against `docker logs` of the same container in the same
   * run, cold (both JVMs just started) and warm (after that burst). Prints two lines for
   * BENCHMARKS.md; asserts that the lines arrived.
   */
  @Test
  void throughputAgainstDockerLogs() throws Exception {
    int n = Integer.getInteger("swarmwatch.bench.lines", 100_000);
    String pad = "x".repeat(140);
    collector();

    // Cold: the collector has just started and the agent starts after the lines are written, as
    // when a node joins with a backlog: the figure includes both JVMs compiling their hot paths.
    String svc = service("LOG_LINES=" + n, "LOG_PAD=" + pad);
    String container = awaitWritten(svc, n);
    double dockerSeconds = dockerLogs(container);
    long a0 = System.nanoTime();
    JarProcess agent = agent();
    double ours = firstToLastQueryable(svc, n);
    double withStart = (System.nanoTime() - a0) / 1e9;
    String cold = figures("cold", n, pad, dockerSeconds, ours);
    cold +=
        String.format(
            " including agent start=%.2fs (ratio %.2f)", withStart, dockerSeconds / withStart);
    assertThat(api.ok("/api/v1/logs?service=" + svc + "&limit=1").get(0).get("line").asText())
        .isEqualTo("line 1 " + pad);

    // Warm: the same agent and collector, which have just carried a burst, as on a node that has
    // been running. The agent is frozen (SIGSTOP) while a second container writes its lines, so
    // they wait in the Engine's log file and are read at full speed after SIGCONT, like the cold
    // backlog (a live follow would measure the shell writing them).
    // `docker logs` is timed while the agent is still frozen, so neither competes with the other.
    agent.pause();
    String warmSvc;
    double warmDocker;
    try {
      warmSvc = service("LOG_LINES=" + n, "LOG_PAD=" + pad);
      warmDocker = dockerLogs(awaitWritten(warmSvc, n));
    } finally {
      agent.resume();
    }
    // An event while the logs flood: a container started now has its start event in the API after
    // the log batches already queued ahead of it on the stream (bounded by the agent's in-flight
    // log bytes). Timed from the Engine's own event time; a second one after the flood is the
    // quiet baseline.
    // Polled beside the flood (not after it), on its own thread.
    var probe =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> startEvent(probeService()));
    double warmOurs = firstToLastQueryable(warmSvc, n);
    long floodEnd = lastQueryableMillis;
    String warm = figures("warm", n, pad, warmDocker, warmOurs);
    StartEvent during = probe.get(2, java.util.concurrent.TimeUnit.MINUTES);
    StartEvent quiet = startEvent(probeService());
    warm +=
        String.format(
            " start-event->API during the flood=%.0fms (the probe started %.1fs before the flood's"
                + " last line), quiet=%.0fms",
            during.latencyMillis(), (floodEnd - during.atMillis()) / 1000.0, quiet.latencyMillis());

    String result = cold + "\n" + warm;
    System.out.println("BENCHMARK logs " + cold);
    System.out.println("BENCHMARK logs " + warm);
    Files.writeString(Path.of("target", "logs-benchmark.txt"), result + "\n");
    assertThat(lines(warmSvc)).hasSize(n);
  }

  private String probeService() {
    String name = TestEngine.uniqueName("probe-");
    docker(
        "service",
        "create",
        "--detach",
        "--no-resolve-image",
        "--stop-grace-period",
        "1s",
        "--name",
        name,
        "swarmwatch-test/plain:1");
    services.add(name);
    return name;
  }

  /** A start event: the Engine's time of it, and how long until the API showed it. */
  private record StartEvent(long atMillis, double latencyMillis) {}

  /**
   * The service's first container start event: from the Engine's time of it to this test seeing it
   * in GET /api/v1/events (polled every 10 ms).
   */
  private StartEvent startEvent(String svc) {
    JsonNode[] found = new JsonNode[1];
    await("start event of " + svc + " in the API")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              JsonNode events = api.ok("/api/v1/events?type=start&service=" + svc);
              found[0] = events.isEmpty() ? null : events.get(0);
              return found[0] != null;
            });
    long seen = System.currentTimeMillis();
    long at = Instant.parse(found[0].get("time").asText()).toEpochMilli();
    return new StartEvent(at, seen - at);
  }

  private String awaitWritten(String svc, int n) {
    String container = containerOf(svc);
    await("the container wrote its lines")
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> docker("logs", "--tail", "1", container).startsWith("line " + n + " "));
    return container;
  }

  /** Seconds `docker logs` takes to read the container's whole log. */
  private double dockerLogs(String container) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    ProcessBuilder pb =
        new ProcessBuilder("/usr/bin/docker", "logs", container)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("DOCKER_HOST", dockerHost);
    Process p = pb.start();
    assertThat(p.waitFor()).isZero();
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Seconds from the service's first line answering in the API to its n-th line answering. */
  private double firstToLastQueryable(String svc, int n) {
    await("first line stored")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> !lastLine(svc).isEmpty());
    long f0 = System.nanoTime();
    await("last line queryable")
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> lastLine(svc).startsWith("line " + n + " "));
    lastQueryableMillis = System.currentTimeMillis();
    return (System.nanoTime() - f0) / 1e9;
  }

  private static String figures(String round, int n, String pad, double docker, double ours) {
    int bytes = ("line " + n + " " + pad).length() + 1;
    double mib = (double) n * bytes / (1 << 20);
    return String.format(
        "%s lines=%d bytes/line~%d docker-logs=%.2fs (%.0f lines/s, %.1f MiB/s) swarmwatch"
            + " first->last-queryable=%.2fs (%.0f lines/s, %.1f MiB/s) ratio=%.2f",
        round,
        n,
        bytes,
        docker,
        n / docker,
        mib / docker,
        ours,
        n / ours,
        mib / ours,
        docker / ours);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
