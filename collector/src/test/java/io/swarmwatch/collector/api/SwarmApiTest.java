package io.swarmwatch.collector.api;

import static io.swarmwatch.collector.Protos.node;
import static io.swarmwatch.collector.Protos.task;
import static io.swarmwatch.collector.SwarmProtos.pending;
import static io.swarmwatch.collector.SwarmProtos.replicated;
import static io.swarmwatch.collector.SwarmProtos.view;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.SwarmProtos;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.proto.v1.Health;
import io.swarmwatch.proto.v1.HealthProbe;
import io.swarmwatch.proto.v1.Resources;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The services, service, container and node routes on the real HTTP server (loopback, port 0), over
 * a model holding a swarm view: {@code web} (2 of 2 healthy: ok), {@code api} (1 of 2: degraded),
 * both in stack {@code shop}, and {@code batch} (its only task can't be placed: down).
 */
class SwarmApiTest {
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
  private static final long NOW_NANOS = 1_714_557_600_000_000_000L;
  static final String WEB1 = "3f9c2a71be04d5c6e8a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b";
  static final String WEB2 = "3f9c77aa00000000000000000000000000000000000000000000000000000000";

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final MutableClock clock = new MutableClock(NOW);
  private final ClusterModel model = new ClusterModel(clock, 1000);
  private HttpApiServer server;
  private int port;

  @BeforeEach
  void start() throws InterruptedException {
    model.agentConnected(node("node-1", "alpha"), "1.2.3");
    model.upsert(
        "node-1",
        task(WEB1, "web", 1, "node-1")
            .setHealth(
                Health.newBuilder()
                    .setStatus("healthy")
                    .addLog(
                        HealthProbe.newBuilder()
                            .setStartUnixNanos(NOW_NANOS)
                            .setEndUnixNanos(NOW_NANOS + 50_000_000L)
                            .setOutput("probe ok\n")))
            .build());
    model.upsert("node-1", task(WEB2, "web", 2, "node-1").build());
    model.upsert("node-1", task("api1", "api", 1, "node-1").build());
    model.upsert("node-1", task("api2", "api", 2, "node-1").setHealthStatus("unhealthy").build());
    model.swarmView(
        view(NOW_NANOS)
            .addServices(
                replicated("web", 2)
                    .setStack("shop")
                    .setLimits(Resources.newBuilder().setMemoryBytes(64L << 20)))
            .addServices(replicated("api", 2).setStack("shop"))
            .addServices(replicated("batch", 1))
            .addTasks(SwarmProtos.task(WEB1, "web", 1, "node-1", "running", 100))
            .addTasks(SwarmProtos.task(WEB2, "web", 2, "node-1", "running", 100))
            .addTasks(SwarmProtos.task("api1", "api", 1, "node-1", "running", 100))
            .addTasks(SwarmProtos.task("api2", "api", 2, "node-1", "running", 100))
            .addTasks(pending("t-batch", "batch", 1, 100))
            .addNodes(SwarmProtos.node("node-1", "alpha", "manager").setLeader(true))
            .addNodes(SwarmProtos.node("node-2", "beta", "worker").putLabels("zone", "b"))
            .build());
    server = new HttpApiServer(model, clock);
    port = server.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ok(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> r = get(pathAndQuery);
    assertThat(r.statusCode()).as(pathAndQuery + " -> " + r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    return json.readTree(r.body());
  }

  private String error(int status, String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> r = get(pathAndQuery);
    assertThat(r.statusCode()).as(pathAndQuery + " -> " + r.body()).isEqualTo(status);
    return json.readTree(r.body()).get("error").asText();
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get(field).asText()));
    return out;
  }

  @Test
  void servicesListsEveryServiceWithItsCountsAndStatus() throws Exception {
    JsonNode services = ok("/api/v1/services");

    assertThat(texts(services, "name")).containsExactly("api", "batch", "web");
    assertThat(texts(services, "status")).containsExactly("degraded", "down", "ok");
    JsonNode web = services.get(2);
    assertThat(web.get("id").asText()).isEqualTo("svc-web");
    assertThat(web.get("stack").asText()).isEqualTo("shop");
    assertThat(web.get("mode").asText()).isEqualTo("replicated");
    assertThat(web.get("desired").asLong()).isEqualTo(2);
    assertThat(web.get("running").asInt()).isEqualTo(2);
    assertThat(web.get("healthy").asInt()).isEqualTo(2);
    assertThat(web.get("limits").get("memoryBytes").asLong()).isEqualTo(64L << 20);
    assertThat(web.get("limits").get("nanoCpus").isNull()).isTrue();
    assertThat(web.get("update").isNull()).isTrue();
    JsonNode api = services.get(0);
    assertThat(api.get("running").asInt()).isEqualTo(2);
    assertThat(api.get("healthy").asInt()).isEqualTo(1);
    assertThat(services.get(1).get("stack").isNull()).isTrue();
  }

  @Test
  void servicesFilteredByStackAndStatus() throws Exception {
    assertThat(texts(ok("/api/v1/services?stack=shop"), "name")).containsExactly("api", "web");
    assertThat(texts(ok("/api/v1/services?status=down"), "name")).containsExactly("batch");
    assertThat(texts(ok("/api/v1/services?stack=shop&status=ok"), "name")).containsExactly("web");
    assertThat(ok("/api/v1/services?stack=nope")).isEmpty();
    assertThat(ok("/api/v1/services?status=unknown")).isEmpty();
  }

  @Test
  void badServiceParametersAre400s() throws Exception {
    assertThat(error(400, "/api/v1/services?status=broken"))
        .contains("'status'")
        .contains("ok, degraded, down, unknown")
        .contains("broken");
    assertThat(error(400, "/api/v1/services?service=web")).contains("unknown parameter 'service'");
    assertThat(error(400, "/api/v1/services?status=ok&status=down"))
        .contains("'status' given more than once");
  }

  @Test
  void oneServiceByNameOrId() throws Exception {
    assertThat(ok("/api/v1/services/web").get("id").asText()).isEqualTo("svc-web");
    assertThat(ok("/api/v1/services/svc-api").get("name").asText()).isEqualTo("api");
    assertThat(ok("/api/v1/services/batch/").get("status").asText()).isEqualTo("down");
    assertThat(error(404, "/api/v1/services/nope")).isEqualTo("no service 'nope'");
    assertThat(error(400, "/api/v1/services/web?x=1")).contains("unknown parameter 'x'");
  }

  @Test
  void pendingTaskIsAReplicaWithTheSchedulersError() throws Exception {
    JsonNode r = ok("/api/v1/replicas?service=batch");

    assertThat(r).hasSize(1);
    assertThat(r.get(0).get("state").asText()).isEqualTo("pending");
    assertThat(r.get(0).get("containerId").isNull()).isTrue();
    assertThat(r.get(0).get("task").get("error").asText()).startsWith("no suitable node");
  }

  @Test
  void containerByIdPrefixOrNameWithItsHealthLog() throws Exception {
    JsonNode c = ok("/api/v1/containers/" + WEB1);

    assertThat(c.get("name").asText()).isEqualTo("web.1.task-" + WEB1);
    assertThat(c.get("service").asText()).isEqualTo("web");
    assertThat(c.get("slot").asInt()).isEqualTo(1);
    assertThat(c.get("nodeHostname").asText()).isEqualTo("alpha");
    assertThat(c.get("health").get("status").asText()).isEqualTo("healthy");
    JsonNode probe = c.get("health").get("log").get(0);
    assertThat(probe.get("start").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(probe.get("end").asText()).isEqualTo("2024-05-01T10:00:00.050Z");
    assertThat(probe.get("exitCode").asInt()).isZero();
    assertThat(probe.get("output").asText()).isEqualTo("probe ok\n");
    assertThat(ok("/api/v1/containers/3f9c2a").get("id").asText()).isEqualTo(WEB1);
    assertThat(ok("/api/v1/containers/web.2.task-" + WEB2).get("id").asText()).isEqualTo(WEB2);
    assertThat(ok("/api/v1/containers/api1").get("health").isNull()).isTrue();
  }

  @Test
  void unknownContainerIs404AndAmbiguousPrefixIs400() throws Exception {
    assertThat(error(404, "/api/v1/containers/ffffffff")).isEqualTo("no container 'ffffffff'");
    assertThat(error(400, "/api/v1/containers/3f9c"))
        .contains("'3f9c' matches 2 containers")
        .contains("give more of the id");
    assertThat(error(400, "/api/v1/containers/" + WEB1 + "?x=1")).contains("unknown parameter");
  }

  @Test
  void oneNodeByIdOrHostnameIncludingNodesWithoutAnAgent() throws Exception {
    JsonNode alpha = ok("/api/v1/nodes/node-1");
    assertThat(alpha.get("hostname").asText()).isEqualTo("alpha");
    assertThat(alpha.get("role").asText()).isEqualTo("manager");
    assertThat(alpha.get("leader").asBoolean()).isTrue();
    assertThat(alpha.get("agent").get("connected").asBoolean()).isTrue();
    assertThat(alpha.get("agent").get("version").asText()).isEqualTo("1.2.3");

    JsonNode beta = ok("/api/v1/nodes/beta");
    assertThat(beta.get("id").asText()).isEqualTo("node-2");
    assertThat(beta.get("labels").get("zone").asText()).isEqualTo("b");
    assertThat(beta.get("agent").get("connected").asBoolean()).isFalse();
    assertThat(beta.get("agent").get("version").isNull()).isTrue();

    assertThat(error(404, "/api/v1/nodes/gamma")).isEqualTo("no node 'gamma'");
    assertThat(texts(ok("/api/v1/nodes"), "hostname")).containsExactly("alpha", "beta");
  }

  @Test
  void deeperPathsUnderTheIdRoutesAre404() throws Exception {
    assertThat(error(404, "/api/v1/services/web/tasks")).contains("no such route");
    assertThat(error(404, "/api/v1/containers/")).isNotEmpty();
  }
}
