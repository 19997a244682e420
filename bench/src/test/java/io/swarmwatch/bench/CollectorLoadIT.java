package io.swarmwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke run of the collector scale benchmark with tiny sizes, so the generator does not rot: the
 * packaged collector as a real process, 20 simulated agents × 10 containers for a few seconds. It
 * checks what the benchmark's figures rest on: every agent connected and acknowledged, log markers
 * found through the API, and the collector's model holding every simulated replica.
 */
class CollectorLoadIT {
  @TempDir Path data;
  private Process collector;

  @AfterEach
  void stop() throws InterruptedException {
    if (collector != null) {
      collector.destroy();
      if (!collector.waitFor(15, TimeUnit.SECONDS)) {
        collector.destroyForcibly();
      }
    }
  }

  @Test
  void twentyAgentsOfTenContainersAreAllAppliedAndTheirLogsQueryable() throws Exception {
    int grpc = freePort();
    int httpPort = freePort();
    String jar = System.getProperty("swarmwatch.collector.jar");
    assertThat(jar).as("swarmwatch.collector.jar (run through Maven's verify)").isNotNull();
    assertThat(Path.of(jar)).as("the packaged collector").isRegularFile();
    Path log = Files.createTempFile("collector", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    jar))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("SWARMWATCH_GRPC_PORT", Integer.toString(grpc));
    pb.environment().put("SWARMWATCH_HTTP_PORT", Integer.toString(httpPort));
    pb.environment().put("SWARMWATCH_DATA_DIR", data.toString());
    pb.environment().put("SWARMWATCH_AGENT_TOKEN", "bench-token");
    // Acks mean durable (log store committed, marks written), every SWARMWATCH_ACK_INTERVAL
    // (5 s by default): often enough here that a 6 s run sees many.
    pb.environment().put("SWARMWATCH_ACK_INTERVAL", "200ms");
    collector = pb.start();
    HttpClient http = HttpClient.newHttpClient();
    String api = "http://127.0.0.1:" + httpPort;
    await("the collector answers /readyz")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> get(http, api + "/readyz").statusCode() == 200);

    LoadConfig config =
        LoadConfig.parse(
            "--target=127.0.0.1:" + grpc,
            "--api=" + api,
            "--token=bench-token",
            "--agents=20",
            "--containers=10",
            "--seconds=6",
            "--sample-ms=1000",
            "--log-lines=2000",
            "--health-flips=5",
            "--agents-per-channel=5",
            "--collector-pid=" + collector.pid());
    CollectorLoad.Report r = new CollectorLoad(config).run();
    System.out.println(r.describe());

    assertThat(r.healthy())
        .as(r.describe() + "\ncollector log:\n" + Files.readString(log))
        .isTrue();
    assertThat(r.connected()).isEqualTo(20);
    assertThat(r.ackLatencyMicros().getTotalCount()).as("messages acknowledged").isGreaterThan(100);
    assertThat(r.queryableMicros().getTotalCount()).as("markers found").isGreaterThanOrEqualTo(4);
    assertThat(r.logLines()).isGreaterThanOrEqualTo(10_000);
    assertThat(r.flaggedMicros().getTotalCount())
        .as("health transitions flagged by the rule engine")
        .isGreaterThanOrEqualTo(10);
    assertThat(r.cpuPercent()).as("collector CPU read from /proc").isNotNull().isPositive();
    assertThat(r.describe()).startsWith("BENCHMARK collector-scale agents=20 containers=10");

    // The collector's model holds what the simulated agents said: 20 nodes, 10 services of 20.
    String nodes = get(http, api + "/api/v1/nodes").body();
    for (int i = 0; i < 20; i++) {
      assertThat(nodes).contains("\"bench-" + i + "\"");
    }
    String replicas =
        get(http, api + "/api/v1/replicas?service=" + SimulatedAgent.serviceName(3)).body();
    assertThat(replicas.split("\"slot\"", -1)).as(replicas).hasSize(21);
  }

  private static HttpResponse<String> get(HttpClient http, String url)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
