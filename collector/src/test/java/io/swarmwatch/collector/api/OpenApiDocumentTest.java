package io.swarmwatch.collector.api;

import static io.swarmwatch.collector.Protos.event;
import static io.swarmwatch.collector.Protos.node;
import static io.swarmwatch.collector.Protos.task;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.SwarmProtos;
import io.swarmwatch.collector.ingest.IngestCounters;
import io.swarmwatch.collector.logs.LogStoreConfig;
import io.swarmwatch.collector.logs.LogTail;
import io.swarmwatch.collector.logs.Logs;
import io.swarmwatch.collector.logs.LogsApi;
import io.swarmwatch.collector.logs.LuceneLogStore;
import io.swarmwatch.collector.metrics.ClusterMetrics;
import io.swarmwatch.collector.model.ClusterModel;
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
          "/api/v1/services/{id}", "web");

  /** A valid sample value per query parameter name. */
  private static final Map<String, String> SAMPLES =
      Map.ofEntries(
          Map.entry("since", "10m"),
          Map.entry("until", "2024-05-01T10:00:00Z"),
          Map.entry("limit", "5"),
          Map.entry("status", "ok"),
          Map.entry("stream", "stdout"),
          Map.entry("order", "desc"),
          Map.entry("cursor", "1714557600000000000.1"),
          Map.entry("follow", "false"),
          Map.entry("regex", "x+"));

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final MutableClock clock = new MutableClock(NOW);
  private final ClusterModel model = new ClusterModel(clock, 100);
  private HttpApiServer server;
  private Logs logs;
  @TempDir Path dataDir;
  private int port;

  @BeforeEach
  void start() throws InterruptedException {
    model.agentConnected(node("node-1", "alpha"), "1.2.3");
    model.upsert("node-1", task("w1", "web", 1, "node-1").build());
    model.event("node-1", event(NOW_NANOS - 60_000_000_000L, "start", "w1", "web", 1).build());
    model.swarmView(
        SwarmProtos.view(NOW_NANOS)
            .addServices(SwarmProtos.replicated("web", 1))
            .addNodes(SwarmProtos.node("node-1", "alpha", "manager"))
            .build());
    logs =
        new Logs(
            new LuceneLogStore(
                new LogStoreConfig(
                    dataDir,
                    Duration.ofDays(1),
                    1L << 30,
                    Duration.ofMillis(100),
                    Duration.ofSeconds(1),
                    100),
                clock),
            new LogTail(100));
    server =
        new HttpApiServer(
            model,
            clock,
            new ClusterMetrics(model, new IngestCounters()),
            ApiConfig.open(),
            List.of(new LogsApi(logs)));
    port = server.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.close();
    logs.close();
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
      String url = IDS.containsKey(path) ? path.replace("{id}", IDS.get(path)) : path;
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

  private HttpResponse<String> send(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
