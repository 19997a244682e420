package io.swarmwatch.collector.api;

import static io.swarmwatch.collector.Protos.event;
import static io.swarmwatch.collector.Protos.node;
import static io.swarmwatch.collector.Protos.task;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.model.ClusterModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real HTTP server on a loopback port, driven by the JDK's HTTP client. */
class HttpApiServerTest {
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
  private static final long NOW_NANOS = 1_714_557_600_000_000_000L;
  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final MutableClock clock = new MutableClock(NOW);
  private final ClusterModel model = new ClusterModel(clock, 1000);
  private HttpApiServer server;
  private int port;

  @BeforeEach
  void start() throws InterruptedException {
    model.agentConnected(node("node-1", "alpha"), "1.2.3");
    model.agentConnected(node("node-2", "beta"), "1.2.3");
    model.upsert("node-1", task("w1", "web", 1, "node-1").build());
    model.upsert("node-2", task("w2", "web", 2, "node-2").build());
    model.upsert("node-2", task("a1", "api", 1, "node-2").build());
    // Three events a minute apart, ending 10 minutes before NOW.
    model.event("node-1", event(NOW_NANOS - 12 * MINUTE_NANOS, "start", "w1", "web", 1).build());
    model.event(
        "node-1",
        event(NOW_NANOS - 11 * MINUTE_NANOS, "die", "w1", "web", 1)
            .putAttributes("exitCode", "1")
            .build());
    model.event(
        "node-2",
        event(NOW_NANOS - 10 * MINUTE_NANOS, "die", "a1", "api", 1)
            .putAttributes("exitCode", "137")
            .build());
    server = new HttpApiServer(model, clock);
    port = server.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> send(String method, String pathAndQuery)
      throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return send("GET", pathAndQuery);
  }

  private JsonNode ok(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> r = get(pathAndQuery);
    assertThat(r.statusCode()).as(pathAndQuery + " -> " + r.body()).isEqualTo(200);
    assertJson(r);
    return json.readTree(r.body());
  }

  /** Asserts the status and a JSON {"error": …} body; returns the error message. */
  private String error(int status, String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> r = get(pathAndQuery);
    assertThat(r.statusCode()).as(pathAndQuery + " -> " + r.body()).isEqualTo(status);
    assertJson(r);
    JsonNode body = json.readTree(r.body());
    assertThat(body.has("error")).as(r.body()).isTrue();
    return body.get("error").asText();
  }

