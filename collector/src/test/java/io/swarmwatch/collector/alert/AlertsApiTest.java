package io.swarmwatch.collector.alert;

import static io.swarmwatch.collector.alert.Changes.raised;
import static io.swarmwatch.collector.alert.Changes.replica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmwatch.collector.alert.config.AlertRulesParser;
import io.swarmwatch.collector.api.ApiConfig;
import io.swarmwatch.collector.api.HttpApiServer;
import io.swarmwatch.collector.model.ClusterModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alerts and silences routes over real HTTP, in exactly the shapes the CLI reads. */
class AlertsApiTest {
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path data;
  private Alerting alerting;
  private HttpApiServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    // Port 9 (discard) refuses: deliveries fail, which is fine for API shapes.
    alerting =
        new Alerting(
            AlertRulesParser.parse(
                "receivers:\n  - {name: ops, type: slack, url: \"http://127.0.0.1:9/x\"}\n"
                    + "default_receiver: ops\n",
                "t.yml"),
            data,
            "",
            Clock.systemUTC());
    server =
        new HttpApiServer(
            new ClusterModel(Clock.systemUTC(), 10),
            Clock.systemUTC(),
            null,
            ApiConfig.open(),
            List.of(alerting.api()));
    port = server.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.close();
    alerting.close();
  }

  @Test
  void firingAlertsHaveEveryFieldAndShowTheirSilences() throws Exception {
    alerting.onChange(
        raised(replica("shop_web", 2, "node-a"), "unhealthy", "probe: 503", Instant.now()));
    await().atMost(2, TimeUnit.SECONDS).until(() -> get("/api/v1/alerts").size() == 1);
    JsonNode a = get("/api/v1/alerts").get(0);
    assertThat(fields(a))
        .containsExactly(
            "id",
            "rule",
            "severity",
            "service",
            "stack",
            "status",
            "startsAt",
            "updatedAt",
            "summary",
            "replicas",
            "labels",
            "silenced",
            "silencedBy");
    assertThat(a.get("status").asText()).isEqualTo("firing");
    assertThat(a.get("severity").asText()).isEqualTo("critical");
    assertThat(a.get("stack").asText()).isEqualTo("shop");
    assertThat(a.get("silenced").asBoolean()).isFalse();
    JsonNode r = a.get("replicas").get(0);
    assertThat(fields(r))
        .containsExactly("subject", "slot", "node", "taskId", "containerId", "reason", "since");
    assertThat(r.get("slot").asText()).isEqualTo("2");
    assertThat(r.get("taskId").asText()).isEqualTo("task2abcdefghijklmnopqrstu");
    assertThat(r.get("reason").asText()).isEqualTo("probe: 503");

    var created =
        send(
            "POST",
            "/api/v1/silences",
            "{\"matchers\":[{\"name\":\"service\",\"value\":\"shop_.*\",\"isRegex\":true}],"
                + "\"duration\":\"2h\",\"comment\":\"deploy\",\"author\":\"ana\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode s = json.readTree(created.body());
    assertThat(fields(s))
        .containsExactly("id", "matchers", "startsAt", "endsAt", "comment", "author", "state");
    assertThat(s.get("state").asText()).isEqualTo("active");
    assertThat(
            Duration.between(
                Instant.parse(s.get("startsAt").asText()), Instant.parse(s.get("endsAt").asText())))
        .isEqualTo(Duration.ofHours(2));
    assertThat(created.headers().firstValue("Location"))
        .contains("/api/v1/silences/" + s.get("id").asText());
    JsonNode silenced = get("/api/v1/alerts").get(0);
    assertThat(silenced.get("silenced").asBoolean()).isTrue();
    assertThat(silenced.get("silencedBy").get(0).asText()).isEqualTo(s.get("id").asText());

    assertThat(send("DELETE", "/api/v1/silences/" + s.get("id").asText(), null).statusCode())
        .isEqualTo(204);
    assertThat(get("/api/v1/silences").get(0).get("state").asText()).isEqualTo("expired");
    assertThat(get("/api/v1/alerts").get(0).get("silenced").asBoolean()).isFalse();
    assertThat(send("DELETE", "/api/v1/silences/nope", null).statusCode()).isEqualTo(404);
  }

  @Test
  void badSilencesAre400sNamingTheField() throws Exception {
    assertBad("{\"duration\":\"1h\",\"comment\":\"c\",\"author\":\"a\"}", "'matchers'");
    assertBad(
        "{\"matchers\":[{\"name\":\"colour\",\"value\":\"x\"}],\"duration\":\"1h\",\"comment\":\"c\",\"author\":\"a\"}",
        "'matchers[0].name'");
    assertBad(
        "{\"matchers\":[{\"name\":\"service\",\"value\":\"(\",\"isRegex\":true}],\"duration\":\"1h\",\"comment\":\"c\",\"author\":\"a\"}",
        "'matchers[0].value'");
    assertBad(
        "{\"matchers\":[{\"name\":\"service\",\"value\":\"x\"}],\"duration\":\"soon\",\"comment\":\"c\",\"author\":\"a\"}",
        "'duration'");
    assertBad(
        "{\"matchers\":[{\"name\":\"service\",\"value\":\"x\"}],\"comment\":\"c\",\"author\":\"a\"}",
        "'duration'");
    assertBad(
        "{\"matchers\":[{\"name\":\"service\",\"value\":\"x\"}],\"endsAt\":\"2001-01-01T00:00:00Z\",\"comment\":\"c\",\"author\":\"a\"}",
        "'endsAt'");
    assertBad(
        "{\"matchers\":[{\"name\":\"service\",\"value\":\"x\"}],\"duration\":\"1h\",\"author\":\"a\"}",
        "'comment'");
    assertBad(
        "{\"matchers\":[{\"name\":\"service\",\"value\":\"x\"}],\"duration\":\"1h\",\"comment\":\"c\",\"author\":\"a\",\"creator\":\"b\"}",
        "unknown field 'creator'");
    assertThat(get("/api/v1/silences")).isEmpty();
  }

  @Test
  void historyIsNewestFirstAndFiltered() throws Exception {
    alerting.onChange(raised(replica("web", 1, "n"), "unhealthy", "x", Instant.now()));
    await().atMost(5, TimeUnit.SECONDS).until(() -> get("/api/v1/alerts/history").size() >= 2);
    JsonNode h = get("/api/v1/alerts/history");
    assertThat(fields(h.get(0)))
        .containsExactly(
            "time",
            "incidentId",
            "rule",
            "service",
            "kind",
            "receiver",
            "outcome",
            "attempt",
            "httpStatus",
            "error");
    assertThat(h.get(0).get("attempt").asInt()).isGreaterThan(h.get(1).get("attempt").asInt());
    assertThat(h.get(0).get("outcome").asText()).isEqualTo("retrying");
    assertThat(h.get(0).get("httpStatus").asInt()).isZero();
    assertThat(h.get(0).get("error").asText()).startsWith("cannot reach the receiver");
    assertThat(get("/api/v1/alerts/history?limit=1")).hasSize(1);
    assertThat(get("/api/v1/alerts/history?receiver=other")).isEmpty();
    assertThat(get("/api/v1/alerts/history?since=2001-01-01T00:00:00Z&until=2001-01-02T00:00:00Z"))
        .isEmpty();
    assertThat(send("GET", "/api/v1/alerts/history?limit=0", null).statusCode()).isEqualTo(400);
    assertThat(alerting.history().query(Optional.empty(), Optional.empty(), Optional.of("ops"), 5))
        .isNotEmpty();
  }

  private void assertBad(String body, String names) throws Exception {
    var r = send("POST", "/api/v1/silences", body);
    assertThat(r.statusCode()).as(body).isEqualTo(400);
    assertThat(json.readTree(r.body()).get("error").asText()).as(body).contains(names);
  }

  private static List<String> fields(JsonNode n) {
    List<String> out = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private JsonNode get(String path) throws Exception {
    var r = send("GET", path, null);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
