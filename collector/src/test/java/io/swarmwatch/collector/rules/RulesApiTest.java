package io.swarmwatch.collector.rules;

import static io.swarmwatch.collector.SwarmProtos.replicated;
import static io.swarmwatch.collector.rules.RulesFixture.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmwatch.collector.Protos;
import io.swarmwatch.collector.SwarmProtos;
import io.swarmwatch.collector.api.ApiConfig;
import io.swarmwatch.collector.api.HttpApiServer;
import io.swarmwatch.collector.ingest.IngestCounters;
import io.swarmwatch.collector.metrics.ClusterMetrics;
import io.swarmwatch.proto.v1.Health;
import io.swarmwatch.proto.v1.HealthProbe;
import io.swarmwatch.proto.v1.Limits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Flags over real HTTP: on replicas and services, /flags, /rules, status filters, /metrics. */
class RulesApiTest {
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final RulesFixture f = new RulesFixture();
  private HttpApiServer server;
  private int port;

  @BeforeEach
  void start() throws InterruptedException {
    server =
        new HttpApiServer(
            f.model,
            f.clock,
            new ClusterMetrics(f.model, new IngestCounters(), f.engine),
            ApiConfig.open(),
            List.of(new RulesApi(f.engine, f.model)));
    port = server.start("127.0.0.1", 0);
    f.swarm(
        replicated("web", 2).setStack("shop").putLabels("swarmwatch.rule.crash-loop.count", "5"),
        running("c1", "web", 1),
        running("c2", "web", 2));
    f.put(
        f.container("c1", "web", 1)
            .setLimits(Limits.newBuilder().setMemoryBytes(1 << 30))
            .setHealthStatus("unhealthy")
            .setHealth(
                Health.newBuilder()
                    .setStatus("unhealthy")
                    .addLog(
                        HealthProbe.newBuilder()
                            .setEndUnixNanos(f.now())
                            .setExitCode(1)
                            .setOutput("HTTP 503"))));
    f.put(f.container("c2", "web", 2)); // no limits: an info flag only
    f.round();
  }

  @AfterEach
  void stop() {
    server.close();
    f.close();
  }

  @Test
  void replicasAndServicesCarryTheirFlags() throws Exception {
    JsonNode unhealthy = get("/api/v1/replicas?status=unhealthy");
    assertThat(unhealthy).hasSize(1);
    JsonNode flag = unhealthy.get(0).get("flags").get(0);
    assertThat(flag.get("rule").asText()).isEqualTo("unhealthy");
    assertThat(flag.get("severity").asText()).isEqualTo("critical");
    assertThat(flag.get("since").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(flag.get("reason").asText()).isEqualTo("health check failing: exit 1: HTTP 503");

    JsonNode ok = get("/api/v1/replicas?status=ok");
    assertThat(ok).hasSize(1);
    assertThat(ok.get(0).at("/flags/0/rule").asText()).isEqualTo("no-limits");

    JsonNode service = get("/api/v1/services/web");
    assertThat(service.get("status").asText()).isEqualTo("degraded");
    assertThat(service.get("flags")).isEmpty();
  }

  @Test
  void flagsAreListedAndFiltered() throws Exception {
    assertThat(get("/api/v1/flags")).hasSize(2);
    JsonNode critical = get("/api/v1/flags?severity=warning&service=web&node=host-1");
    assertThat(critical).hasSize(1);
    JsonNode only = critical.get(0);
    assertThat(only.get("type").asText()).isEqualTo("replica");
    assertThat(only.get("id").asText()).isEqualTo("svc-web/1");
    assertThat(only.get("stack").asText()).isEqualTo("shop");
    assertThat(only.get("containerId").asText()).isEqualTo("c1");
    assertThat(only.get("clearing").asBoolean()).isFalse();
    assertThat(get("/api/v1/flags?rule=no-limits&type=replica")).hasSize(1);
    assertThat(get("/api/v1/flags?type=node")).isEmpty();
    assertThat(error("/api/v1/flags?rule=sick"))
        .contains("parameter 'rule' must be one of unhealthy, crash-loop");
    assertThat(error("/api/v1/flags?severity=bad")).contains("'severity'");
  }

  @Test
  void rulesShowEffectiveSettingsAndServicesThatChangeThem() throws Exception {
    JsonNode rules = get("/api/v1/rules");
    assertThat(rules).hasSize(RuleSpec.ALL.size());
    JsonNode loop = rules.get(1);
    assertThat(loop.get("name").asText()).isEqualTo("crash-loop");
    assertThat(loop.get("scope").asText()).isEqualTo("replica");
    assertThat(loop.at("/settings/count").asText()).isEqualTo("3");
    assertThat(loop.at("/settings/window").asText()).isEqualTo("5m");
    assertThat(loop.at("/settings/clear-after").asText()).isEqualTo("15s");
    assertThat(loop.at("/services/0/service").asText()).isEqualTo("web");
    assertThat(loop.at("/services/0/settings/count").asText()).isEqualTo("5");
    assertThat(rules.get(0).get("services")).isEmpty();

    JsonNode forWeb = get("/api/v1/rules?service=web");
    assertThat(forWeb.get(0).at("/services/0/settings/enabled").asText()).isEqualTo("true");
    HttpResponse<String> missing = send("/api/v1/rules?service=nope");
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  @Test
  void metricsCountFlagsByRuleAndSeverity() throws Exception {
    String metrics = send("/metrics").body();
    assertThat(metrics)
        .contains(
            "swarmwatch_flags{node_id=\"node-1\",rule=\"unhealthy\",service=\"web\",severity=\"critical\","
                + "stack=\"shop\",subject=\"svc-web/1\",type=\"replica\"} 1.0")
        .contains("swarmwatch_rules_rounds_total");
  }

  @Test
  void aNodeDownFlagIsListedWithTheNode() throws Exception {
    f.model.swarmView(
        SwarmProtos.view(f.now())
            .addNodes(SwarmProtos.node("node-9", "host-9", "worker").setStatus("down"))
            .addNodes(SwarmProtos.node(RulesFixture.NODE, "host-1", "manager"))
            .build());
    f.model.agentConnected(Protos.node("node-9", "host-9"), "1.0.0");
    f.round();
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                assertThat(get("/api/v1/flags?type=node&node=host-9"))
                    .singleElement()
                    .satisfies(n -> assertThat(n.get("rule").asText()).isEqualTo("node-down")));
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r = send(path);
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  private String error(String path) throws Exception {
    HttpResponse<String> r = send(path);
    assertThat(r.statusCode()).as("GET %s", path).isEqualTo(400);
    return r.body();
  }

  private HttpResponse<String> send(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
