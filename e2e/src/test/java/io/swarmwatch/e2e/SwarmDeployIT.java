package io.swarmwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmwatch.testing.Cmd;
import io.swarmwatch.testing.TestEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The deployment users get, on a real three-node swarm (scripts/test-swarm.sh): images built with
 * the registry-free scripts/build-images.sh and copied to every node, then {@code docker stack
 * deploy -c deploy/stack.yml} (plus shorter intervals from stack-test.yml) — the README's
 * deployment section, step for step.
 *
 * <p>One swarm for the whole class (starting it and the JVMs in it is the expensive part); the
 * tests run in order because later ones change the cluster (stop a node, add one).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmDeployIT {
  private static final String STACK = "swarmwatch";
  private static final String TAG = "e2e";
  private static final String AGENT_IMAGE = "swarmwatch/agent:" + TAG;
  private static final String COLLECTOR_IMAGE = "swarmwatch/collector:" + TAG;
  private static final String TEST_IMAGE = "swarmwatch-test/healthy:1";
  private static final String SPREAD = "deploy-spread";
  private static final Set<String> HOSTNAMES =
      Set.of("swarmwatch-node1", "swarmwatch-node2", "swarmwatch-node3");
  // JVMs starting on a busy 2-core machine inside containers limited to half a core.
  private static final Duration STARTUP = Duration.ofMinutes(3);
  private static final Duration CHANGE = Duration.ofSeconds(60);

  private static TestSwarm swarm;
  private static SwarmApi api;

  @BeforeAll
  static void deployTheStack() throws IOException {
    String testEngine = TestEngine.require(); // the test image comes from there
    Path repo = Path.of(System.getProperty("swarmwatch.repo", "..")).toAbsolutePath().normalize();
    swarm = TestSwarm.up(repo, 3);
    String manager = swarm.dockerHost(1);

    Cmd.ok(
        Map.of("DOCKER_HOST", manager, "SWARMWATCH_IMAGE_TAG", TAG),
        Duration.ofMinutes(10),
        List.of(repo.resolve("scripts/build-images.sh").toString()));
    // The collector runs on node1, where the images were built; the agent runs everywhere.
    swarm.load(manager, AGENT_IMAGE);
    swarm.load(testEngine, TEST_IMAGE);

    String apiToken = UUID.randomUUID().toString();
    secret("swarmwatch_agent_token", UUID.randomUUID().toString());
    secret("swarmwatch_api_token", apiToken);
    Path override = Files.createTempFile("stack-test", ".yml");
    try (var in = SwarmDeployIT.class.getResourceAsStream("/stack-test.yml")) {
      Files.write(override, in.readAllBytes());
    }
    String gid =
        Cmd.ok(
            Map.of(),
            Duration.ofSeconds(5),
            List.of("stat", "-c", "%g", manager.substring("unix://".length())));
    Map<String, String> env = new HashMap<>();
    env.put("DOCKER_HOST", manager);
    env.put("SWARMWATCH_AGENT_IMAGE", AGENT_IMAGE);
    env.put("SWARMWATCH_COLLECTOR_IMAGE", COLLECTOR_IMAGE);
    env.put("SWARMWATCH_DOCKER_GID", gid);
    Cmd.ok(
        env,
        Duration.ofMinutes(2),
        List.of(
            TestEngine.cli(),
            "stack",
            "deploy",
            "--resolve-image",
            "never",
            "-c",
            repo.resolve("deploy/stack.yml").toString(),
            "-c",
            override.toString(),
            STACK));
    Files.delete(override);
    api = new SwarmApi("swsw-node1", 8080, apiToken);
  }

  private static void secret(String name, String value) throws IOException {
    Path f = Files.createTempFile("secret", ".txt");
    try {
      Files.writeString(f, value);
      swarm.docker(1, "secret", "create", name, f.toString());
    } finally {
      Files.delete(f);
    }
  }

  @AfterAll
  static void tearDown() {
    if (swarm != null) {
      swarm.close();
    }
  }

  @Test
  @Order(1)
  void oneAgentPerNodeAndTheCollectorOnTheManager() {
    await("one running agent task per node, the collector on node1")
        .atMost(STARTUP)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(runningTasks(STACK + "_agent"))
                  .as("agent tasks (global mode)")
                  .containsOnlyKeys(HOSTNAMES)
                  .allSatisfy((node, n) -> assertThat(n).isEqualTo(1));
              assertThat(runningTasks(STACK + "_collector"))
                  .as("collector tasks (node.role == manager)")
                  .containsOnlyKeys("swarmwatch-node1");
            });
  }

  @Test
  @Order(2)
  void theApiListsEveryNodeWithItsAgentConnectedAndTheSwarmView() {
    JsonNode nodes = awaitNodes(STARTUP, all(HOSTNAMES, n -> connected(n) && ready(n)));
    Map<String, String> roles = new TreeMap<>();
    nodes.forEach(n -> roles.put(n.get("hostname").asText(), n.get("role").asText()));
    // Roles and status come from the manager agent's swarm view; connected from each node's own.
    assertThat(roles)
        .containsEntry("swarmwatch-node1", "manager")
        .containsEntry("swarmwatch-node2", "worker")
        .containsEntry("swarmwatch-node3", "worker");
    assertThat(api.answersWithoutToken("/healthz")).as("/healthz is open").isTrue();
    assertThat(api.answersWithoutToken("/api/v1/nodes")).as("the API needs the token").isFalse();
  }

  @Test
  @Order(3)
  void bothServicesPassTheirHealthchecks() {
    await("agent and collector containers healthy on every node")
        .atMost(STARTUP)
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              for (int n = 1; n <= 3; n++) {
                assertThat(health(n, STACK + "_agent"))
                    .as("agent on node%d", n)
                    .isEqualTo("healthy");
              }
              assertThat(health(1, STACK + "_collector")).as("collector").isEqualTo("healthy");
            });
  }

  @Test
  @Order(4)
  void aServiceSpreadOverTheNodesShowsItsReplicasPerNodeAndAFailingProbe() {
    swarm.docker(
        1,
        "service",
        "create",
        "-d",
        "--name",
        SPREAD,
        "--replicas",
        "3",
        "--replicas-max-per-node",
        "1",
        "--no-resolve-image",
        "--stop-grace-period",
        "1s",
        TEST_IMAGE);
    Map<String, String> nodeIds = nodeIdsByHostname();
    await("three replicas of " + SPREAD + ", one per node, running")
        .atMost(CHANGE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              JsonNode replicas = api.ok("/api/v1/replicas?service=" + SPREAD);
              Set<String> nodes = new TreeSet<>();
              replicas.forEach(
                  r -> {
                    if (r.get("state").asText().equals("running")) {
                      nodes.add(r.get("node").asText());
                    }
                  });
              assertThat(nodes).containsExactlyInAnyOrderElementsOf(nodeIds.values());
            });

    // A health probe turned failing on a worker reaches the API with the probe's own output.
    String container =
        swarm.docker(2, "ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + SPREAD);
    assertThat(container).as("the replica on node2").isNotBlank();
    swarm.docker(2, "exec", container, "sh", "-c", "echo deploy-probe-broken > /tmp/unhealthy");
    await("the replica on node2 unhealthy in the API")
        .atMost(CHANGE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              JsonNode c = api.ok("/api/v1/containers/" + container);
              assertThat(c.at("/health/status").asText()).isEqualTo("unhealthy");
              assertThat(c.at("/node").asText()).isEqualTo(nodeIds.get("swarmwatch-node2"));
              assertThat(c.at("/health/log").toString()).contains("deploy-probe-broken");
            });
  }

  @Test
  @Order(5)
  void aStoppedWorkerIsFlaggedDownAndComesBackWithItsAgent() {
    swarm.stopNode(3);
    await("a node-down flag on node3")
        .atMost(CHANGE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(api.ok("/api/v1/flags?rule=node-down&node=swarmwatch-node3"))
                    .isNotEmpty());
    awaitNodes(
        CHANGE,
        nodes ->
            node(nodes, "swarmwatch-node3").map(n -> !connected(n) && down(n)).orElse(false)
                && all(Set.of("swarmwatch-node1", "swarmwatch-node2"), SwarmDeployIT::connected)
                    .test(nodes));

    swarm.startNode(3);
    // Swarm starts a new agent task on the node when it is back; the agent reconnects.
    awaitNodes(STARTUP, all(HOSTNAMES, n -> connected(n) && ready(n)));
    await("the node-down flag on node3 cleared")
        .atMost(CHANGE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(api.ok("/api/v1/flags?rule=node-down&node=swarmwatch-node3")).isEmpty());
  }

  @Test
  @Order(6)
  void aNodeThatJoinsGetsAnAgent() {
    swarm.grow(4);
    swarm.load(swarm.dockerHost(1), AGENT_IMAGE);
    Set<String> four = new TreeSet<>(HOSTNAMES);
    four.add("swarmwatch-node4");
    awaitNodes(STARTUP, all(four, n -> connected(n) && ready(n)));
  }

  @Test
  @Order(7)
  void aReadyWorkerWhoseAgentIsPlacedOffIsAgentMissingUntilItIsBack() {
    swarm.docker(1, "node", "update", "--label-add", "swarmwatch.agent=off", "swarmwatch-node3");
    await("no agent task on node3 (placement constraint)")
        .atMost(CHANGE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> assertThat(runningTasks(STACK + "_agent")).doesNotContainKey("swarmwatch-node3"));
    // agent-timeout and grace are 60 s: the flag comes a minute after the agent left.
    await("an agent-missing flag on node3 saying why")
        .atMost(STARTUP)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              JsonNode flags = api.ok("/api/v1/flags?rule=agent-missing&node=swarmwatch-node3");
              assertThat(flags).hasSize(1);
              assertThat(flags.get(0).get("reason").asText())
                  .startsWith("swarm reports node swarmwatch-node3 ready, but its agent")
                  .contains("is the agent's global service still placed there?");
            });
    assertThat(api.ok("/api/v1/flags?rule=node-down&node=swarmwatch-node3"))
        .as("the node is up: not node-down")
        .isEmpty();

    swarm.docker(1, "node", "update", "--label-rm", "swarmwatch.agent", "swarmwatch-node3");
    awaitNodes(STARTUP, all(Set.of("swarmwatch-node3"), n -> connected(n) && ready(n)));
    await("the agent-missing flag on node3 cleared")
        .atMost(CHANGE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(api.ok("/api/v1/flags?rule=agent-missing&node=swarmwatch-node3"))
                    .isEmpty());
  }

  // --- helpers ---

  /** Running tasks of a service per node hostname, as the manager sees them. */
  private static Map<String, Integer> runningTasks(String service) {
    String out =
        swarm.docker(
            1,
            "service",
            "ps",
            service,
            "--filter",
            "desired-state=running",
            "--format",
            "{{.Node}} {{.CurrentState}}");
    Map<String, Integer> perNode = new TreeMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 2 && f[1].equals("Running")) {
        perNode.merge(f[0], 1, Integer::sum);
      }
    }
    return perNode;
  }

  /** The health status of the service's container on node n, or "none". */
  private static String health(int n, String service) {
    String id =
        swarm.docker(n, "ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + service);
    if (id.isBlank()) {
      return "no container";
    }
    return swarm.docker(
        n,
        "inspect",
        "-f",
        "{{if .State.Health}}{{.State.Health.Status}}{{end}}",
        id.lines().findFirst().orElseThrow());
  }

  private static Map<String, String> nodeIdsByHostname() {
    Map<String, String> ids = new TreeMap<>();
    for (String line :
        swarm.docker(1, "node", "ls", "--format", "{{.Hostname}} {{.ID}}").split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (HOSTNAMES.contains(f[0])) {
        ids.put(f[0], f[1]);
      }
    }
    return ids;
  }

  private static JsonNode awaitNodes(Duration atMost, Predicate<JsonNode> condition) {
    List<JsonNode> last = new ArrayList<>(1);
    last.add(null);
    try {
      await("GET /api/v1/nodes")
          .atMost(atMost)
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                // An AssertionError (collector not answering yet) is retried like a mismatch.
                JsonNode nodes = api.ok("/api/v1/nodes");
                last.set(0, nodes);
                assertThat(condition.test(nodes)).isTrue();
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("nodes never matched; last answer: " + last.get(0), e);
    }
    return last.get(0);
  }

  private static Predicate<JsonNode> all(Set<String> hostnames, Predicate<JsonNode> each) {
    return nodes -> {
      Set<String> matching = new TreeSet<>();
      nodes.forEach(
          n -> {
            if (each.test(n)) {
              matching.add(n.get("hostname").asText());
            }
          });
      return matching.containsAll(hostnames);
    };
  }

  private static java.util.Optional<JsonNode> node(JsonNode nodes, String hostname) {
    for (JsonNode n : nodes) {
      if (n.get("hostname").asText().equals(hostname)) {
        return java.util.Optional.of(n);
      }
    }
    return java.util.Optional.empty();
  }

  private static boolean connected(JsonNode n) {
    return n.at("/agent/connected").asBoolean();
  }

  private static boolean ready(JsonNode n) {
    return n.get("status").asText().equals("ready");
  }

  private static boolean down(JsonNode n) {
    return n.get("status").asText().equals("down");
  }
}
