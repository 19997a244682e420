package io.swarmwatch.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpMethod;
import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.api.ApiAuth.Decision;
import io.swarmwatch.collector.ingest.IngestCounters;
import io.swarmwatch.collector.metrics.ClusterMetrics;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiAuthTest {
  private final ApiAuth auth = new ApiAuth(Optional.of("r-token"), Optional.of("a-token"), false);

  @Test
  void noTokenConfiguredLeavesEverythingOpen() {
    ApiAuth open = ApiAuth.open();
    assertThat(open.check(HttpMethod.GET, "/api/v1/nodes", null)).isEqualTo(Decision.ALLOW);
    assertThat(open.check(HttpMethod.POST, "/api/v1/silences", null)).isEqualTo(Decision.ALLOW);
    assertThat(open.check(HttpMethod.GET, "/metrics", null)).isEqualTo(Decision.ALLOW);
  }

  @Test
  void readTokenReadsButDoesNotWrite() {
    assertThat(auth.check(HttpMethod.GET, "/api/v1/nodes", "Bearer r-token"))
        .isEqualTo(Decision.ALLOW);
    assertThat(auth.check(HttpMethod.GET, "/api/v1/nodes", "bearer  r-token "))
        .isEqualTo(Decision.ALLOW);
    assertThat(auth.check(HttpMethod.POST, "/api/v1/silences", "Bearer r-token"))
        .isEqualTo(Decision.FORBIDDEN);
    assertThat(auth.check(HttpMethod.DELETE, "/api/v1/silences/x", "Bearer r-token"))
        .isEqualTo(Decision.FORBIDDEN);
  }

  @Test
  void adminTokenDoesEverything() {
    assertThat(auth.check(HttpMethod.GET, "/api/v1/nodes", "Bearer a-token"))
        .isEqualTo(Decision.ALLOW);
    assertThat(auth.check(HttpMethod.POST, "/api/v1/silences", "Bearer a-token"))
        .isEqualTo(Decision.ALLOW);
  }

  @Test
  void missingWrongOrMalformedTokensAreUnauthenticated() {
    for (String h :
        new String[] {null, "", "Bearer", "Bearer ", "Basic r-token", "Bearer r-toke", "r-token"}) {
      assertThat(auth.check(HttpMethod.GET, "/api/v1/nodes", h))
          .as("header %s", h)
          .isEqualTo(Decision.UNAUTHENTICATED);
    }
  }

  @Test
  void probesStayOpenAndMetricsFollowTheSetting() {
    assertThat(auth.check(HttpMethod.GET, "/healthz", null)).isEqualTo(Decision.ALLOW);
    assertThat(auth.check(HttpMethod.GET, "/readyz", null)).isEqualTo(Decision.ALLOW);
    assertThat(auth.check(HttpMethod.GET, "/metrics", null)).isEqualTo(Decision.UNAUTHENTICATED);
    assertThat(auth.check(HttpMethod.GET, "/metrics", "Bearer r-token")).isEqualTo(Decision.ALLOW);
    ApiAuth publicMetrics = new ApiAuth(Optional.of("r-token"), Optional.empty(), true);
    assertThat(publicMetrics.check(HttpMethod.GET, "/metrics", null)).isEqualTo(Decision.ALLOW);
    assertThat(publicMetrics.check(HttpMethod.GET, "/api/v1/nodes", null))
        .isEqualTo(Decision.UNAUTHENTICATED);
  }

  @Test
  void configReadsTokensFromFilesAndRefusesTheSameTokenTwice(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("token");
    Files.writeString(f, "from-file\n");
    ApiConfig c = ApiConfig.from(new Env(Map.of("SWARMWATCH_API_TOKEN_FILE", f.toString())));
    assertThat(c.readToken()).contains("from-file");
    assertThat(c.toString()).doesNotContain("from-file");
    assertThatThrownBy(
            () ->
                ApiConfig.from(
                    new Env(
                        Map.of(
                            "SWARMWATCH_API_TOKEN", "same",
                            "SWARMWATCH_API_ADMIN_TOKEN", "same"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("must differ");
  }

  /** Over a real server: 401 with WWW-Authenticate and a JSON error, 403, 200. */
  @Test
  void theServerAnswersWithTheRightStatuses() throws Exception {
    ClusterModel model =
        new ClusterModel(new MutableClock(Instant.parse("2024-05-01T10:00:00Z")), 10);
    HttpApiServer server =
        new HttpApiServer(
            model,
            new MutableClock(Instant.parse("2024-05-01T10:00:00Z")),
            new ClusterMetrics(model, new IngestCounters()),
            new ApiConfig(Optional.of("r-token"), Optional.of("a-token"), false),
            java.util.List.of());
    int port = server.start("127.0.0.1", 0);
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    try {
      HttpResponse<String> r = get(http, port, "/api/v1/nodes", null);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("www-authenticate"))
          .contains("Bearer realm=\"swarmwatch\"");
      assertThat(json.readTree(r.body()).get("error").asText()).contains("bearer token");
      assertThat(get(http, port, "/api/v1/nodes", "Bearer r-token").statusCode()).isEqualTo(200);
      assertThat(get(http, port, "/metrics", null).statusCode()).isEqualTo(401);
      assertThat(get(http, port, "/metrics", "Bearer a-token").statusCode()).isEqualTo(200);
      assertThat(get(http, port, "/healthz", null).statusCode()).isEqualTo(200);
    } finally {
      server.close();
    }
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path, String auth)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
