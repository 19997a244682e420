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
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules on the real swarm, through the packaged agent and collector: each rule the test machine
 * can produce is raised with swarm's and the Engine's own facts in its reason, the moment the fact
 * arrives; deliberate changes (rolling update, scale to zero) raise nothing; a flapping health
 * check is one incident; a killed agent makes its node down. Detection latency (Engine event time →
 * flag visible in the API) is measured and written to {@code target/rules-latency.txt}; {@code
 * -Drules.latency.transitions=50} for the benchmark.
 */
class RulesEndToEndIT {
  private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(5);
  private static JarProcess collector;
  private static JarProcess agent;
  private static Api api;
  private static String dockerHost;
  private static String nodeId;
  private static int grpc;
  private final List<String> services = new ArrayList<>();

  @BeforeAll
  static void startCollectorAndAgent() throws IOException {
    dockerHost = TestEngine.require();
    nodeId = TestEngine.nodeId();
    int http = freePort();
    grpc = freePort();
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
                // Short enough for a test; the defaults are the numbers.
                "SWARMWATCH_RULES_CLEAR_AFTER",
                "2s",
                "SWARMWATCH_RULE_UNDER_REPLICATED_GRACE",
                "3s",
                "SWARMWATCH_RULE_NODE_DOWN_AGENT_TIMEOUT",
                AGENT_TIMEOUT.toSeconds() + "s"));
    api = new Api(http);
    await("collector ready (" + collector + ")")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> collector.alive() && api.ready());
    startAgent();
  }

  private static void startAgent() {
    agent =
        JarProcess.start(
            "agent",
            "swarmwatch.agent.jar",
            Map.of(
                "DOCKER_HOST",
                dockerHost,
                "SWARMWATCH_COLLECTOR",
                "127.0.0.1:" + grpc,
                "SWARMWATCH_SWARM_INTERVAL",
                "1s",
                "SWARMWATCH_USAGE_INTERVAL",
                "1s"));
    await("agent connected (" + agent + ")")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              assertThat(agent.alive()).as("agent process alive").isTrue();
              Api.Response node = api.get("/api/v1/nodes/" + nodeId);
              assertThat(node.status()).isEqualTo(200);
              assertThat(node.body().at("/agent/connected").asBoolean()).isTrue();
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
    if (agent != null) {
      agent.stop();
    }
    if (collector != null) {
      collector.stop();
    }
  }

  /** Creates a service from a test image; {@code args} go before the image. */
  private String service(String prefix, String image, String... args) {
    String name = TestEngine.uniqueName("rules-" + prefix);
    services.add(name);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "service",
                "create",
                "--detach",
                "--quiet",
                "--name",
                name,
                "--no-resolve-image",
                "--stop-grace-period",
                "1s"));
    cmd.addAll(List.of(args));
    cmd.add(image);
    docker(cmd.toArray(String[]::new));
    return name;
  }

  private static JsonNode flags(String query) {
    return api.ok("/api/v1/flags?" + query);
  }

  private static JsonNode flag(String service, String rule) {
    for (JsonNode f : flags("service=" + service + "&rule=" + rule)) {
      return f;
    }
    return null;
  }

  /** The collector's log lines saying a flag was raised on this service or its replicas. */
  private static List<String> raised(String service) {
    Pattern p =
        Pattern.compile(
            "raised \\S+ (\\S+) on (?:replica|service) " + Pattern.quote(service) + " ");
    List<String> out = new ArrayList<>();
    for (String line : collector.output().split("\n")) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /**
   * Waits until the service's one replica runs healthy in a container other than {@code previous}
   * (swarm replaces an unhealthy task with a new one), and returns that container's id.
   */
  private static String awaitHealthyContainer(String service, String previous) {
    await(service + " healthy in a new container")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              JsonNode rs = api.ok("/api/v1/replicas?service=" + service);
              assertThat(rs.size()).isEqualTo(1);
              assertThat(rs.get(0).get("containerId").asText()).isNotEqualTo(previous);
              assertThat(rs.get(0).get("health").asText()).isEqualTo("healthy");
            });
    return api.ok("/api/v1/replicas?service=" + service).get(0).get("containerId").asText();
  }

  private static void awaitReplicaHealth(String service, String health) {
    await(service + " " + health)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              JsonNode rs = api.ok("/api/v1/replicas?service=" + service);
              assertThat(rs.size()).isPositive();
              for (JsonNode r : rs) {
                assertThat(r.get("health").asText()).as(r.toString()).isEqualTo(health);
              }
            });
  }

  /**
   * Engine event times (Unix nanos) of {@code event} for the filter since {@code sinceMillis} whose
   * status ends with {@code status}, oldest first.
   */
  private static List<Long> eventTimes(
      String filter, String event, String status, long sinceMillis) {
    String out =
        docker(
            "events",
            "--since",
            String.format(java.util.Locale.ROOT, "%.3f", (sinceMillis - 1000) / 1000.0),
            "--until",
            String.format(java.util.Locale.ROOT, "%.3f", System.currentTimeMillis() / 1000.0 + 1),
            "--filter",
            filter,
            "--filter",
            "event=" + event,
            "--format",
            "{{.TimeNano}} {{.Status}}");
    List<Long> times = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank() && line.endsWith(status)) {
        long nanos = Long.parseLong(line.substring(0, line.indexOf(' ')));
        if (nanos >= sinceMillis * 1_000_000L) {
          times.add(nanos);
        }
      }
    }
    return times;
  }

  /** Polls the API every 2 ms until {@code seen} holds; returns the wall time it first did. */
  private static long awaitVisible(String what, java.util.function.BooleanSupplier seen) {
    long[] at = new long[1];
    await(what + " (collector log: " + collector + ")")
        .atMost(Duration.ofSeconds(60))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2))
        .until(
            () -> {
              boolean ok = seen.getAsBoolean();
              at[0] = System.currentTimeMillis();
              return ok;
            });
    return at[0];
  }

  /**
   * Swarm treats an unhealthy task as failed: it stops the container and starts a new task (after
   * the restart delay, 0 here). So each transition is timed on a fresh container.
   */
  @Test
  void unhealthyCarriesTheProbesOutputAndIsVisibleWithinMilliseconds() {
    String service =
        service(
            "health",
            "swarmwatch-test/healthy:1",
            "--limit-memory",
            "32M",
            "--restart-delay",
            "0s",
            // Cleared as soon as the replacement starts, so every transition is a new flag to time.
            "--label",
            "swarmwatch.rule.unhealthy.clear-after=0s");
    String c = awaitHealthyContainer(service, "");
    int transitions = Integer.getInteger("rules.latency.transitions", 5);
    List<Long> latencies = new ArrayList<>();
    for (int i = 1; i <= transitions; i++) {
      String marker = "rules-probe-" + i;
      long before = System.currentTimeMillis();
      docker("exec", c, "sh", "-c", "echo " + marker + " > /tmp/unhealthy");
      long seen =
          awaitVisible(
              "unhealthy flag " + i,
              () -> {
                JsonNode rs = api.ok("/api/v1/replicas?status=unhealthy&service=" + service);
                return rs.size() == 1 && rs.get(0).at("/flags/0/reason").asText().contains(marker);
              });
      JsonNode f = flag(service, "unhealthy");
      if (f != null) { // swarm may already have replaced it and the flag cleared (clear-after 0s)
        assertThat(f.get("severity").asText()).isEqualTo("critical");
        assertThat(f.get("reason").asText())
            .isEqualTo("health check failing: exit 1: probe failed: " + marker);
        assertThat(f.get("containerId").asText()).isEqualTo(c);
      }
      List<Long> unhealthyAt =
          eventTimes("container=" + c, "health_status", "health_status: unhealthy", before);
      assertThat(unhealthyAt).as("health_status: unhealthy event after " + before).isNotEmpty();
      latencies.add(seen - unhealthyAt.get(0) / 1_000_000L);
      c = awaitHealthyContainer(service, c);
    }
    List<Long> sorted = latencies.stream().sorted().toList();
    String summary =
        String.format(
            "unhealthy: health_status event -> flag in API, %d transitions: min %d ms, median %d"
                + " ms, p99 %d ms, max %d ms; all %s",
            sorted.size(),
            sorted.get(0),
            sorted.get(sorted.size() / 2),
            sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)),
            sorted.get(sorted.size() - 1),
            latencies);
    System.out.println(summary);
    appendLatency(summary);
    // The latency is a benchmark figure (BENCHMARKS.md, against the p50 <= 100 ms and
    // p99 <= 500 ms targets), not a pass/fail bound: on a shared machine a timed assertion fails
    // for the neighbours' load, not for the code. What must hold is that every transition was seen.
    // Each transition was its own incident (clear-after 0s by label).
    assertThat(raised(service).stream().filter("unhealthy"::equals)).hasSize(transitions);
  }

  @Test
  void crashLoopWithTheExitCodesSoonAfterTheThirdDeath() {
    long before = System.currentTimeMillis();
    String service =
        service(
            "crash", "swarmwatch-test/exit:1", "--limit-memory", "16M", "--restart-delay", "1s");
    long seen =
        awaitVisible(
            "crash-loop flag",
            () -> {
              JsonNode f = flag(service, "crash-loop");
              return f != null && f.get("reason").asText().contains("failed 3 times");
            });
    JsonNode f = flag(service, "crash-loop");
    assertThat(f.get("type").asText()).isEqualTo("replica");
    assertThat(f.get("severity").asText()).isEqualTo("critical");
    assertThat(f.get("reason").asText())
        .startsWith(service + ".1 failed 3 times in 5m00s (exit codes 3, 3, 3); last at ");
    List<Long> deaths =
        eventTimes("label=com.docker.swarm.service.name=" + service, "die", "die", before);
    assertThat(deaths.size()).as("die events").isGreaterThanOrEqualTo(3);
    long latency = seen - deaths.get(2) / 1_000_000L;
    String summary = "crash-loop: third die event -> flag in API: " + latency + " ms";
    System.out.println(summary);
    appendLatency(summary);
    assertThat(latency).as(summary).isLessThanOrEqualTo(500);
  }

  @Test
  void oomKilledSaysTheLimit() {
    String service = service("oom", "swarmwatch-test/memhog:1", "--limit-memory", "16M");
    await("oom-killed flag")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              JsonNode f = flag(service, "oom-killed");
              assertThat(f).as("oom-killed flag on " + service).isNotNull();
              assertThat(f.get("reason").asText())
                  .startsWith(service + ".1 was OOM-killed at ")
                  .endsWith("(memory limit 16 MiB, exit code 137)");
            });
  }

  @Test
  void unschedulableTaskIsPendingWithSwarmsReasonAndTheServiceUnderReplicated() {
    String service = service("pending", "swarmwatch-test/plain:1", "--reserve-memory", "100000G");
    await("pending, then under-replicated after the grace period")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              JsonNode pending = flag(service, "pending");
              assertThat(pending).as("pending flag on " + service).isNotNull();
              assertThat(pending.get("reason").asText())
                  .contains("no suitable node (insufficient resources on 1 node)");
              JsonNode under = flag(service, "under-replicated");
              assertThat(under).as("under-replicated flag on " + service).isNotNull();
              assertThat(under.get("type").asText()).isEqualTo("service");
              assertThat(under.get("severity").asText()).isEqualTo("critical");
              assertThat(under.get("reason").asText())
                  .isEqualTo(service + ": 0 of 1 replicas running and healthy (1 pending)");
            });
    JsonNode s = api.ok("/api/v1/services/" + service);
    assertThat(s.get("status").asText()).isEqualTo("down");
    assertThat(s.at("/flags/0/rule").asText()).isEqualTo("under-replicated");
  }

  @Test
  void aRollingUpdateAndScalingToZeroRaiseNothing() {
    String service =
        service(
            "update",
            "swarmwatch-test/healthy:1",
            "--replicas",
            "2",
            "--limit-memory",
            "32M",
            "--update-delay",
            "0s",
            // Under the shared test machine's load a new task's first probe can take seconds; the
            // default grace is 30 s, the collector here runs with 3 s.
            "--label",
            "swarmwatch.rule.under-replicated.grace=20s");
    awaitReplicaHealth(service, "healthy");
    docker("service", "update", "--detach", "--quiet", "--env-add", "ROLL=1", service);
    await("rolling update completed")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                "completed"
                    .equals(api.ok("/api/v1/services/" + service).at("/update/state").asText()));
    awaitReplicaHealth(service, "healthy");
    docker("service", "scale", "--detach", service + "=0");
    await("scaled to zero: no replicas left")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> api.ok("/api/v1/replicas?service=" + service).isEmpty());
    // Past the under-replicated grace period (3 s), nothing may have been raised.
    await("no flag on " + service + " for 4 s")
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .until(() -> raised(service).isEmpty() && flags("service=" + service).isEmpty());
    assertThat(api.ok("/api/v1/services/" + service).get("status").asText()).isEqualTo("ok");
  }

  /**
   * Under swarm a flapping health check looks like this: unhealthy, swarm replaces the task, the
   * new one is healthy, then unhealthy again. Within clear-after that is one incident on the
   * replica.
   */
  @Test
  void aFlappingHealthCheckIsOneIncident() {
    String service =
        service(
            "flap",
            "swarmwatch-test/healthy:1",
            "--limit-memory",
            "32M",
            "--restart-delay",
            "0s",
            "--label",
            "swarmwatch.rule.unhealthy.clear-after=30s",
            "--label",
            "swarmwatch.rule.under-replicated.grace=30s");
    String c = awaitHealthyContainer(service, "");
    for (int i = 0; i < 3; i++) {
      docker("exec", c, "sh", "-c", "echo flap > /tmp/unhealthy");
      String flapped = c;
      await("unhealthy flag on " + flapped)
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                JsonNode f = flag(service, "unhealthy");
                return f != null && f.get("containerId").asText().equals(flapped);
              });
      c = awaitHealthyContainer(service, c);
    }
    assertThat(raised(service)).containsExactly("unhealthy");
    JsonNode f = flag(service, "unhealthy");
    assertThat(f.get("clearing").asBoolean()).isTrue();
    assertThat(f.get("reason").asText())
        .isEqualTo("health check failing: exit 1: probe failed: flap");
  }

  @Test
  void aKilledAgentMakesItsNodeDownAndItsReplicasUnknown() throws InterruptedException {
    String service = service("silent", "swarmwatch-test/healthy:1", "--limit-memory", "32M");
    awaitReplicaHealth(service, "healthy");
    long killedAt = System.currentTimeMillis();
    agent.kill();
    long seen =
        awaitVisible(
            "node-down flag",
            () -> {
              for (JsonNode f : flags("type=node&rule=node-down")) {
                if (f.get("id").asText().equals(nodeId)) {
                  return true;
                }
              }
              return false;
            });
    JsonNode down = flags("type=node&rule=node-down").get(0);
    assertThat(down.get("reason").asText())
        .startsWith("no word from the agent on ")
        .contains("stream closed");
    JsonNode replica = api.ok("/api/v1/replicas?service=" + service).get(0);
    assertThat(replica.get("health").asText()).isEqualTo("unknown");
    assertThat(replica.at("/flags/0/rule").asText()).isEqualTo("node-down");
    long latency = seen - killedAt;
    String summary =
        "node-down: agent SIGKILL -> flag in API: "
            + latency
            + " ms (agent-timeout "
            + AGENT_TIMEOUT.toSeconds()
            + " s)";
    System.out.println(summary);
    appendLatency(summary);
    assertThat(latency)
        .as(summary)
        .isBetween(AGENT_TIMEOUT.toMillis(), AGENT_TIMEOUT.toMillis() + 2000);

    startAgent();
    awaitReplicaHealth(service, "healthy");
    await("node-down cleared")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> flags("type=node&rule=node-down").isEmpty());
  }

  private static void appendLatency(String line) {
    try {
      Files.createDirectories(Path.of("target"));
      Files.writeString(
          Path.of("target", "rules-latency.txt"),
          line + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
