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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged collector killed with {@code kill -9} while an incident fires, on the real swarm
 * with a real agent and a real webhook receiver: after a restart the incident goes on (no second
 * firing message, same id, same start), and when the fault is fixed while the collector is down,
 * the restart sends the incident's resolved message.
 *
 * <p>The fault is a replica the scheduler can't place (it reserves more memory than any node has):
 * unlike a failing health check, which swarm answers by replacing the task, it holds steadily
 * through the restarts until the test fixes it.
 */
class AlertsRestartEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SETTLE = Duration.ofSeconds(15);

  @TempDir Path dir;
  private final List<JsonNode> received = new CopyOnWriteArrayList<>();
  private HttpServer receiver;
  private JarProcess collector;
  private JarProcess agent;
  private String service;
  private Path alerts;
  private int http;
  private int grpc;

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

  private JarProcess startCollector(String name) {
    return JarProcess.start(
        name,
        "swarmwatch.collector.jar",
        Map.of(
            "SWARMWATCH_BIND", "127.0.0.1",
            "SWARMWATCH_HTTP_PORT", Integer.toString(http),
            "SWARMWATCH_GRPC_PORT", Integer.toString(grpc),
            "SWARMWATCH_DATA_DIR", dir.resolve("data").toString(),
            "SWARMWATCH_ALERTS", alerts.toString(),
            "SWARMWATCH_RESTART_SETTLE", SETTLE.toSeconds() + "s",
            // Only the pending replica's incident is under test.
            "SWARMWATCH_RULE_UNDER_REPLICATED_GRACE", "1h"));
  }

  @Test
  void anIncidentContinuesAcrossKillDashNineAndResolvesIfFixedWhileTheCollectorWasDown()
      throws Exception {
    String dockerHost = TestEngine.require();
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
    receiver.createContext(
        "/",
        ex -> {
          byte[] b = ex.getRequestBody().readAllBytes();
          received.add(JSON.readTree(new String(b, StandardCharsets.UTF_8)));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    receiver.start();
    alerts = dir.resolve("alerts.yml");
    Files.writeString(
        alerts,
        "receivers:\n  - {name: hook, type: webhook, url: \"http://127.0.0.1:"
            + receiver.getAddress().getPort()
            + "/hook\", rate_limit: 100/s}\ndefault_receiver: hook\n"
            + "grouping: {group_wait: 1s, repeat_interval: 1h}\n");
    http = freePort();
    grpc = freePort();
    Api api = new Api(http);
    collector = startCollector("collector-restart-1");
    await("collector ready (" + collector + ")")
        .atMost(Duration.ofSeconds(30))
        .until(() -> collector.alive() && api.ready());
    agent =
        JarProcess.start(
            "agent-restart",
            "swarmwatch.agent.jar",
            Map.of(
                "DOCKER_HOST",
                dockerHost,
                "SWARMWATCH_COLLECTOR",
                "127.0.0.1:" + grpc,
                "SWARMWATCH_RECONNECT_MAX",
                "2s"));
    service = TestEngine.uniqueName("restart-e2e");
    docker(
        "service",
        "create",
        "--detach",
        "--quiet",
        "--name",
        service,
        "--no-resolve-image",
        "--reserve-memory",
        "100000G",
        "swarmwatch-test/plain:1");

    await("firing message (" + agent + ")")
        .atMost(Duration.ofSeconds(60))
        .until(() -> messages("firing").size() == 1);
    String incident = messages("firing").get(0).at("/swarmwatch/incidentId").asText();
    JsonNode alertBefore = pendingAlert(api);
    String startsAt = alertBefore.get("startsAt").asText();
    String since = flagSince(api);
    assertThat(alertBefore.get("id").asText()).isEqualTo(incident);

    // Crash with the incident firing; the fault stays.
    collector.kill();
    collector = startCollector("collector-restart-2");
    await("restarted (" + collector + ")")
        .atMost(Duration.ofSeconds(30))
        .until(() -> collector.alive() && api.ready());
    await("the agent is back and the replica flagged again")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !flagSince(api).isEmpty());
    assertThat(flagSince(api)).as("the flag keeps its start").isEqualTo(since);
    JsonNode alertAfter = pendingAlert(api);
    assertThat(alertAfter.get("id").asText()).isEqualTo(incident);
    assertThat(alertAfter.get("startsAt").asText()).isEqualTo(startsAt);
    await("no second firing message through the settle period and after")
        .during(SETTLE.plusSeconds(5))
        .atMost(SETTLE.plusSeconds(10))
        .until(() -> messages("firing").size() == 1 && messages("resolved").isEmpty());

    // Crash again; fix the fault while no collector runs.
    collector.kill();
    docker("service", "update", "--detach", "--quiet", "--reserve-memory", "0", service);
    await("swarm runs the replica")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                docker("service", "ls", "--filter", "name=" + service, "--format", "{{.Replicas}}")
                    .equals("1/1"));
    collector = startCollector("collector-restart-3");
    await("restarted (" + collector + ")")
        .atMost(Duration.ofSeconds(30))
        .until(() -> collector.alive() && api.ready());
    await("resolved message after the settle period")
        .atMost(SETTLE.plusSeconds(30))
        .until(() -> messages("resolved").size() == 1);
    assertThat(messages("resolved").get(0).at("/swarmwatch/incidentId").asText())
        .isEqualTo(incident);
    assertThat(messages("firing")).hasSize(1);
    await("no longer firing in the API")
        .atMost(Duration.ofSeconds(5))
        .until(() -> api.ok("/api/v1/alerts").isEmpty());
  }

  /** This service's firing "pending" alert in the API. */
  private JsonNode pendingAlert(Api api) {
    for (JsonNode a : api.ok("/api/v1/alerts")) {
      if (a.get("service").asText().equals(service) && a.get("rule").asText().equals("pending")) {
        return a;
      }
    }
    throw new AssertionError("no pending alert for " + service + " in the API");
  }

  /** The {@code since} of the replica's "pending" flag in the API, "" while it has none. */
  private String flagSince(Api api) {
    for (JsonNode r : api.ok("/api/v1/replicas?service=" + service)) {
      for (JsonNode f : r.path("flags")) {
        if (f.path("rule").asText().equals("pending")) {
          return f.path("since").asText();
        }
      }
    }
    return "";
  }

  /** This service's "pending" messages of one kind. */
  private List<JsonNode> messages(String kind) {
    return received.stream()
        .filter(b -> b.at("/groupLabels/service").asText().equals(service))
        .filter(b -> b.at("/groupLabels/alertname").asText().equals("pending"))
        .filter(b -> b.at("/swarmwatch/kind").asText().equals(kind))
        .toList();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
