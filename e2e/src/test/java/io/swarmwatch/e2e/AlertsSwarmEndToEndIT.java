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
 * The whole path on the real swarm: a replica's health check turned failing reaches a real webhook
 * receiver as exactly one firing message, and its recovery (healed, or replaced by swarm) as
 * exactly one resolved message.
 */
class AlertsSwarmEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Received(long nanos, JsonNode body) {}

  @TempDir Path dir;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpServer receiver;
  private JarProcess collector;
  private JarProcess agent;
  private String service;

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
  void aFailingHealthCheckIsOneFiringAndOneResolvedMessage() throws Exception {
    String dockerHost = TestEngine.require();
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
    receiver.createContext(
        "/",
        ex -> {
          byte[] b = ex.getRequestBody().readAllBytes();
          received.add(
              new Received(
                  System.nanoTime(), JSON.readTree(new String(b, StandardCharsets.UTF_8))));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    receiver.start();
    Path alerts = dir.resolve("alerts.yml");
    Files.writeString(
        alerts,
        "receivers:\n  - {name: hook, type: webhook, url: \"http://127.0.0.1:"
            + receiver.getAddress().getPort()
            + "/hook\", rate_limit: 100/s}\ndefault_receiver: hook\n");
    int http = freePort();
    int grpc = freePort();
    collector =
        JarProcess.start(
            "collector-alerts-swarm",
            "swarmwatch.collector.jar",
            Map.of(
                "SWARMWATCH_BIND", "127.0.0.1",
                "SWARMWATCH_HTTP_PORT", Integer.toString(http),
                "SWARMWATCH_GRPC_PORT", Integer.toString(grpc),
                "SWARMWATCH_DATA_DIR", dir.resolve("data").toString(),
                "SWARMWATCH_ALERTS", alerts.toString()));
    Api api = new Api(http);
    await("collector ready (" + collector + ")")
        .atMost(Duration.ofSeconds(30))
        .until(() -> collector.alive() && api.ready());
    agent =
        JarProcess.start(
            "agent-alerts-swarm",
            "swarmwatch.agent.jar",
            Map.of("DOCKER_HOST", dockerHost, "SWARMWATCH_COLLECTOR", "127.0.0.1:" + grpc));
    service = TestEngine.uniqueName("alerts-e2e");
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
        "swarmwatch-test/healthy:1");
    String[] container = new String[1];
    await("a healthy replica in the API (" + agent + ")")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              JsonNode rs = api.ok("/api/v1/replicas?service=" + service);
              if (rs.size() != 1 || !rs.get(0).path("health").asText().equals("healthy")) {
                return false;
              }
              container[0] = rs.get(0).path("containerId").asText();
              return true;
            });
    docker("exec", container[0], "sh", "-c", "echo 'db unreachable at 10.0.0.9' > /tmp/unhealthy");
    long[] unhealthyAt = new long[1];
    await("the API sees the replica unhealthy")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              boolean u =
                  api.ok("/api/v1/containers/" + container[0])
                      .at("/health/status")
                      .asText()
                      .equals("unhealthy");
              unhealthyAt[0] = System.nanoTime();
              return u;
            });
    await("firing message")
        .atMost(Duration.ofSeconds(5))
        .until(() -> !messages("firing").isEmpty());
    Received firing = messages("firing").get(0);
    System.out.printf(
        "alerts e2e: firing reached the receiver %d ms after the API first showed unhealthy%n",
        (firing.nanos() - unhealthyAt[0]) / 1_000_000);
    assertThat(Duration.ofNanos(firing.nanos() - unhealthyAt[0]))
        .as("firing within 2 s of the API showing unhealthy")
        .isLessThan(Duration.ofSeconds(2));
    assertThat(firing.body().at("/alerts/0/annotations/description").asText())
        .contains("db unreachable at 10.0.0.9");
    // Heal it (if swarm hasn't replaced it already: either way the flag clears).
    dockerQuietly("exec", container[0], "rm", "-f", "/tmp/unhealthy");
    await("resolved message")
        .atMost(Duration.ofSeconds(60))
        .until(() -> !messages("resolved").isEmpty());
    await("and no more about it")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> messages("firing").size() == 1 && messages("resolved").size() == 1);
    assertThat(messages("resolved").get(0).body().at("/swarmwatch/incidentId").asText())
        .isEqualTo(firing.body().at("/swarmwatch/incidentId").asText());
  }

  /** This service's "unhealthy" messages of one kind (other rules may speak too). */
  private List<Received> messages(String status) {
    return received.stream()
        .filter(r -> r.body().at("/groupLabels/service").asText().equals(service))
        .filter(r -> r.body().at("/groupLabels/alertname").asText().equals("unhealthy"))
        .filter(r -> r.body().at("/swarmwatch/kind").asText().equals(status))
        .toList();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
