package io.swarmwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged command line against a real local HTTP server that answers the routes being built in
 * parallel (logs with Link paging and server-sent events, alerts, alert history, silences) in
 * exactly the shapes agreed for them: what the CLI sends, and what it prints.
 */
class CliNewRoutesIT {
  private static final String READ = "read-token";
  private static final String ADMIN = "admin-token";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String PAGE_1 =
      """
      [{"time":"2026-12-03T10:00:01.000000001Z","service":"web","stack":"shop",
        "taskId":"abcdefghijklmnopqrstuvwxy","slot":1,"containerId":"c1","node":"node-1",
        "stream":"stdout","line":"line 1"},
       {"time":"2026-12-03T10:00:02Z","service":"web","stack":"shop",
        "taskId":"abcdefghijklmnopqrstuvwxy","slot":1,"containerId":"c1","node":"node-1",
        "stream":"stderr","line":"line 2"},
       {"time":"2026-12-03T10:00:03Z","service":"web","stack":"shop",
        "taskId":"zyxwvutsrqponmlkjihgfedcb","slot":2,"containerId":"c2","node":"node-2",
        "stream":"stdout","line":"line 3"}]""";
  private static final String PAGE_2 =
      """
      [{"time":"2026-12-03T10:00:04Z","service":"web","stack":"shop",
        "taskId":"zyxwvutsrqponmlkjihgfedcb","slot":2,"containerId":"c2","node":"node-2",
        "stream":"stdout","line":"line 4"}]""";
  private static final String ALERTS =
      """
      [{"id":"inc-7f3a9c","rule":"unhealthy","severity":"critical","service":"shop_web",
        "stack":"shop","status":"firing","startsAt":"2026-12-03T09:58:00Z",
        "updatedAt":"2026-12-03T09:59:00Z","summary":"2 of 3 replicas of shop_web unhealthy",
        "replicas":[
          {"subject":"shop_web.1","slot":1,"node":"node-1","taskId":"t1","containerId":"c1",
           "reason":"probe failed: db unreachable (exit 1)","since":"2026-12-03T09:58:00Z"},
          {"subject":"shop_web.3","slot":3,"node":"node-2","taskId":"t3","containerId":"c3",
           "reason":"probe failed:\\n  timeout after 5s","since":"2026-12-03T09:58:30Z"}],
        "labels":{"service":"shop_web"},"silenced":false,"silencedBy":null},
       {"id":"inc-88","rule":"oom-killed","severity":"warning","service":"batch","stack":null,
        "status":"firing","startsAt":"2026-12-03T09:00:00Z","summary":"batch OOM-killed",
        "replicas":[],"labels":{},"silenced":true,"silencedBy":"s-1"}]""";
  private static final String HISTORY =
      """
      [{"time":"2026-12-03T09:58:01Z","incidentId":"inc-7f3a9c","rule":"unhealthy",
        "service":"shop_web","kind":"firing","receiver":"slack-ops","outcome":"failed",
        "attempt":1,"httpStatus":429,"error":"rate limited"},
       {"time":"2026-12-03T09:58:04Z","incidentId":"inc-7f3a9c","rule":"unhealthy",
        "service":"shop_web","kind":"firing","receiver":"slack-ops","outcome":"sent",
        "attempt":2,"httpStatus":200,"error":null}]""";
  private static final String SILENCE =
      """
      {"id":"s-1","matchers":[{"name":"service","value":"web","isRegex":false},
        {"name":"rule","value":"crash.*","isRegex":true}],
       "startsAt":"2026-12-03T10:00:00Z","endsAt":"2026-12-03T12:00:00Z",
       "comment":"deploy in progress","author":"ops","state":"active"}""";

  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> posted = new CopyOnWriteArrayList<>();
  private final CountDownLatch moreLines = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/logs", this::logs);
    server.createContext(
        "/api/v1/alerts",
        ex -> reply(ex, 200, ex.getRequestURI().getPath().endsWith("/history") ? HISTORY : ALERTS));
    server.createContext("/api/v1/silences", this::silences);
    server.start();
  }

  @AfterEach
  void stop() {
    moreLines.countDown();
    server.stop(0);
  }

  private Map<String, String> env(String token) {
    return Map.of(
        "SWARMWATCH_URL",
        "http://127.0.0.1:" + server.getAddress().getPort(),
        "SWARMWATCH_API_TOKEN",
        token);
  }

  @Test
  void logsFollowTheLinkHeaderPageByPage() {
    CliProcess.Result r =
        CliProcess.run(
            env(READ),
            "logs",
            "web",
            "--since",
            "1h",
            "-q",
            "err.*",
            "--regex",
            "--node",
            "node-1",
            "--stream",
            "stderr");
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out())
        .isEqualTo(
            """
            web.1.abcdefghijkl@node-1 | line 1
            web.1.abcdefghijkl@node-1 | line 2
            web.2.zyxwvutsrqpo@node-2 | line 3
            web.2.zyxwvutsrqpo@node-2 | line 4
            """);
    assertThat(requests)
        .containsExactly(
            "GET /api/v1/logs?service=web&since=1h&q=err.*&regex=true&node=node-1&stream=stderr"
                + " Bearer read-token",
            "GET /api/v1/logs?service=web&cursor=2 Bearer read-token");

    requests.clear();
    CliProcess.Result two = CliProcess.run(env(READ), "logs", "web", "--limit", "2", "-t");
    assertThat(two.out())
        .isEqualTo(
            """
            2026-12-03T10:00:01.000000001Z web.1.abcdefghijkl@node-1 | line 1
            2026-12-03T10:00:02Z web.1.abcdefghijkl@node-1 | line 2
            """);
    assertThat(requests).containsExactly("GET /api/v1/logs?service=web&limit=2 Bearer read-token");

    CliProcess.Result json = CliProcess.run(env(READ), "logs", "--container", "c1", "-o", "json");
    assertThat(json.out().lines()).hasSize(4).allMatch(l -> l.startsWith("{\"time\":"));
  }

  @Test
  void logsFollowPrintsLinesAsTheyArriveAndWarnsOfOverflow() {
    try (CliProcess p = CliProcess.start(env(READ), "logs", "web", "-f", "--no-trunc")) {
      await("the first lines, before the stream ends")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> p.stdout().contains("line 2") && p.stderr().contains("skipped"));
      assertThat(p.alive()).as("still following").isTrue();
      assertThat(p.stdout())
          .isEqualTo(
              "web.1.abcdefghijklmnopqrstuvwxy@node-1 | line 1\n"
                  + "web.1.abcdefghijklmnopqrstuvwxy@node-1 | line 2\n");
      assertThat(p.stderr())
          .isEqualTo(
              "warning: the collector skipped 7 lines: this client read too slowly to keep up\n");
      moreLines.countDown();
      CliProcess.Result r = p.await();
      assertThat(r.exit()).as("%s", r).isZero();
      assertThat(r.out()).endsWith("web.2.zyxwvutsrqponmlkjihgfedcb@node-2 | line 3\n");
      assertThat(r.err()).endsWith("warning: the collector ended the stream\n");
    }
    assertThat(requests)
        .containsExactly("GET /api/v1/logs?service=web&follow=true Bearer read-token");
  }

  @Test
  void alertsAndTheirHistory() throws IOException {
    CliProcess.Result r = CliProcess.run(env(READ), "alerts");
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out())
        .containsPattern(
            "inc-7f3a9c\\s+shop_web\\s+unhealthy\\s+critical\\s+firing\\s+\\S+\\s+2\\s+2 of 3 replicas")
        .containsPattern("inc-88\\s+batch\\s+oom-killed\\s+warning\\s+silenced by s-1\\s+\\S+\\s+0")
        .containsPattern(
            "inc-7f3a9c\\s+shop_web\\.1\\s+node-1\\s+\\S+\\s+probe failed: db unreachable \\(exit 1\\)")
        .contains("probe failed: timeout after 5s");

    CliProcess.Result json = CliProcess.run(env(READ), "alerts", "-o", "json");
    assertThat(JSON.readTree(json.out())).isEqualTo(JSON.readTree(ALERTS));

    CliProcess.Result h = CliProcess.run(env(READ), "alerts", "history");
    assertThat(h.exit()).as("%s", h).isZero();
    assertThat(h.out())
        .containsPattern(
            "2026-12-03T09:58:01Z\\s+inc-7f3a9c\\s+unhealthy\\s+shop_web\\s+firing\\s+slack-ops\\s+failed\\s+1\\s+429\\s+rate limited")
        .containsPattern("slack-ops\\s+sent\\s+2\\s+200\\s+-");
  }

  @Test
  void silencesAddListAndExpire() throws IOException {
    CliProcess.Result add =
        CliProcess.run(
            env(ADMIN),
            "silence",
            "add",
            "--matcher",
            "service=web",
            "-m",
            "rule=~crash.*",
            "--duration",
            "2h",
            "--comment",
            "deploy in progress",
            "--author",
            "ops");
    assertThat(add.exit()).as("%s", add).isZero();
    assertThat(add.out())
        .isEqualTo("silence s-1 added: service=web, rule=~crash.* until 2026-12-03T12:00:00Z\n");
    assertThat(posted).hasSize(1);
    assertThat(JSON.readTree(posted.get(0)))
        .isEqualTo(
            JSON.readTree(
                """
                {"matchers":[{"name":"service","value":"web","isRegex":false},
                             {"name":"rule","value":"crash.*","isRegex":true}],
                 "duration":"2h","comment":"deploy in progress","author":"ops"}"""));

    CliProcess.Result readOnly =
        CliProcess.run(env(READ), "silence", "add", "-m", "service=web", "-d", "1h", "-c", "x");
    assertThat(readOnly.exit()).as("%s", readOnly).isEqualTo(3);
    assertThat(readOnly.err())
        .contains("answered POST /api/v1/silences with HTTP 403: this token may only read");

    CliProcess.Result ls = CliProcess.run(env(READ), "silence", "ls");
    assertThat(ls.out())
        .containsPattern(
            "s-1\\s+active\\s+service=web, rule=~crash\\.\\*\\s+2026-12-03T10:00:00Z\\s+2026-12-03T12:00:00Z\\s+ops\\s+deploy in progress");

    CliProcess.Result expire = CliProcess.run(env(ADMIN), "silence", "expire", "s-1");
    assertThat(expire.exit()).as("%s", expire).isZero();
    assertThat(expire.out()).isEqualTo("silence s-1 expired\n");
    assertThat(requests).contains("DELETE /api/v1/silences/s-1 Bearer admin-token");

    CliProcess.Result unknown = CliProcess.run(env(ADMIN), "silence", "expire", "s-404");
    assertThat(unknown.exit()).isEqualTo(3);
    assertThat(unknown.err()).contains("HTTP 404: no silence 's-404'");
  }

  private void logs(HttpExchange ex) throws IOException {
    record(ex);
    String q = ex.getRequestURI().getRawQuery();
    if (q != null && q.contains("follow=true")) {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        JsonLines lines = new JsonLines(JSON.readTree(PAGE_1));
        send(out, ": keepalive\n\n");
        send(out, "event: line\ndata: " + lines.get(0) + "\n\n");
        send(out, "event: line\ndata: " + lines.get(1) + "\n\n");
        send(out, "event: overflow\ndata: {\"dropped\":7}\n\n");
        try {
          moreLines.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        send(out, "event: line\ndata: " + lines.get(2) + "\n\n");
      }
      return;
    }
    if (q != null && q.contains("cursor=2")) {
      reply(ex, 200, PAGE_2);
      return;
    }
    String body = PAGE_1;
    if (q != null && q.contains("limit=2")) {
      var two =
          JSON.createArrayNode()
              .add(JSON.readTree(PAGE_1).get(0))
              .add(JSON.readTree(PAGE_1).get(1));
      body = two.toString();
    } else {
      ex.getResponseHeaders().add("Link", "</api/v1/logs?service=web&cursor=2>; rel=\"next\"");
    }
    reply(ex, 200, body);
  }

  private void silences(HttpExchange ex) throws IOException {
    record(ex);
    String method = ex.getRequestMethod();
    boolean admin = ("Bearer " + ADMIN).equals(ex.getRequestHeaders().getFirst("Authorization"));
    if (!method.equals("GET") && !admin) {
      reply(ex, 403, "{\"error\":\"this token may only read; writes need the admin token\"}");
    } else if (method.equals("GET")) {
      reply(ex, 200, "[" + SILENCE + "]");
    } else if (method.equals("POST")) {
      posted.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.getResponseHeaders().set("Location", "/api/v1/silences/s-1");
      reply(ex, 201, SILENCE);
    } else if (method.equals("DELETE") && ex.getRequestURI().getPath().endsWith("/s-1")) {
      ex.sendResponseHeaders(204, -1);
      ex.close();
    } else {
      String id = ex.getRequestURI().getPath().substring("/api/v1/silences/".length());
      reply(ex, 404, "{\"error\":\"no silence '" + id + "'\"}");
    }
  }

  private void record(HttpExchange ex) {
    requests.add(
        ex.getRequestMethod()
            + " "
            + ex.getRequestURI()
            + " "
            + ex.getRequestHeaders().getFirst("Authorization"));
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  private static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Log line objects as one-line JSON, as the collector's SSE {@code data:} carries them. */
  private record JsonLines(com.fasterxml.jackson.databind.JsonNode array) {
    String get(int i) {
      return array.get(i).toString();
    }
  }
}
