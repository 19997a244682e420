package io.swarmwatch.e2e;

import static io.swarmwatch.testing.TestEngine.docker;
import static io.swarmwatch.testing.TestEngine.dockerQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.swarmwatch.testing.TestEngine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert latency, whole path: the Engine's {@code health_status: unhealthy} event (its
 * own {@code TimeNano}) → packaged agent → packaged collector (ingest, rules, alerting with the
 * default 100 ms group wait, durable delivery) → a real webhook receiver has read the POST. The
 * peer, timed for the same transitions: the same event → the flag visible in the HTTP API (polled
 * every 2 ms), so the alerting part's share is plain.
 *
 * <p>Each transition is its own incident: swarm replaces the unhealthy task, the flag clears at
 * once ({@code clear-after=0s} by label), the resolved message goes, then the next transition
 * starts on the new container. Flap damping is off (threshold 1000) so every incident resolves.
 *
 * <p>{@code -Dalerts.latency.transitions=50} for the benchmark (BENCHMARKS.md); 5 in a normal
 * build. Figures go to stdout and {@code target/alert-latency-e2e.txt}; no speed is asserted (a
 * timed assertion fails for the neighbours' load, not for the code): what must hold is that every
 * transition made exactly one firing message carrying its probe's output.
 */
class AlertLatencyEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Received(long millis, JsonNode body) {}

  @TempDir Path dir;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpServer receiver;
  private JarProcess collector;
  private JarProcess agent;
  private String service;
  private Api api;

  @AfterEach
  void stop() throws InterruptedException {
    if (service != null) {
      dockerQuietly("service", "rm", service);
    }
    if (agent != null) {
      agent.close();
    }
    if (collector != null) {
      collector.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  @Test
  void healthStatusEventToTheReceiversPost() throws Exception {
    String dockerHost = TestEngine.require();
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    receiver.createContext(
        "/",
        ex -> {
          byte[] b = ex.getRequestBody().readAllBytes();
          long at = System.currentTimeMillis();
          received.add(new Received(at, JSON.readTree(new String(b, StandardCharsets.UTF_8))));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    receiver.start();
    Path alerts = dir.resolve("alerts.yml");
    Files.writeString(
        alerts,
        "receivers:\n  - {name: hook, type: webhook, url: \"http://127.0.0.1:"
            + receiver.getAddress().getPort()
            + "/hook\", rate_limit: 100/s}\ndefault_receiver: hook\n"
            + "flapping: {threshold: 1000}\n");
    int http = freePort();
    int grpc = freePort();
    collector =
        JarProcess.start(
            "collector-alert-latency",
            "swarmwatch.collector.jar",
            Map.of(
                "SWARMWATCH_BIND", "127.0.0.1",
                "SWARMWATCH_HTTP_PORT", Integer.toString(http),
                "SWARMWATCH_GRPC_PORT", Integer.toString(grpc),
                "SWARMWATCH_DATA_DIR", dir.resolve("data").toString(),
                "SWARMWATCH_ALERTS", alerts.toString()));
    api = new Api(http);
    await("collector ready (" + collector + ")")
        .atMost(Duration.ofSeconds(30))
        .until(() -> collector.alive() && api.ready());
    agent =
        JarProcess.start(
            "agent-alert-latency",
            "swarmwatch.agent.jar",
            Map.of("DOCKER_HOST", dockerHost, "SWARMWATCH_COLLECTOR", "127.0.0.1:" + grpc));
    service = TestEngine.uniqueName("alert-latency");
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
        "32M",
        "--restart-delay",
        "0s",
        "--label",
        "swarmwatch.rule.unhealthy.clear-after=0s",
        "swarmwatch-test/healthy:1");
    String c = awaitHealthyContainer("");
    int transitions = Integer.getInteger("alerts.latency.transitions", 5);
    List<Long> toPost = new ArrayList<>();
    List<Long> toApi = new ArrayList<>();
    for (int i = 1; i <= transitions; i++) {
      String marker = "alert-probe-" + i;
      long before = System.currentTimeMillis();
      docker("exec", c, "sh", "-c", "echo " + marker + " > /tmp/unhealthy");
      long seen = awaitFlagInApi(marker);
      await("firing message " + i + " (" + collector + ")")
          .atMost(Duration.ofSeconds(30))
          .until(() -> firing(marker).size() == 1);
      long posted = firing(marker).get(0).millis();
      List<Long> events = eventTimes(c, before);
      assertThat(events).as("health_status: unhealthy event of " + c).isNotEmpty();
      long event = events.get(0) / 1_000_000L;
      toPost.add(posted - event);
      toApi.add(seen - event);
      c = awaitHealthyContainer(c);
      int resolvedBefore = i;
      await("resolved message " + i)
          .atMost(Duration.ofSeconds(30))
          .until(() -> messages("resolved").size() == resolvedBefore);
    }
    String summary =
        String.format(
            Locale.ROOT,
            "alerts e2e: %d health_status transitions: event -> receiver has the POST %s;"
                + " peer event -> flag in API %s; POST/API median ratio %.2f; all POST %s;"
                + " all API %s",
            transitions,
            stats(toPost),
            stats(toApi),
            (double) median(toPost) / Math.max(1, median(toApi)),
            toPost,
            toApi);
    System.out.println(summary);
    Files.createDirectories(Path.of("target"));
    Files.writeString(
        Path.of("target", "alert-latency-e2e.txt"),
        summary + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    assertThat(messages("firing")).hasSize(transitions);
    for (int i = 1; i <= transitions; i++) {
      assertThat(firing("alert-probe-" + i)).as("transition " + i).hasSize(1);
    }
  }

  private static String stats(List<Long> xs) {
    List<Long> s = xs.stream().sorted().toList();
    return String.format(
        Locale.ROOT,
        "min %d ms, p50 %d ms, p99 %d ms, max %d ms",
        s.get(0),
        median(xs),
        s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)),
        s.get(s.size() - 1));
  }

  private static long median(List<Long> xs) {
    List<Long> s = xs.stream().sorted().toList();
    return s.get(s.size() / 2);
  }

  /** Polls the API every 2 ms until the replica's flag carries the marker; returns that time. */
  private long awaitFlagInApi(String marker) {
    long[] at = new long[1];
    await("unhealthy flag with " + marker + " (" + collector + ")")
        .atMost(Duration.ofSeconds(60))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2))
        .until(
            () -> {
              JsonNode rs = api.ok("/api/v1/replicas?status=unhealthy&service=" + service);
              at[0] = System.currentTimeMillis();
              return rs.size() == 1 && rs.get(0).at("/flags/0/reason").asText().contains(marker);
            });
    return at[0];
  }

  /** Swarm replaces an unhealthy task; waits for the new container to run healthy. */
  private String awaitHealthyContainer(String previous) {
    String[] id = new String[1];
    await(service + " healthy in a new container")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              JsonNode rs = api.ok("/api/v1/replicas?service=" + service);
              if (rs.size() != 1
                  || rs.get(0).get("containerId").asText().equals(previous)
                  || !rs.get(0).get("health").asText().equals("healthy")) {
                return false;
              }
              id[0] = rs.get(0).get("containerId").asText();
              return true;
            });
    return id[0];
  }

  /** Engine times (Unix nanos) of the container's health_status: unhealthy events. */
  private static List<Long> eventTimes(String container, long sinceMillis) {
    String out =
        docker(
            "events",
            "--since",
            String.format(Locale.ROOT, "%.3f", (sinceMillis - 1000) / 1000.0),
            "--until",
            String.format(Locale.ROOT, "%.3f", System.currentTimeMillis() / 1000.0 + 1),
            "--filter",
            "container=" + container,
            "--filter",
            "event=health_status",
            "--format",
            "{{.TimeNano}} {{.Status}}");
    List<Long> times = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank() && line.endsWith("health_status: unhealthy")) {
        long nanos = Long.parseLong(line.substring(0, line.indexOf(' ')));
        if (nanos >= sinceMillis * 1_000_000L) {
          times.add(nanos);
        }
      }
    }
    return times;
  }

  private List<Received> firing(String marker) {
    return messages("firing").stream()
        .filter(r -> r.body().at("/alerts/0/annotations/description").asText().endsWith(marker))
        .toList();
  }

  /** This service's "unhealthy" messages of one kind (other rules, e.g. no-limits, are info). */
  private List<Received> messages(String kind) {
    return received.stream()
        .filter(r -> r.body().at("/groupLabels/service").asText().equals(service))
        .filter(r -> r.body().at("/groupLabels/alertname").asText().equals("unhealthy"))
        .filter(r -> r.body().at("/swarmwatch/kind").asText().equals(kind))
        .toList();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
