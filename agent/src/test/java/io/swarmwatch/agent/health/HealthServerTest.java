package io.swarmwatch.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The endpoint over real HTTP on an ephemeral loopback port. */
class HealthServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(int port, String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answers200ThenA503WithTheReasonWhenTheEngineStopsAnswering() throws Exception {
    AtomicBoolean engineUp = new AtomicBoolean(true);
    AgentHealth health =
        new AgentHealth(
            () -> {
              if (!engineUp.get()) {
                throw new IllegalStateException("socket \"gone\"");
              }
            },
            () -> true,
            Duration.ofMinutes(5),
            Clock.systemUTC());
    try (HealthServer server =
        HealthServer.start(new HealthConfig("127.0.0.1", 0, Duration.ofMinutes(5)), health)) {
      HttpResponse<String> ok = send(server.port(), "GET", "/healthz");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body())
          .isEqualTo("{\"status\":\"ok\",\"engine\":\"ok\",\"collector\":\"connected\"}");
      engineUp.set(false);
      HttpResponse<String> bad = send(server.port(), "GET", "/healthz");
      assertThat(bad.statusCode()).isEqualTo(503);
      assertThat(bad.body()).contains("\"engine\":\"not answering: socket \\\"gone\\\"\"");
      assertThat(send(server.port(), "GET", "/other").statusCode()).isEqualTo(404);
      assertThat(send(server.port(), "POST", "/healthz").statusCode()).isEqualTo(405);
    }
  }

  @Test
  void closeIsIdempotent() throws Exception {
    HealthServer server =
        HealthServer.start(
            new HealthConfig("127.0.0.1", 0, Duration.ZERO),
            new AgentHealth(() -> {}, () -> true, Duration.ZERO, Clock.systemUTC()));
    server.close();
    server.close();
  }
}
