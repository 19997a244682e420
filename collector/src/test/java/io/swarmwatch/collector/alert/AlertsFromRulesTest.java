package io.swarmwatch.collector.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmwatch.collector.Protos;
import io.swarmwatch.collector.SwarmProtos;
import io.swarmwatch.collector.alert.config.AlertRulesParser;
import io.swarmwatch.collector.api.ApiConfig;
import io.swarmwatch.collector.api.HttpApiServer;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.collector.model.ReplicaQuery;
import io.swarmwatch.collector.rules.RuleEngine;
import io.swarmwatch.collector.rules.RulesConfig;
import io.swarmwatch.common.Times;
import io.swarmwatch.proto.v1.Health;
import io.swarmwatch.proto.v1.HealthProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole in-process chain an alert's fields come through: a model fed like agents feed it, the
 * rules thread, alerting, and {@code GET /api/v1/alerts} over real HTTP. Fields that only the model
 * knows (the swarm task id) must survive every hop.
 */
class AlertsFromRulesTest {
  private final ObjectMapper json = new ObjectMapper();
  private final Clock clock = Clock.systemUTC();
  private final ClusterModel model = new ClusterModel(clock, 100);
  private RuleEngine rules;
  private Alerting alerting;
  private HttpApiServer server;
  @TempDir Path data;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (rules != null) {
      rules.close();
    }
    if (alerting != null) {
      alerting.close();
    }
  }

  @Test
  void aFiringAlertCarriesTheReplicasSwarmTaskId() throws Exception {
    rules = new RuleEngine(model, RulesConfig.defaults(), clock);
    alerting =
        new Alerting(
            AlertRulesParser.parse(
                "receivers:\n  - {name: ops, type: webhook, url: \"http://127.0.0.1:9/x\"}\n"
                    + "default_receiver: ops\n",
                "t.yml"),
            data,
            "",
            clock);
    rules.subscribe(alerting);
    rules.start();
    server = new HttpApiServer(model, clock, null, ApiConfig.open(), List.of(alerting.api()));
    int port = server.start("127.0.0.1", 0);

    long now = Times.toUnixNanos(clock.instant());
    model.agentConnected(Protos.node("node-1", "host-1"), "1.0.0");
    model.swarmView(
        SwarmProtos.view(now)
            .addServices(SwarmProtos.replicated("web", 1))
            .addNodes(SwarmProtos.node("node-1", "host-1", "manager"))
            .addTasks(SwarmProtos.task("c1", "web", 1, "node-1", "running", now - 1_000_000_000L))
            .build());
    model.upsert(
        "node-1",
        Protos.task("c1", "web", 1, "node-1")
            .setObservedUnixNanos(now)
            .setHealthStatus("unhealthy")
            .setHealth(
                Health.newBuilder()
                    .setStatus("unhealthy")
                    .setFailingStreak(3)
                    .addLog(
                        HealthProbe.newBuilder()
                            .setStartUnixNanos(now - 5_000_000)
                            .setEndUnixNanos(now)
                            .setExitCode(1)
                            .setOutput("probe: 503")))
            .build());
    String modelTaskId = model.replicas(ReplicaQuery.ALL).get(0).taskId();
    assertThat(modelTaskId).isEqualTo("task-c1");

    HttpClient http = HttpClient.newHttpClient();
    await().atMost(5, TimeUnit.SECONDS).until(() -> get(http, port).size() == 1);
    JsonNode replica = get(http, port).get(0).get("replicas").get(0);
    assertThat(replica.get("taskId").asText()).isEqualTo(modelTaskId);
    assertThat(replica.get("containerId").asText()).isEqualTo("c1");
  }

  private JsonNode get(HttpClient http, int port) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/alerts"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return json.readTree(r.body());
  }
}
