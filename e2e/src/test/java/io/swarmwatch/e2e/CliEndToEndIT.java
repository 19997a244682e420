package io.swarmwatch.e2e;

import static io.swarmwatch.testing.TestEngine.docker;
import static io.swarmwatch.testing.TestEngine.dockerQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmwatch.testing.TestEngine;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged {@code swarmwatch} command line against the packaged collector and agent on the real
 * test swarm, with API tokens on: what it prints for a real service, its exit codes for a healthy
 * and a broken service, and its messages for a wrong token and a collector that is down.
 */
class CliEndToEndIT {
  private static final String TOKEN = "cli-e2e-read-token";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static JarProcess collector;
  private static JarProcess agent;
  private static int http;
  private final List<String> services = new ArrayList<>();

  @BeforeAll
  static void startCollectorAndAgent() throws IOException {
    String dockerHost = TestEngine.require();
    http = freePort();
    int grpc = freePort();
    collector =
        JarProcess.start(
            "cli-collector",
            "swarmwatch.collector.jar",
            Map.of(
                "SWARMWATCH_BIND",
                "127.0.0.1",
                "SWARMWATCH_HTTP_PORT",
                Integer.toString(http),
                "SWARMWATCH_GRPC_PORT",
                Integer.toString(grpc),
                "SWARMWATCH_API_TOKEN",
                TOKEN));
    Api open = new Api(http);
    await("collector ready (" + collector + ")")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> collector.alive() && open.ready());
    agent =
        JarProcess.start(
            "cli-agent",
            "swarmwatch.agent.jar",
            Map.of(
                "DOCKER_HOST",
                dockerHost,
                "SWARMWATCH_COLLECTOR",
                "127.0.0.1:" + grpc,
                "SWARMWATCH_USAGE_INTERVAL",
                "1s"));
    await("agent connected (" + agent + ")")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> get("/api/v1/nodes").path(0).at("/agent/connected").asBoolean());
  }

  @AfterAll
  static void stopProcesses() throws InterruptedException {
    if (agent != null) {
      agent.stop();
    }
    if (collector != null) {
      collector.stop();
    }
  }

  @AfterEach
  void removeServices() {
    services.forEach(s -> dockerQuietly("service", "rm", s));
  }

  private static Map<String, String> env() {
    return Map.of("SWARMWATCH_URL", "http://127.0.0.1:" + http, "SWARMWATCH_API_TOKEN", TOKEN);
  }

  @Test
  void showsARealServiceItsReplicasContainerAndEvents() throws Exception {
    String service = createService("--replicas", "2", "swarmwatch-test/healthy:1");
    await("both replicas running and healthy")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              JsonNode s = get("/api/v1/services/" + service);
              return s.path("status").asText().equals("ok") && s.path("healthy").asInt() == 2;
            });

    CliProcess.Result services = CliProcess.run(env(), "services");
    assertThat(services.exit()).as("%s", services).isZero();
    assertThat(services.out()).containsPattern(service + "\\s+-\\s+replicated\\s+2/2\\s+2\\s+ok");

    CliProcess.Result status = CliProcess.run(env(), "status", "--service", service);
    assertThat(status.exit()).as("%s", status).isZero();
    assertThat(status.out()).contains("ok: 1 service, nothing flagged");

    CliProcess.Result replicas = CliProcess.run(env(), "replicas", "--service", service);
    assertThat(replicas.exit()).as("%s", replicas).isZero();
    assertThat(replicas.out())
        .containsPattern(service + "\\.1\\s+\\S+\\s+running\\s+healthy")
        .containsPattern(service + "\\.2\\s+\\S+\\s+running\\s+healthy")
        .contains("/ 32MiB");

    CliProcess.Result ps = CliProcess.run(env(), "ps", service);
    assertThat(ps.exit()).as("%s", ps).isZero();
    JsonNode first = get("/api/v1/replicas?service=" + service).get(0);
    String taskId = first.path("taskId").asText();
    String containerId = first.path("containerId").asText();
    assertThat(ps.out())
        .contains(service + "  ok  2/2 running, 2 healthy")
        .containsPattern(service + "\\.\\d\\s+" + taskId.substring(0, 12) + "\\s+\\S+\\s+running");

    CliProcess.Result json = CliProcess.run(env(), "replicas", "--service", service, "-o", "json");
    assertThat(json.exit()).as("%s", json).isZero();
    assertThat(JSON.readTree(json.out()).size()).isEqualTo(2);

    CliProcess.Result events =
        CliProcess.run(env(), "events", "--container", containerId, "--type", "start");
    assertThat(events.exit()).as("%s", events).isZero();
    assertThat(events.out())
        .containsPattern(
            "\\d{4}-\\d\\d-\\d\\dT[\\d:]+Z\\s+start\\s+" + service + "\\.\\d\\." + taskId);

    // The probe's own output, kept by the collector even after swarm replaces the task.
    docker("exec", containerId, "sh", "-c", "echo 'cache at 10.9.9.9 refused' > /tmp/unhealthy");
    await("the collector saw the failing probe")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(
            () ->
                get("/api/v1/containers/" + containerId)
                    .at("/health/log")
                    .toString()
                    .contains("cache at 10.9.9.9 refused"));
    CliProcess.Result inspect = CliProcess.run(env(), "inspect", containerId.substring(0, 12));
    assertThat(inspect.exit()).as("%s", inspect).isZero();
    assertThat(inspect.out())
        .contains("Container  " + containerId)
        .contains("Service    " + service + " slot ")
        .contains("Health log (oldest first)")
        .containsPattern("exit 1\\s+probe failed: cache at 10.9.9.9 refused")
        .contains("com.docker.swarm.service.name=" + service);
  }

  @Test
  void aServiceThatCannotBePlacedMakesStatusExitOneWithTheSchedulersReason() {
    // No node has this label: the task stays pending with the scheduler's error, every time.
    String service =
        createService("--constraint", "node.labels.cli-e2e-nowhere==1", "swarmwatch-test/plain:1");
    await("the scheduler's error on the pending task")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () ->
                get("/api/v1/replicas?service=" + service)
                    .path(0)
                    .at("/task/error")
                    .asText()
                    .contains("no suitable node"));
    CliProcess.Result status = CliProcess.run(env(), "status", "--service", service);
    assertThat(status.exit()).as("%s", status).isEqualTo(1);
    assertThat(status.out())
        .containsPattern(
            service + "\\.1\\s+-\\s+\\S+\\s+(critical|warning)\\s+\\S+\\s+no suitable node")
        .contains("degraded: ")
        .contains("service " + service + " is down (0/1 running, 0 healthy)");
    // Unscoped, the broken service still fails the whole check.
    assertThat(CliProcess.run(env(), "status").exit()).isEqualTo(1);

    CliProcess.Result ps = CliProcess.run(env(), "ps", service);
    assertThat(ps.exit()).as("%s", ps).isZero();
    assertThat(ps.out())
        .contains(service + "  down  0/1 running, 0 healthy")
        .containsPattern(
            service
                + "\\.1\\s+\\w{12}\\s+-\\s+running\\s+pending \\S+ ago\\s+\\S+\\s+-\\s+no suitable node");
  }

  @Test
  void aWrongOrMissingTokenIsExitThreeWithAClearMessage() {
    CliProcess.Result wrong =
        CliProcess.run(
            Map.of("SWARMWATCH_URL", "http://127.0.0.1:" + http),
            "nodes",
            "--token",
            "not-the-token-4711");
    assertThat(wrong.exit()).as("%s", wrong).isEqualTo(3);
    assertThat(wrong.err())
        .startsWith(
            "swarmwatch: the collector at http://127.0.0.1:"
                + http
                + " answered GET /api/v1/nodes with HTTP 401: missing or wrong bearer token")
        .contains("(the token given was not accepted)")
        .doesNotContain("not-the-token-4711")
        .doesNotContain("Exception");
    assertThat(wrong.out()).isEmpty();

    CliProcess.Result none =
        CliProcess.run(Map.of("SWARMWATCH_URL", "http://127.0.0.1:" + http), "status");
    assertThat(none.exit()).as("%s", none).isEqualTo(3);
    assertThat(none.err()).contains("HTTP 401").contains("no token given");
  }

  @Test
  void aCollectorThatIsDownIsExitThreeWithAClearMessage() throws IOException {
    int down = freePort(); // nothing listens here
    CliProcess.Result r =
        CliProcess.run(
            Map.of("SWARMWATCH_URL", "http://127.0.0.1:" + down, "SWARMWATCH_API_TOKEN", TOKEN),
            "status");
    assertThat(r.exit()).as("%s", r).isEqualTo(3);
    assertThat(r.err())
        .isEqualTo(
            "swarmwatch: cannot reach the collector at http://127.0.0.1:"
                + down
                + ": connection refused\n");
    assertThat(r.out()).isEmpty();
  }

  private String createService(String... args) {
    String name = TestEngine.uniqueName("cli-e2e");
    services.add(name);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "service",
                "create",
                "--detach",
                "--quiet",
                "--name",
                name,
                "--no-resolve-image",
                "--stop-grace-period",
                "1s",
                "--limit-memory",
                "32M"));
    cmd.addAll(List.of(args));
    docker(cmd.toArray(String[]::new));
    return name;
  }

  /** The collector's JSON, with the read token (the e2e Api class sends none). */
  private static JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + path))
                    .header("Authorization", "Bearer " + TOKEN)
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
