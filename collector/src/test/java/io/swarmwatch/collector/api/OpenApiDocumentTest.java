package io.swarmwatch.collector.api;

import static io.swarmwatch.collector.Protos.event;
import static io.swarmwatch.collector.Protos.node;
import static io.swarmwatch.collector.Protos.task;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.SwarmProtos;
import io.swarmwatch.collector.alert.Alerting;
import io.swarmwatch.collector.alert.config.AlertRulesParser;
import io.swarmwatch.collector.ingest.IngestCounters;
import io.swarmwatch.collector.metrics.ClusterMetrics;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.collector.rules.RuleEngine;
import io.swarmwatch.collector.rules.RulesApi;
import io.swarmwatch.collector.rules.RulesConfig;
import io.swarmwatch.collector.web.WebModule;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document and the server agree: every route is documented, every documented route
 * answers over real HTTP, and every documented query parameter is one the route accepts.
 */
class OpenApiDocumentTest {
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
  private static final long NOW_NANOS = 1_714_557_600_000_000_000L;

  /** Values for path parameters that exist in the model below. */
  private static final Map<String, String> IDS =
      Map.of(
          "/api/v1/containers/{id}", "w1",
          "/api/v1/nodes/{id}", "node-1",
          "/api/v1/services/{id}", "web",
          "/ui/{file}", "app.js");

  /** A valid sample value per query parameter name. */
  private static final Map<String, String> SAMPLES =
      Map.of(
          "since", "10m",
          "until", "2024-05-01T10:00:00Z",
          "limit", "5",
          "status", "ok",
          "rule", "unhealthy",
          "type", "replica",
          "severity", "warning",
          "service", "web");

  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, String> ids = new java.util.HashMap<>(IDS);
  private final HttpClient http = HttpClient.newHttpClient();
  private final MutableClock clock = new MutableClock(NOW);
  private final ClusterModel model = new ClusterModel(clock, 100);
  private final WebModule web = new WebModule(model);
  private final RuleEngine rules = new RuleEngine(model, RulesConfig.defaults(), clock);
  private HttpApiServer server;
  private Alerting alerting;
  private int port;
  @TempDir Path alertsDir;

  @BeforeEach
  void start() throws Exception {
    rules.start();
    model.agentConnected(node("node-1", "alpha"), "1.2.3");
    model.upsert("node-1", task("w1", "web", 1, "node-1").build());
    model.event("node-1", event(NOW_NANOS - 60_000_000_000L, "start", "w1", "web", 1).build());
    model.swarmView(
        SwarmProtos.view(NOW_NANOS)
            .addServices(SwarmProtos.replicated("web", 1))
            .addNodes(SwarmProtos.node("node-1", "alpha", "manager"))
            .build());
    // Feature modules document their own routes: include every one the collector serves.
    alerting =
        new Alerting(
            AlertRulesParser.parse(
                "receivers:\n  - {name: ops, type: webhook, url: \"http://127.0.0.1:9/\"}\n",
                "t.yml"),
            alertsDir,
            "",
            clock);
    server =
        new HttpApiServer(
            model,
            clock,
            new ClusterMetrics(model, new IngestCounters()),
            ApiConfig.open(),
            List.of(new RulesApi(rules, model), web, alerting.api()));
    port = server.start("127.0.0.1", 0);
    HttpResponse<String> silence =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/silences"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"matchers\":[{\"name\":\"service\",\"value\":\"web\"}],"
                            + "\"duration\":\"1h\",\"comment\":\"c\",\"author\":\"a\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    ids.put("/api/v1/silences/{id}", json.readTree(silence.body()).get("id").asText());
  }

  @AfterEach
  void stop() {
    server.close();
    web.close();
    rules.close();
    alerting.close();
  }

  @Test
  void everyRouteIsDocumented() throws Exception {
    JsonNode paths = get("/api/v1/openapi.json").get("paths");
    List<String> served = server.paths();
    assertThat(served).allSatisfy(p -> assertThat(paths.has(p)).as("%s documented", p).isTrue());
  }

  @Test
  void everyDocumentedRouteAndParameterAnswers() throws Exception {
    JsonNode doc = get("/api/v1/openapi.json");
    assertThat(doc.get("openapi").asText()).startsWith("3.");
    var names = new TreeSet<String>();
    doc.get("paths").fieldNames().forEachRemaining(names::add);
    for (String path : names) {
      JsonNode op = doc.at("/paths/" + path.replace("/", "~1") + "/get");
      assertThat(op.isMissingNode()).as("GET %s", path).isFalse();
      String url = ids.containsKey(path) ? path.replaceAll("\\{[a-z]+}", ids.get(path)) : path;
      HttpResponse<String> r = send(url);
      assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
      for (JsonNode param : op.path("parameters")) {
        if (!param.get("in").asText().equals("query")) {
          continue;
        }
        String name = param.get("name").asText();
        String value = SAMPLES.getOrDefault(name, "x");
        HttpResponse<String> withParam =
            send(url + "?" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        assertThat(withParam.statusCode())
            .as("GET %s?%s=%s: %s", url, name, value, withParam.body())
            .isEqualTo(200);
      }
    }
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r = send(path);
    assertThat(r.statusCode()).as("GET %s", path).isEqualTo(200);
    return json.readTree(r.body());
  }

  /**
   * The status and, unless it is an event stream (which never ends), the body. An event stream's
   * body is the first event, which every stream route sends at once.
   */
  private HttpResponse<String> send(String path) throws Exception {
    HttpResponse<java.io.InputStream> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    String body;
    try (var in = r.body()) {
      if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
        var reader =
            new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        body = reader.readLine() + "\n" + reader.readLine();
      } else {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    return new StringResponse(r, body);
  }

  /** An HttpResponse whose body was read as a string above. */
  private record StringResponse(HttpResponse<?> r, String body) implements HttpResponse<String> {
    @Override
    public int statusCode() {
      return r.statusCode();
    }

    @Override
    public HttpRequest request() {
      return r.request();
    }

    @Override
    public java.util.Optional<HttpResponse<String>> previousResponse() {
      return java.util.Optional.empty();
    }

    @Override
    public java.net.http.HttpHeaders headers() {
      return r.headers();
    }

    @Override
    public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
      return r.sslSession();
    }

    @Override
    public URI uri() {
      return r.uri();
    }

    @Override
    public HttpClient.Version version() {
      return r.version();
    }
  }
}
