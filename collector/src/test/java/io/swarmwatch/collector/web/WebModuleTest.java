package io.swarmwatch.collector.web;

import static io.swarmwatch.collector.Protos.node;
import static io.swarmwatch.collector.Protos.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.api.ApiConfig;
import io.swarmwatch.collector.api.HttpApiServer;
import io.swarmwatch.collector.model.ClusterModel;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The page's files and the watch stream over real HTTP. The page itself runs in WebPageIT. */
class WebModuleTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
  private final ClusterModel model = new ClusterModel(clock, 10);
  private final HttpClient http = HttpClient.newHttpClient();
  private WebModule web;
  private HttpApiServer server;
  private int port;

  @BeforeEach
  void start() throws InterruptedException {
    web = new WebModule(model);
    server =
        new HttpApiServer(
            model,
            clock,
            null,
            new ApiConfig(Optional.of("read"), Optional.empty(), false),
            List.of(web));
    port = server.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.close();
    web.close();
  }

  @Test
  void servesThePageWithoutATokenAndOnlyItsOwnFiles() throws Exception {
    var page = get("/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(page.body()).contains("<title>swarmwatch</title>", "/ui/app.js");
    var js = get("/ui/app.js", null);
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
    assertThat(get("/ui/style.css", null).body()).contains(".pill");
    assertThat(get("/ui/index.html", null).statusCode()).isEqualTo(404);
    assertThat(get("/ui/..%2Fapi%2Fopenapi.json", null).statusCode()).isEqualTo(404);
  }

  @Test
  void watchNeedsTheTokenAndSaysWhenTheModelChanges() throws Exception {
    assertThat(get("/api/v1/watch", null).statusCode()).isEqualTo(401);
    var r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/watch"))
                .header("Authorization", "Bearer read")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    try (InputStream body = r.body()) {
      var in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("event: changed");
      String first = in.readLine();
      assertThat(first).startsWith("data: {\"version\":");
      assertThat(in.readLine()).isEmpty();
      model.agentConnected(node("node-1", "alpha"), "1.0");
      model.upsert("node-1", task("w1", "web", 1, "node-1").build());
      assertThat(in.readLine()).isEqualTo("event: changed");
      assertThat(in.readLine()).isNotEqualTo(first).startsWith("data: {\"version\":");
    }
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    var b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
