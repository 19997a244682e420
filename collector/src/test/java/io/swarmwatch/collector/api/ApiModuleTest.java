package io.swarmwatch.collector.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.model.ClusterModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A feature module's routes over real HTTP: methods, templates, bodies, statuses and SSE. */
class ApiModuleTest {
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, String> notes = new ConcurrentHashMap<>();
  private final CountDownLatch streamClosed = new CountDownLatch(1);
  private HttpApiServer server;
  private int port;

  /** Notes: a tiny CRUD resource plus an event stream, the shapes real modules use. */
  private final ApiModule notesModule =
      new ApiModule() {
        @Override
        public void routes(Router r) {
          r.get("/api/v1/notes", q -> notes);
          r.get("/api/v1/notes/latest", q -> Map.of("latest", true));
          r.get(
              "/api/v1/notes/{id}",
              q -> {
                String v = notes.get(q.pathParam("id"));
                if (v == null) {
                  throw ApiException.notFound("no note '" + q.pathParam("id") + "'");
                }
                return Map.of("id", q.pathParam("id"), "text", v);
              });
          r.post(
              "/api/v1/notes",
              q -> {
                JsonNode b = q.jsonBody();
                String id = b.path("id").asText();
                notes.put(id, b.path("text").asText());
                return ApiResponse.created(Map.of("id", id), "/api/v1/notes/" + id);
              });
          r.delete(
              "/api/v1/notes/{id}",
              q -> {
                notes.remove(q.pathParam("id"));
                return ApiResponse.noContent();
              });
          r.get(
              "/api/v1/notes/stream",
              q -> {
                q.params().allow(Set.of("n"));
                int n = q.params().integer("n", 2, 1, 10);
                return (EventStream)
                    sink -> {
                      sink.onClose(streamClosed::countDown);
                      for (int i = 0; i < n; i++) {
                        assertThat(sink.send("note", Map.of("i", i))).isTrue();
                      }
                    };
              });
        }
      };

  @BeforeEach
  void start() throws InterruptedException {
    var clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
    server =
        new HttpApiServer(
            new ClusterModel(clock, 10), clock, null, ApiConfig.open(), List.of(notesModule));
    port = server.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void postGetDeleteThroughTemplates() throws Exception {
    var created = send("POST", "/api/v1/notes", "{\"id\":\"a b\",\"text\":\"hello\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).contains("/api/v1/notes/a b");
    var got = send("GET", "/api/v1/notes/a%20b", null);
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(json.readTree(got.body()).get("text").asText()).isEqualTo("hello");
    // A literal route wins over the template at the same place.
    assertThat(json.readTree(send("GET", "/api/v1/notes/latest", null).body()).has("latest"))
        .isTrue();
    assertThat(send("DELETE", "/api/v1/notes/a%20b", null).statusCode()).isEqualTo(204);
    var gone = send("GET", "/api/v1/notes/a%20b", null);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(json.readTree(gone.body()).get("error").asText()).isEqualTo("no note 'a b'");
  }

  @Test
  void wrongMethodIs405WithAllowAndBadBodyIs400() throws Exception {
    var r = send("PUT", "/api/v1/notes", "{}");
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow").orElseThrow()).contains("GET", "POST", "HEAD");
    var bad = send("POST", "/api/v1/notes", "{not json");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json.readTree(bad.body()).get("error").asText())
        .startsWith("request body is not valid JSON");
    assertThat(send("POST", "/api/v1/notes", "").statusCode()).isEqualTo(400);
    assertThat(send("POST", "/api/v1/nodes", "{}").statusCode()).isEqualTo(405);
  }

  @Test
  void eventStreamSendsEventsAndClosesWithTheClient() throws Exception {
    var req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/notes/stream?n=3"))
            .timeout(Duration.ofSeconds(10))
            .build();
    HttpResponse<java.io.InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/event-stream");
    var in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
    for (int i = 0; i < 3; i++) {
      assertThat(in.readLine()).isEqualTo("event: note");
      assertThat(in.readLine()).isEqualTo("data: {\"i\":" + i + "}");
      assertThat(in.readLine()).isEmpty();
    }
    in.close();
    assertThat(streamClosed.await(10, TimeUnit.SECONDS)).as("onClose ran").isTrue();
    var bad = send("GET", "/api/v1/notes/stream?n=0", null);
    assertThat(bad.statusCode()).isEqualTo(400);
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    var b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