  private static void assertJson(HttpResponse<?> r) {
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get(field).asText()));
    return out;
  }

  @Test
  void healthAndReadiness() throws Exception {
    assertThat(ok("/healthz").get("status").asText()).isEqualTo("ok");
    assertThat(ok("/readyz").get("status").asText()).isEqualTo("ready");
  }

  @Test
  void nodesIsAJsonArrayOfNodesWithTheirAgents() throws Exception {
    JsonNode nodes = ok("/api/v1/nodes");

    assertThat(nodes.isArray()).isTrue();
    assertThat(texts(nodes, "hostname")).containsExactly("alpha", "beta");
    JsonNode alpha = nodes.get(0);
    assertThat(alpha.get("id").asText()).isEqualTo("node-1");
    assertThat(alpha.get("role").asText()).isEqualTo("worker");
    assertThat(alpha.get("memoryBytes").asLong()).isEqualTo(8L << 30);
    assertThat(alpha.get("agent").get("connected").asBoolean()).isTrue();
    assertThat(alpha.get("agent").get("version").asText()).isEqualTo("1.2.3");
    assertThat(alpha.get("agent").get("lastSeen").asText()).isEqualTo("2024-05-01T10:00:00Z");
  }

  @Test
  void trailingSlashIsTheSameRoute() throws Exception {
    assertThat(ok("/api/v1/nodes/").size()).isEqualTo(2);
  }

  @Test
  void replicasFilteredByService() throws Exception {
    JsonNode web = ok("/api/v1/replicas?service=web");

    assertThat(texts(web, "containerId")).containsExactly("w1", "w2");
    assertThat(web.get(1).get("slot").asInt()).isEqualTo(2);
    assertThat(web.get(1).get("nodeHostname").asText()).isEqualTo("beta");
    assertThat(web.get(1).get("finishedAt").isNull()).isTrue();
    assertThat(texts(ok("/api/v1/replicas?service=svc-api"), "containerId")).containsExactly("a1");
    assertThat(texts(ok("/api/v1/replicas?node=beta"), "containerId")).containsExactly("a1", "w2");
    assertThat(ok("/api/v1/replicas").size()).isEqualTo(3);
    assertThat(ok("/api/v1/replicas?service=nope").isEmpty()).isTrue();
  }

  @Test
  void eventsFilteredByTypeAndLimitedToTheNewest() throws Exception {
    JsonNode dies = ok("/api/v1/events?type=die&limit=1");

    assertThat(dies.size()).isEqualTo(1);
    assertThat(dies.get(0).get("containerId").asText()).isEqualTo("a1");
    assertThat(dies.get(0).get("exitCode").asInt()).isEqualTo(137);
    assertThat(dies.get(0).get("time").asText()).isEqualTo("2024-05-01T09:50:00Z");
    assertThat(texts(ok("/api/v1/events?type=die"), "containerId")).containsExactly("w1", "a1");
    assertThat(texts(ok("/api/v1/events"), "action")).containsExactly("start", "die", "die");
  }

  @Test
  void eventsSinceADurationAgoAndAnAbsoluteUntil() throws Exception {
    assertThat(texts(ok("/api/v1/events?since=11m"), "containerId")).containsExactly("w1", "a1");
    assertThat(texts(ok("/api/v1/events?since=11m&until=2024-05-01T09:50:00Z"), "action"))
        .containsExactly("die");
    assertThat(texts(ok("/api/v1/events?service=web&container=web.1.task-w1&since=1h"), "action"))
        .containsExactly("start", "die");

    clock.advance(Duration.ofMinutes(1));
    assertThat(texts(ok("/api/v1/events?since=11m"), "containerId")).containsExactly("a1");
  }

  @Test
  void eventsWithTimeBoundsFarInThePastOrFuture() throws Exception {
    assertThat(ok("/api/v1/events?since=1000-01-01T00:00:00Z&until=3000-01-01T00:00:00Z").size())
        .isEqualTo(3);
  }

  @Test
  void badParametersAre400sNamingTheParameter() throws Exception {
    assertThat(error(400, "/api/v1/events?limit=abc")).contains("'limit'").contains("integer");
    assertThat(error(400, "/api/v1/events?limit=0")).contains("'limit'").contains("between 1 and");
    assertThat(error(400, "/api/v1/events?limit=10001")).contains("'limit'");
    assertThat(error(400, "/api/v1/events?typo=die")).contains("unknown parameter 'typo'");
    assertThat(error(400, "/api/v1/nodes?service=web")).contains("unknown parameter 'service'");
    assertThat(error(400, "/api/v1/events?since=garbage"))
        .contains("'since'")
        .contains("'garbage'");
    assertThat(error(400, "/api/v1/events?until=garbage")).contains("'until'");
    assertThat(error(400, "/api/v1/events?service=web&service=api"))
        .contains("'service' given more than once");
    assertThat(error(400, "/api/v1/replicas?node=a&node=b"))
        .contains("'node' given more than once");
  }

  @Test
  void sinceMustBeBeforeUntil() throws Exception {
    assertThat(error(400, "/api/v1/events?since=2024-05-01T10:00:00Z&until=2024-05-01T09:00:00Z"))
        .contains("'since' must be before 'until'");
    assertThat(error(400, "/api/v1/events?since=2024-05-01T10:00:00Z&until=2024-05-01T10:00:00Z"))
        .contains("'since' must be before 'until'");
    assertThat(error(400, "/api/v1/events?since=5m&until=10m")).contains("'since' must be before");
  }

  @Test
  void hugeRelativeTimesAre400sNot500s() throws Exception {
    assertThat(error(400, "/api/v1/events?since=9999999999999d")).contains("'since'");
    assertThat(error(400, "/api/v1/events?since=999999999999999999d")).contains("'since'");
  }

  @Test
  void replicaStatusFilterTakesUnhealthyOrOk() throws Exception {
    assertThat(error(400, "/api/v1/replicas?status=sick"))
        .contains("parameter 'status' must be unhealthy")
        .contains("got 'sick'");
  }

  @Test
  void unknownPathIs404Json() throws Exception {
    assertThat(error(404, "/api/v1/nope")).contains("no such route: /api/v1/nope");
    assertThat(error(404, "/")).contains("no such route");
  }

  @Test
  void onlyGetAndHeadAreAllowed() throws Exception {
    for (String method : new String[] {"POST", "PUT", "DELETE"}) {
      HttpResponse<String> r = send(method, "/api/v1/nodes");

      assertThat(r.statusCode()).as(method).isEqualTo(405);
      assertThat(r.headers().firstValue("allow")).as(method).contains("GET, HEAD");
      assertJson(r);
      assertThat(json.readTree(r.body()).get("error").asText())
          .contains(method)
          .contains("not allowed");
    }
  }

  @Test
  void headHasTheHeadersButNoBody() throws Exception {
    HttpResponse<String> get = get("/api/v1/nodes");
    HttpResponse<String> head = send("HEAD", "/api/v1/nodes");

    assertThat(head.statusCode()).isEqualTo(200);
    assertJson(head);
    assertThat(head.body()).isEmpty();
    assertThat(get.body()).isNotEmpty();
    assertThat(head.headers().firstValueAsLong("content-length"))
        .hasValue(get.body().getBytes(StandardCharsets.UTF_8).length);

    // The connection stays usable after a HEAD: the next response is not misread as its body.
    assertThat(ok("/healthz").get("status").asText()).isEqualTo("ok");
  }

  @Test
  void responsesAreNotCached() throws Exception {
    assertThat(get("/api/v1/nodes").headers().firstValue("cache-control")).contains("no-store");
  }

  /** Writes raw bytes on one connection and reads until the server closes it. */
  private String raw(String requests) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    String responses =
        raw(
            "GET /api/v1/events?limit=10000 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /api/v1/nope HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");

    int first = responses.indexOf("HTTP/1.1 200 OK");
    int second = responses.indexOf("HTTP/1.1 404 Not Found");
    int third = responses.indexOf("HTTP/1.1 200 OK", first + 1);
    assertThat(first).as(responses).isZero();
    assertThat(second).as(responses).isGreaterThan(first);
    assertThat(third).as(responses).isGreaterThan(second);
    assertThat(responses.substring(first, second)).contains("\"action\":\"start\"");
    assertThat(responses.substring(third)).contains("{\"status\":\"ok\"}");
  }

  @Test
  void malformedRequestIsA400Json() throws Exception {
    // After a decoding failure the codec ignores the rest of the connection: the server must
    // close it (raw() reads until it does), or a keep-alive client waits forever.
    String response = raw("GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n");

    assertThat(response)
        .startsWith("HTTP/1.1 400 Bad Request")
        .containsIgnoringCase("connection: close")
        .endsWith("{\"error\":\"malformed HTTP request\"}");
  }

  @Test
  void closeWithOpenConnectionsShutsDownCleanly() throws Exception {
    // Keep-alive connections are still open at close; tearing them down must not hit an executor
    // that already stopped (Netty logs that as a WARN with a RejectedExecutionException). The race
    // doesn't lose every time, hence a few rounds.
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      for (int i = 0; i < 5; i++) {
        HttpApiServer s = new HttpApiServer(model, clock);
        port = s.start("127.0.0.1", 0);
        assertThat(ok("/healthz").get("status").asText()).isEqualTo("ok");
        assertThat(ok("/api/v1/nodes").size()).isEqualTo(2);
        s.close();
      }
    } finally {
      System.setErr(originalErr);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .doesNotContain("RejectedExecutionException")
        .doesNotContain("WARN");
  }

  @Test
  void closeIsIdempotentAndStopsServing() throws Exception {
    server.close();
    server.close();

    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
            .timeout(Duration.ofSeconds(5))
            .build();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }
}
