package io.swarmwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged collector with alerting on: pending notifications survive {@code kill -9}, silences
 * and history survive a restart, writes need the admin token, and a bad alerts file stops the start
 * with the line of the mistake. The pending notification is written into the data directory the way
 * the collector writes one, so the test needs no failing service to produce it.
 */
class AlertsEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN = "e2e-admin-token";

  @TempDir Path dir;
  private HttpServer receiver;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private volatile int answer = 503;
  private JarProcess collector;

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
    receiver.createContext(
        "/",
        ex -> {
          bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          if (answer == 503) {
            ex.getResponseHeaders().add("Retry-After", "60");
          }
          ex.sendResponseHeaders(answer, -1);
          ex.close();
        });
    receiver.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (collector != null) {
      collector.close();
    }
    receiver.stop(0);
  }

  private JarProcess start(Path alertsFile, int http) throws IOException {
    return JarProcess.start(
        "collector-alerts",
        "swarmwatch.collector.jar",
        Map.of(
            "SWARMWATCH_BIND", "127.0.0.1",
            "SWARMWATCH_HTTP_PORT", Integer.toString(http),
            "SWARMWATCH_GRPC_PORT", Integer.toString(freePort()),
            "SWARMWATCH_DATA_DIR", dir.resolve("data").toString(),
            "SWARMWATCH_ALERTS", alertsFile.toString(),
            "SWARMWATCH_API_ADMIN_TOKEN", ADMIN));
  }

  @Test
  void pendingNotificationsSurviveKillDashNineAndSilencesARestart() throws Exception {
    Path urlFile = dir.resolve("hook_url");
    Files.writeString(urlFile, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\n");
    Path alerts = dir.resolve("alerts.yml");
    Files.writeString(
        alerts,
        """
        receivers:
          - name: hook
            type: webhook
            url_file: %s
        default_receiver: hook
        delivery: {backoff_min: 100ms}
        """
            .formatted(urlFile));
    Path pending = dir.resolve("data/alerts/pending");
    Files.createDirectories(pending);
    String body = "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[]}";
    ObjectNode p = JSON.createObjectNode();
    p.put("id", "e2e-1");
    p.put("receiver", "hook");
    p.put("incidentId", "inc-e2e");
    p.put("rule", "unhealthy");
    p.put("service", "web");
    p.put("kind", "firing");
    p.put("createdAt", Instant.now().toString());
    p.put("attempt", 0);
    p.put("query", "");
    p.put("body", body);
    Path file = pending.resolve(String.format("%020d-e2e-1.json", System.currentTimeMillis()));
    Files.write(file, JSON.writeValueAsBytes(p));

    int http = freePort();
    collector = start(alerts, http);
    Api api = new Api(http);
    await("collector ready (" + collector + ")")
        .atMost(Duration.ofSeconds(30))
        .until(() -> collector.alive() && api.ready());
    await("first attempt, answered 503")
        .atMost(Duration.ofSeconds(10))
        .until(() -> bodies.size() == 1);
    assertThat(bodies.get(0)).isEqualTo(body);

    // Writes need the admin token.
    String silence =
        "{\"matchers\":[{\"name\":\"service\",\"value\":\"db\"}],\"duration\":\"2h\",\"comment\":\"backup\",\"author\":\"e2e\"}";
    assertThat(post(http, "/api/v1/silences", silence, null).statusCode()).isIn(401, 403);
    HttpResponse<String> created = post(http, "/api/v1/silences", silence, ADMIN);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String silenceId = JSON.readTree(created.body()).get("id").asText();

    collector.kill();
    try (Stream<Path> left = Files.list(pending)) {
      assertThat(left.filter(f -> f.toString().endsWith(".json")).toList())
          .as("still pending after kill -9")
          .hasSize(1);
    }

    answer = 200;
    collector = start(alerts, http);
    await("restarted").atMost(Duration.ofSeconds(30)).until(() -> collector.alive() && api.ready());
    await("re-sent after the restart")
        .atMost(Duration.ofSeconds(10))
        .until(() -> bodies.size() == 2);
    assertThat(bodies.get(1)).isEqualTo(body);
    await("nothing pending")
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              try (Stream<Path> left = Files.list(pending)) {
                return left.findAny().isEmpty();
              }
            });
    JsonNode history = get(http, "/api/v1/alerts/history?receiver=hook");
    assertThat(history.get(0).get("outcome").asText()).isEqualTo("delivered");
    assertThat(history.get(0).get("attempt").asInt()).isEqualTo(2);
    assertThat(history.get(1).get("outcome").asText()).isEqualTo("retrying");
    assertThat(history.get(1).get("httpStatus").asInt()).isEqualTo(503);
    JsonNode silences = get(http, "/api/v1/silences");
    assertThat(silences.get(0).get("id").asText()).isEqualTo(silenceId);
    assertThat(silences.get(0).get("state").asText()).isEqualTo("active");
    assertThat(get(http, "/api/v1/alerts")).isEmpty();
  }

  @Test
  void aBadAlertsFileStopsTheStartNamingTheLine() throws Exception {
    Path alerts = dir.resolve("alerts.yml");
    Files.writeString(
        alerts,
        "receivers:\n  - name: hook\n    type: webhook\n    url: http://127.0.0.1:9/\n"
            + "routes:\n  - match: {severity: urgent}\n    receiver: hook\n");
    collector = start(alerts, freePort());
    assertThat(collector.awaitExit(30)).isEqualTo(2);
    assertThat(collector.output())
        .contains(
            "configuration error: "
                + alerts
                + " line 6 (routes[0].match.severity): unknown severity 'urgent'")
        .doesNotContain("Exception");
  }

  /** Reads need a token too once tokens are configured; the admin token reads. */
  private static JsonNode get(int port, String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + ADMIN)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static HttpResponse<String> post(int port, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
