package io.swarmwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.common.Env;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole command lines against canned answers: exit codes, messages, JSON, colours, config. */
class CliTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC);

  static final String NODES =
      """
      [{"id":"n1aaaaaaaaaaaaaaaa","hostname":"node-1","role":"manager","availability":"active",
        "status":"ready","leader":true,"agent":{"connected":true,"version":"1.2.3",
        "lastSeen":"2026-12-03T11:59:58Z"}}]""";
  static final String SERVICES_OK =
      """
      [{"id":"s1","name":"web","stack":"shop","mode":"replicated","desired":2,"running":2,
        "healthy":2,"status":"ok"}]""";
  static final String REPLICAS_OK =
      """
      [{"service":"web","slot":1,"node":"n1","nodeHostname":"node-1","taskId":"t1t1t1t1t1t1t1t1",
        "containerId":"c1c1c1c1c1c1c1c1c1","state":"running","health":"healthy","flags":[]},
       {"service":"web","slot":2,"node":"n1","nodeHostname":"node-1","taskId":"t2t2t2t2t2t2t2t2",
        "containerId":"c2c2c2c2c2c2c2c2c2","state":"running","health":"healthy",
        "flags":[{"rule":"no-limits","severity":"info","since":"2026-12-03T11:00:00Z",
                  "reason":"no memory limit"}]}]""";

  private final CannedApi api = new CannedApi();
  private final Map<String, String> env = new HashMap<>();

  record Run(int code, String out, String err) {}

  @AfterEach
  void stop() {
    api.close();
  }

  Run run(boolean terminal, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    env.putIfAbsent("SWARMWATCH_URL", api.url());
    int code =
        Cli.run(args, new Env(env), new PrintWriter(out), new PrintWriter(err), CLOCK, terminal);
    return new Run(code, out.toString(), err.toString());
  }

  Run run(String... args) {
    return run(false, args);
  }

  private void healthyCluster() {
    api.answer("/api/v1/nodes", NODES)
        .answer("/api/v1/services", SERVICES_OK)
        .answer("/api/v1/replicas", REPLICAS_OK);
  }

  @Test
  void statusOfAHealthyClusterExitsZero() {
    healthyCluster();
    Run r = run("status");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(api.requests).contains("GET /api/v1/replicas?status=unhealthy");
    assertThat(r.out())
        .contains("node-1", "manager (leader)", "connected 1.2.3")
        .contains("web", "2/2")
        .contains("ok: 1 node, 1 service, nothing flagged")
        .doesNotContain("no-limits"); // info flags don't make the list
    assertThat(r.err()).isEmpty();
  }

  @Test
  void statusExitsOneWithTheReasonWhenAReplicaIsFlagged() {
    healthyCluster();
    api.answer(
        "/api/v1/replicas",
        """
        [{"service":"web","slot":1,"nodeHostname":"node-1","state":"running","health":"unhealthy",
          "flags":[{"rule":"unhealthy","severity":"critical","since":"2026-12-03T11:55:00Z",
                    "reason":"probe failed: db unreachable (exit 1)"}]}]""");
    Run r = run("status");
    assertThat(r.code()).isEqualTo(Cli.DEGRADED);
    assertThat(r.out())
        .contains("web.1", "unhealthy", "critical", "5m", "probe failed: db unreachable (exit 1)")
        .contains("degraded: 1 problem", "replica web.1: unhealthy");
  }

  @Test
  void statusOfAnOlderCollectorWithoutFlagsUsesHealthAndTheProbeOutput() {
    api.answer("/api/v1/nodes", NODES)
        .answer(
            "/api/v1/services",
            """
            [{"name":"web","desired":1,"running":1,"healthy":0,"status":"degraded"}]""")
        .answer(
            "/api/v1/replicas",
            """
            [{"service":"web","slot":1,"containerId":"abc123","state":"running",
              "health":"unhealthy"}]""")
        .answer(
            "/api/v1/containers/abc123",
            """
            {"id":"abc123","health":{"status":"unhealthy","failingStreak":3,"log":[
              {"start":"2026-12-03T11:59:00Z","exitCode":0,"output":"ok"},
              {"start":"2026-12-03T11:59:30Z","exitCode":1,"output":"db down\\n"}]}}""");
    api.answer(
        "/api/v1/replicas?status=unhealthy",
        400,
        "{\"error\":\"parameter 'status' is not supported by this collector yet\"}");
    Run r = run("status");
    assertThat(r.code()).as(r.err()).isEqualTo(Cli.DEGRADED);
    assertThat(api.requests)
        .contains("GET /api/v1/replicas?status=unhealthy", "GET /api/v1/replicas");
    assertThat(r.out())
        .contains("health check failing: db down (exit 1)")
        .contains("service web is degraded (1/1 running, 0 healthy)");
  }

  @Test
  void statusScopedToAServiceIgnoresOthersAndNodes() {
    api.answer(
            "/api/v1/nodes",
            """
            [{"id":"n2","hostname":"node-2","status":"down","agent":{"connected":false}}]""")
        .answer(
            "/api/v1/services",
            """
            [{"name":"web","desired":1,"running":1,"healthy":1,"status":"ok"},
             {"name":"batch","desired":1,"running":0,"healthy":0,"status":"down"}]""")
        .answer("/api/v1/replicas", "[]");
    assertThat(run("status", "--service", "web").code()).isZero();
    Run all = run("status");
    assertThat(all.code()).isEqualTo(Cli.DEGRADED);
    assertThat(all.out())
        .contains("node node-2 is down", "node node-2 has no agent connected")
        .contains("service batch is down");
    api.answer("/api/v1/services?stack=gone", "[]");
    Run noStack = run("status", "--stack", "gone");
    assertThat(noStack.code()).isEqualTo(Cli.DEGRADED);
    assertThat(noStack.out()).contains("no services in stack gone");
    Run missing = run("status", "--service", "nope");
    assertThat(missing.code()).isEqualTo(Cli.DEGRADED);
    assertThat(missing.out()).contains("service nope not found");
  }

  @Test
  void jsonOutputIsTheApisJson() throws Exception {
    healthyCluster();
    Run r = run("services", "-o", "json");
    assertThat(r.code()).isZero();
    var parsed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
    assertThat(parsed.get(0).get("name").asText()).isEqualTo("web");
    assertThat(run("--json", "services").out()).isEqualTo(r.out());
    Run status = run("status", "-o", "json");
    var s = new com.fasterxml.jackson.databind.ObjectMapper().readTree(status.out());
    assertThat(s.get("status").asText()).isEqualTo("ok");
    assertThat(s.get("services").size()).isEqualTo(1);
  }

  @Test
  void coloursOnlyOnATerminalAndNotWithNoColor() {
    healthyCluster();
    assertThat(run(true, "services").out()).contains("\u001b[32mok\u001b[0m");
    assertThat(run(true, "services", "--no-color").out()).doesNotContain("\u001b[");
    assertThat(run(false, "services").out()).doesNotContain("\u001b[");
    env.put("NO_COLOR", "1");
    assertThat(run(true, "services").out()).doesNotContain("\u001b[");
  }

  @Test
  void connectionRefusedIsExitThreeWithAClearMessage() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Run r = run("--url", "http://127.0.0.1:" + port, "status");
    assertThat(r.code()).isEqualTo(Cli.API);
    assertThat(r.err())
        .isEqualTo(
            "swarmwatch: cannot reach the collector at http://127.0.0.1:"
                + port
                + ": connection refused"
                + System.lineSeparator());
  }

  @Test
  void httpErrorsShowTheCollectorsMessageAndStatusButNeverTheToken() {
    api.answer(
        "/api/v1/services",
        401,
        "{\"error\":\"missing or wrong bearer token: send 'Authorization: Bearer <token>'\"}");
    Run r = run("services", "--token", "s3cret-token");
    assertThat(r.code()).isEqualTo(Cli.API);
    assertThat(r.err())
        .contains("answered GET /api/v1/services with HTTP 401: missing or wrong bearer token")
        .contains("the token given was not accepted")
        .doesNotContain("s3cret-token");
    assertThat(api.authorizations).contains("Bearer s3cret-token");
    assertThat(run("services").err()).contains("no token given");

    api.answer("/api/v1/containers/zzz", 404, "{\"error\":\"no container 'zzz'\"}");
    Run nf = run("inspect", "zzz");
    assertThat(nf.code()).isEqualTo(Cli.API);
    assertThat(nf.err()).contains("HTTP 404: no container 'zzz'");

    api.answer("/api/v1/nodes", 502, "<html>bad gateway</html>");
    assertThat(run("nodes").err()).contains("HTTP 502: <html>bad gateway</html>");
    api.answer("/api/v1/nodes", 200, "not json");
    assertThat(run("nodes").err()).contains("with something that is not JSON");
  }

  @Test
  void tokenComesFromTheEnvironmentOrItsFile(@TempDir Path dir) throws IOException {
    healthyCluster();
    env.put("SWARMWATCH_API_TOKEN", "from-env");
    assertThat(run("nodes").code()).isZero();
    assertThat(api.authorizations).last().isEqualTo("Bearer from-env");
    assertThat(run("nodes", "--token", "from-flag").code()).isZero();
    assertThat(api.authorizations).last().isEqualTo("Bearer from-flag");

    env.remove("SWARMWATCH_API_TOKEN");
    Path file = Files.writeString(dir.resolve("token"), "from-file\n");
    env.put("SWARMWATCH_API_TOKEN_FILE", file.toString());
    assertThat(run("nodes").code()).isZero();
    assertThat(api.authorizations).last().isEqualTo("Bearer from-file");

    env.put("SWARMWATCH_API_TOKEN", "both");
    Run both = run("nodes");
    assertThat(both.code()).isEqualTo(Cli.USAGE);
    assertThat(both.err()).contains("set SWARMWATCH_API_TOKEN or SWARMWATCH_API_TOKEN_FILE");
    env.remove("SWARMWATCH_API_TOKEN");
    env.put("SWARMWATCH_API_TOKEN_FILE", dir.resolve("missing").toString());
    Run unreadable = run("nodes");
    assertThat(unreadable.code()).isEqualTo(Cli.USAGE);
    assertThat(unreadable.err()).contains("cannot read SWARMWATCH_API_TOKEN_FILE");
  }

  @Test
  void theConfigNeverPrintsTheToken() {
    GlobalOptions o = new GlobalOptions();
    o.token = "hunter2";
    CliConfig c = CliConfig.resolve(o, new Env(Map.of()), false);
    assertThat(c.token()).contains("hunter2");
    assertThat(c.toString()).doesNotContain("hunter2").contains("(set)");
    assertThat(c.url()).hasToString("http://localhost:8080");
  }

  @Test
  void aRouteTheCollectorDoesNotHaveYetSaysItMayBeOlder() {
    Run r = run("alerts");
    assertThat(r.code()).isEqualTo(Cli.API);
    assertThat(r.err())
        .contains("answered GET /api/v1/alerts with HTTP 404: no such route: /api/v1/alerts")
        .contains("the collector may be older than this swarmwatch");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("status", "--bogus").code()).isEqualTo(Cli.USAGE);
    assertThat(run().code()).isEqualTo(Cli.USAGE);
    assertThat(run("logs").err()).contains("name a SERVICE or give --container ID");
    assertThat(run("--url", "localhost:8080", "nodes").err())
        .contains("the collector URL must look like http://host:8080");
    assertThat(run("logs", "web", "--stream", "both").code()).isEqualTo(Cli.USAGE);
    assertThat(run("silence", "add", "-m", "service", "-d", "1h", "-c", "x").err())
        .contains("--matcher must be name=value or name=~regex");
    assertThat(run("silence", "add", "-m", "service=web", "-d", "soon", "-c", "x").err())
        .contains("--duration: 'soon' is not a duration");
    assertThat(run("silence", "add", "-m", "service=web", "-d", "1h").code())
        .isEqualTo(Cli.USAGE); // --comment is required
    assertThat(run("--timeout", "0s", "nodes").code()).isEqualTo(Cli.USAGE);
    assertThat(run("--help").code()).isZero();
    Run help = run("logs", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--follow", "Exit codes:");
    assertThat(run("silence", "add", "-h").code()).isZero();
    assertThat(run("silence").code()).isEqualTo(Cli.USAGE);
  }

  @Test
  void queryParametersAreEncoded() {
    api.answer("/api/v1/events", "[]");
    run("events", "--service", "a b&c", "--since", "10m", "--limit", "5");
    assertThat(api.requests)
        .last()
        .isEqualTo("GET /api/v1/events?service=a+b%26c&since=10m&limit=5");
    api.answer("/api/v1/replicas", "[]");
    run("replicas", "--unhealthy", "--node", "node-1");
    assertThat(api.requests).last().isEqualTo("GET /api/v1/replicas?node=node-1&status=unhealthy");
  }
}
