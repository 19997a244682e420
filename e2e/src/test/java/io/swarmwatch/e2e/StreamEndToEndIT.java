package io.swarmwatch.e2e;

import static io.swarmwatch.testing.TestEngine.docker;
import static io.swarmwatch.testing.TestEngine.dockerQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmwatch.testing.TestEngine;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged collector and agent, as real processes, against the real test Engine in swarm mode:
 * a service's replicas, a killed container's die event and swarm's replacement all reach the API.
 */
class StreamEndToEndIT {
  private static JarProcess collector;
  private static JarProcess agent;
  private static Api api;
  private static String nodeId;
  private final List<String> services = new ArrayList<>();

  @BeforeAll
  static void startCollectorAndAgent() throws IOException {
    String dockerHost = TestEngine.require();
    nodeId = TestEngine.nodeId();
    int http = freePort();
    int grpc = freePort();
    collector =
        JarProcess.start(
            "collector",
            "swarmwatch.collector.jar",
            Map.of(
                "SWARMWATCH_BIND",
                "127.0.0.1",
                "SWARMWATCH_HTTP_PORT",
                Integer.toString(http),
                "SWARMWATCH_GRPC_PORT",
                Integer.toString(grpc),
                "SWARMWATCH_DATA_DIR",
                "target/e2e-data/" + http));
    api = new Api(http);
    await("collector ready (" + collector + ")")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> collector.alive() && api.ready());
    agent =
        JarProcess.start(
            "agent",
            "swarmwatch.agent.jar",
            Map.of(
                "DOCKER_HOST",
                dockerHost,
                "SWARMWATCH_COLLECTOR",
                "127.0.0.1:" + grpc,
                "SWARMWATCH_SPOOL_DIR",
                "target/e2e-spool/" + grpc,
                // Faster than the defaults so the test sees several samples quickly.
                "SWARMWATCH_USAGE_INTERVAL",
                "1s",
                "SWARMWATCH_HOST_INTERVAL",
                "1s",
                "SWARMWATCH_STATS_INTERVAL",
                "1s"));
    await("agent connected (" + agent + ")")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              assertThat(agent.alive()).as("agent process alive").isTrue();
              JsonNode nodes = api.ok("/api/v1/nodes");
              return nodes.size() == 1 && nodes.get(0).at("/agent/connected").asBoolean();
            });
  }

  @AfterEach
  void removeServices() {
    for (String s : services) {
      dockerQuietly("service", "rm", s);
    }
  }

  @AfterAll
  static void stopProcesses() throws InterruptedException {
    // Graceful shutdown on SIGTERM is part of the contract: both must exit on their own.
    int agentExit = agent == null ? 0 : agent.stop();
    int collectorExit = collector == null ? 0 : collector.stop();
    assertThat(agentExit).as("agent exit after SIGTERM (" + agent + ")").isNotEqualTo(-1);
    assertThat(collectorExit)
        .as("collector exit after SIGTERM (" + collector + ")")
        .isNotEqualTo(-1);
  }

  @Test
  void nodeShowsTheSwarmIdentityOfTheEngine() {
    JsonNode node = api.ok("/api/v1/nodes").get(0);
    assertThat(node.get("id").asText()).isEqualTo(nodeId);
    assertThat(node.get("role").asText()).isEqualTo("manager");
    assertThat(node.get("status").asText()).isEqualTo("ready");
    assertThat(node.get("availability").asText()).isEqualTo("active");
    assertThat(node.get("hostname").asText()).isEqualTo(docker("info", "--format", "{{.Name}}"));
  }

  @Test
  void replicasDieEventAndReplacementReachTheApi() {
    String service = TestEngine.uniqueName("e2e-web");
    services.add(service);
    docker(
        "service",
        "create",
        "--detach",
        "--quiet",
        "--name",
        service,
        "--replicas",
        "2",
        "--no-resolve-image",
        "--stop-grace-period",
        "1s",
        "--limit-memory",
        "64M",
        "swarmwatch-test/healthy:1");

    // Both task containers exist per the Engine; from then on the API has 5 s to show them.
    AtomicReference<Set<String>> engineIds = new AtomicReference<>();
    await("swarm starts both tasks")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              engineIds.set(containerIds(service));
              return engineIds.get().size() == 2;
            });
    await("both replicas in /api/v1/replicas")
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              JsonNode replicas = api.ok("/api/v1/replicas?service=" + service);
              assertThat(replicas.size()).isEqualTo(2);
              Set<String> ids = new TreeSet<>();
              Set<Integer> slots = new TreeSet<>();
              for (JsonNode r : replicas) {
                assertThat(r.get("service").asText()).isEqualTo(service);
                assertThat(r.get("node").asText()).isEqualTo(nodeId);
                assertThat(r.get("taskId").asText()).isNotBlank();
                assertThat(r.at("/limits/memoryBytes").asLong()).isEqualTo(64L << 20);
                ids.add(r.get("containerId").asText());
                slots.add(r.get("slot").asInt());
              }
              assertThat(ids).isEqualTo(engineIds.get());
              assertThat(slots).containsExactly(1, 2);
            });

    JsonNode victim = api.ok("/api/v1/replicas?service=" + service).get(0);
    String victimId = victim.get("containerId").asText();
    int victimSlot = victim.get("slot").asInt();
    docker("kill", victimId);

    await("die event with its exit code in /api/v1/events")
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              JsonNode events = api.ok("/api/v1/events?type=die&container=" + victimId);
              assertThat(events.size()).isEqualTo(1);
              JsonNode die = events.get(0);
              assertThat(die.get("exitCode").asInt()).isEqualTo(137);
              assertThat(die.get("service").asText()).isEqualTo(service);
              assertThat(die.get("slot").asInt()).isEqualTo(victimSlot);
              assertThat(die.get("node").asText()).isEqualTo(nodeId);
            });

    // Swarm replaces the task (after its default 5 s restart delay) in the same slot.
    await("swarm's replacement replica in /api/v1/replicas")
        .atMost(Duration.ofSeconds(45))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              JsonNode replicas = api.ok("/api/v1/replicas?service=" + service);
              assertThat(replicas.size()).isEqualTo(2);
              JsonNode slot = null;
              for (JsonNode r : replicas) {
                if (r.get("slot").asInt() == victimSlot) {
                  slot = r;
                }
              }
              assertThat(slot).as("replica of slot " + victimSlot).isNotNull();
              assertThat(slot.get("containerId").asText()).isNotEqualTo(victimId);
              assertThat(slot.get("taskId").asText()).isNotEqualTo(victim.get("taskId").asText());
              assertThat(slot.get("state").asText()).isEqualTo("running");
              assertThat(containerIds(service)).contains(slot.get("containerId").asText());
            });
  }

  /**
   * What the agent measures reaches the API: the replica's CPU and memory against the limits set on
   * its service, the host's metrics, the agent's own metrics, and a failing health check's own
   * output.
   */
  @Test
  void usageHostAgentMetricsAndTheProbeOutputReachTheApi() {
    String service = TestEngine.uniqueName("e2e-usage");
    services.add(service);
    docker(
        "service",
        "create",
        "--detach",
        "--quiet",
        "--name",
        service,
        "--no-resolve-image",
        "--stop-grace-period",
        "1s",
        "--limit-memory",
        "48M",
        "--limit-cpu",
        "0.5",
        "swarmwatch-test/healthy:1");
    await("the replica's usage, from its cgroup, against its limits")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              JsonNode replicas = api.ok("/api/v1/replicas?service=" + service);
              assertThat(replicas.size()).isEqualTo(1);
              JsonNode r = replicas.get(0);
              assertThat(r.at("/limits/memoryBytes").asLong()).isEqualTo(48L << 20);
              assertThat(r.at("/limits/nanoCpus").asLong()).isEqualTo(500_000_000L);
              JsonNode u = r.path("usage");
              assertThat(u.isObject()).as("usage of " + r).isTrue();
              assertThat(u.path("source").asText()).startsWith("cgroup-");
              assertThat(u.path("memoryBytes").asLong()).isPositive().isLessThan(48L << 20);
              assertThat(u.path("memoryLimitBytes").asLong()).isEqualTo(48L << 20);
              // From the second sample on: a rate over the interval.
              assertThat(u.path("cpuPercent").isNumber()).as("cpuPercent in " + u).isTrue();
              assertThat(u.path("cpuPercentOfLimit").isNumber()).isTrue();
              assertThat(u.path("pids").asLong()).isPositive();
            });

    await("host metrics and the agent's own metrics on the node")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode node = api.ok("/api/v1/nodes").get(0);
              JsonNode host = node.path("host");
              assertThat(host.isObject()).as("host of " + node).isTrue();
              assertThat(host.path("cpus").asInt())
                  .isEqualTo(Runtime.getRuntime().availableProcessors());
              assertThat(host.path("memoryTotalBytes").asLong()).isPositive();
              assertThat(host.path("filesystems").size()).isPositive();
              assertThat(host.path("cpuPercent").isNumber()).isTrue();
              JsonNode metrics = node.at("/agent/metrics");
              assertThat(metrics.path("swarmwatch.agent.engine.events").asDouble()).isPositive();
              assertThat(metrics.path("swarmwatch.agent.usage.samples").asDouble()).isPositive();
              assertThat(metrics.path("process.memory.rss").asDouble()).isPositive();
            });

    String c = containerIds(service).iterator().next();
    await("healthy first")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                api.ok("/api/v1/containers/" + c).at("/health/status").asText().equals("healthy"));
    docker("exec", c, "sh", "-c", "echo 'db unreachable at 10.0.0.9' > /tmp/unhealthy");
    await("unhealthy, with the probe's own output")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode h = api.ok("/api/v1/containers/" + c).path("health");
              assertThat(h.path("status").asText()).isEqualTo("unhealthy");
              assertThat(h.path("failingStreak").asInt()).isPositive();
              JsonNode last = h.path("log").get(h.path("log").size() - 1);
              assertThat(last.path("output").asText()).contains("db unreachable at 10.0.0.9");
              assertThat(last.path("exitCode").asInt()).isNotZero();
            });
  }

  /**
   * {@code /metrics} passes Prometheus's own checker ({@code promtool check metrics}, from Debian's
   * {@code prometheus} package, which scripts/test.sh installs) and carries a running replica with
   * its swarm labels and limit, the service's replica counts and the node's agent state.
   */
  @Test
  void metricsPassPromtoolAndDescribeTheCluster() throws Exception {
    String service = TestEngine.uniqueName("e2e-metrics");
    services.add(service);
    docker(
        "service",
        "create",
        "--detach",
        "--quiet",
        "--name",
        service,
        "--replicas",
        "2",
        "--no-resolve-image",
        "--stop-grace-period",
        "1s",
        "--limit-memory",
        "32M",
        // A CPU limit too, so every per-replica series the Grafana dashboard uses exists.
        "--limit-cpu",
        "0.5",
        "swarmwatch-test/healthy:1");
    String hostname = docker("info", "--format", "{{.Name}}");
    await("the service's replicas in /metrics")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              String m = api.raw("/metrics").body();
              assertThat(m)
                  .containsPattern(
                      "swarmwatch_service_replicas_desired\\{service=\""
                          + service
                          + "\",stack=\"\"} 2\\.0")
                  .containsPattern(
                      "swarmwatch_service_replicas_healthy\\{service=\""
                          + service
                          + "\",stack=\"\"} 2\\.0")
                  .containsPattern(
                      "swarmwatch_replica_memory_limit_bytes\\{node=\""
                          + hostname
                          + "\",service=\""
                          + service
                          + "\",slot=\"1\",stack=\"\",task=\"\\w+\"} 3\\.3554432E7")
                  .containsPattern(
                      "swarmwatch_node_agent_connected\\{node=\"" + hostname + "\",.*} 1\\.0")
                  .containsPattern("swarmwatch_ingest_messages_total\\{kind=\"event\"} [1-9]");
            });
    HttpResponse<String> r = api.raw("/metrics");
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
    Path file = Files.createTempFile("swarmwatch-metrics", ".txt");
    try {
      Files.writeString(file, r.body());
      Process p =
          new ProcessBuilder("promtool", "check", "metrics")
              .redirectInput(file.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
      assertThat(p.exitValue()).as("promtool check metrics said:%n%s", out).isZero();
    } finally {
      Files.deleteIfExists(file);
    }
    grafanaDashboardQueriesWhatTheCollectorExposes(r.body());
  }

  /**
   * deploy/grafana-dashboard.json: every metric its queries name is one this collector exposes, and
   * every query is valid PromQL ({@code promtool check rules} on the queries as recording rules,
   * the dashboard's variables replaced by a match-all regex).
   */
  private static void grafanaDashboardQueriesWhatTheCollectorExposes(String metrics)
      throws Exception {
    Path repo = Path.of(System.getProperty("swarmwatch.repo", "..")).toAbsolutePath().normalize();
    JsonNode dashboard =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(repo.resolve("deploy/grafana-dashboard.json").toFile());
    List<String> exprs = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
    assertThat(exprs).as("dashboard queries").hasSizeGreaterThan(10);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("swarmwatch_[a-z_]+").matcher(String.join("\n", exprs));
    Set<String> names = new java.util.TreeSet<>();
    while (m.find()) {
      names.add(m.group());
    }
    // swarmwatch_flags has a series per current flag: none at all when nothing is flagged.
    names.remove("swarmwatch_flags");
    for (String name : names) {
      assertThat(metrics)
          .as("/metrics has %s (used by the Grafana dashboard)", name)
          .contains("\n" + name);
    }
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    for (int i = 0; i < exprs.size(); i++) {
      String e = exprs.get(i).replace("$stack", ".*").replace("$service", ".*");
      rules.append("      - record: dashboard_query_").append(i).append("\n");
      rules.append("        expr: '").append(e.replace("'", "''")).append("'\n");
    }
    Path file = Files.createTempFile("swarmwatch-dashboard", ".rules.yml");
    try {
      Files.writeString(file, rules);
      Process p =
          new ProcessBuilder("promtool", "check", "rules", file.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
      assertThat(p.exitValue()).as("promtool check rules said:%n%s%n%s", out, rules).isZero();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void badQueriesGetClearErrors() {
    Api.Response r = api.get("/api/v1/events?limit=lots");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().get("error").asText()).contains("limit");
    assertThat(api.get("/api/v1/nope").status()).isEqualTo(404);
  }

  /** Running task containers of the service, per the Engine. */
  private static Set<String> containerIds(String service) {
    String out =
        docker(
            "ps",
            "--no-trunc",
            "-q",
            "--filter",
            "label=com.docker.swarm.service.name=" + service,
            "--filter",
            "status=running");
    return new TreeSet<>(out.isBlank() ? List.of() : Arrays.asList(out.split("\\s+")));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
