package io.swarmwatch.collector.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.api.ApiConfig;
import io.swarmwatch.collector.api.HttpApiServer;
import io.swarmwatch.collector.ingest.IngestCounters;
import io.swarmwatch.collector.metrics.ClusterMetrics;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.proto.v1.LogBatch;
import io.swarmwatch.proto.v1.LogStream;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/v1/logs over real HTTP against a real (temporary) Lucene store. */
class LogsApiTest {
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final MutableClock clock = new MutableClock(LuceneLogStoreTest.NOW);
  @TempDir Path dir;
  private Logs logs;
  private HttpApiServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    logs =
        new Logs(
            new LuceneLogStore(
                new LogStoreConfig(
                    dir,
                    Duration.ofDays(1),
                    1L << 30,
                    Duration.ofMillis(50),
                    Duration.ofSeconds(1),
                    1000),
                clock),
            new LogTail(1000));
    logs.ingest("node-1", "alpha", LuceneLogStoreTest.batch());
    logs.store().refresh();
    ClusterModel model = new ClusterModel(clock, 10);
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

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void filtersAndPagesWithTheLinkHeader() throws Exception {
    List<String> lines = new ArrayList<>();
    String next = "/api/v1/logs?service=web&limit=40";
    int pages = 0;
    while (next != null) {
      HttpResponse<String> r = get(next);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      json.readTree(r.body()).forEach(l -> lines.add(l.get("line").asText()));
      next =
          r.headers()
              .firstValue("Link")
              .map(h -> h.substring(h.indexOf('<') + 1, h.indexOf('>')))
              .orElse(null);
      if (next != null) {
        assertThat(r.headers().firstValue("Link").get())
            .endsWith("; rel=\"next\"")
            .contains("service=web");
      }
      pages++;
    }
    assertThat(pages).isEqualTo(3);
    assertThat(lines).hasSize(100);
    assertThat(lines.get(0)).isEqualTo("GET /item/1 status=200");
    assertThat(lines.get(99)).isEqualTo("GET /item/100 status=200");

    JsonNode one =
        json.readTree(get("/api/v1/logs?service=db&stream=stderr&order=desc&limit=1").body())
            .get(0);
    assertThat(one.get("line").asText()).isEqualTo("ERROR connection refused by peer 50");
    assertThat(one.get("service").asText()).isEqualTo("db");
    assertThat(one.get("stack").asText()).isEqualTo("shop");
    assertThat(one.get("slot").asInt()).isEqualTo(1);
    assertThat(one.get("taskId").asText()).isEqualTo("taskc2");
    assertThat(one.get("containerId").asText()).isEqualTo("c2");
    assertThat(one.get("node").asText()).isEqualTo("node-1");
    assertThat(one.get("stream").asText()).isEqualTo("stderr");
    assertThat(one.get("time").asText()).endsWith("Z");

    String q = URLEncoder.encode("\"connection refused\"", StandardCharsets.UTF_8);
    assertThat(json.readTree(get("/api/v1/logs?q=" + q + "&node=alpha").body())).hasSize(10);
    String re = URLEncoder.encode("peer [1-2]0$", StandardCharsets.UTF_8);
    assertThat(json.readTree(get("/api/v1/logs?regex=" + re).body())).hasSize(2);
  }

  @Test
  void badParametersAreFourHundredsThatSayWhy() throws Exception {
    HttpResponse<String> r =
        get("/api/v1/logs?regex=" + URLEncoder.encode("a(b", StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json.readTree(r.body()).get("error").asText())
        .contains("regex")
        .contains("Unclosed group");
    assertThat(get("/api/v1/logs?order=up").statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/logs?cursor=zzz").statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/logs?stream=stdin").statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/logs?since=1h&until=2h").statusCode()).isEqualTo(400);
  }

  @Test
  void followSendsTheNewestLinesThenLiveOnes() throws Exception {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/api/v1/logs?follow=true&service=web&limit=2"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> events = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (var in =
                  new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.startsWith("data: ")) {
                    events.add(json.readTree(line.substring(6)).get("line").asText());
                  }
                }
              } catch (Exception e) {
                // the test ends the stream
              }
            });
    reader.setDaemon(true);
    reader.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 2);
    logs.ingest(
        "node-1",
        "alpha",
        LogBatch.newBuilder()
            .addSources(LuceneLogStoreTest.source("c1", "web", 1))
            .addSources(LuceneLogStoreTest.source("c2", "db", 1))
            .addLines(
                LuceneLogStoreTest.line(
                    "c2", 51, LuceneLogStoreTest.NOW_NANOS, LogStream.STDOUT, "not web"))
            .addLines(
                LuceneLogStoreTest.line(
                    "c1", 101, LuceneLogStoreTest.NOW_NANOS, LogStream.STDOUT, "live one"))
            .build());
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 3);
    assertThat(events)
        .containsExactly("GET /item/99 status=200", "GET /item/100 status=200", "live one");
    r.body().close();
  }
}
