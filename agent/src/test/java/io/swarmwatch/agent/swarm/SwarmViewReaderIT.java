package io.swarmwatch.agent.swarm;

import static io.swarmwatch.testing.TestEngine.docker;
import static io.swarmwatch.testing.TestEngine.dockerQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.swarmwatch.proto.v1.Resources;
import io.swarmwatch.proto.v1.SwarmNode;
import io.swarmwatch.proto.v1.SwarmService;
import io.swarmwatch.proto.v1.SwarmTask;
import io.swarmwatch.proto.v1.SwarmView;
import io.swarmwatch.testing.TestEngine;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SwarmViewReader against the real test Engine (a single-node swarm). Other tests may run services
 * on the same Engine at the same time, so every assertion looks only at this test's services.
 */
class SwarmViewReaderIT {
  private static final Duration SETTLE = Duration.ofSeconds(60);
  private static final Instant TAKEN = Instant.parse("2024-05-01T10:00:00.123456789Z");

  private final List<String> services = new ArrayList<>();
  private DockerClient client;
  private SwarmViewReader reader;
  private String nodeId;

  @BeforeEach
  void connect() {
    String host = TestEngine.require();
    client =
        DockerClientImpl.getInstance(
            DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build(),
            new ApacheDockerHttpClient.Builder().dockerHost(URI.create(host)).build());
    reader = new SwarmViewReader(client, Clock.fixed(TAKEN, ZoneOffset.UTC));
    nodeId = TestEngine.nodeId();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (String s : services) {
      dockerQuietly("service", "rm", s);
    }
    client.close();
  }

  /** Creates a service (detached, no registry lookups, fast shutdown); returns its id. */
  private String createService(String name, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            "service",
            "create",
            "--detach",
            "--no-resolve-image",
            "--stop-grace-period",
            "1s",
            "--name",
            name));
    cmd.addAll(List.of(args));
    services.add(name);
    return docker(cmd.toArray(String[]::new));
  }

  private static Optional<SwarmService> service(SwarmView v, String id) {
    return v.getServicesList().stream().filter(s -> s.getId().equals(id)).findFirst();
  }

  private static List<SwarmTask> tasks(SwarmView v, String serviceId) {
    return v.getTasksList().stream().filter(t -> t.getServiceId().equals(serviceId)).toList();
  }

  private static List<SwarmTask> running(SwarmView v, String serviceId) {
    return tasks(v, serviceId).stream()
        .filter(t -> t.getState().equals("running") && t.getDesiredState().equals("running"))
        .toList();
  }

  @Test
  void replicatedServiceWithLimitsReservationsLabelsAndConstraints() {
    String name = TestEngine.uniqueName("swv-web");
    String id =
        createService(
            name,
            "--replicas",
            "2",
            "--limit-memory",
            "64M",
            "--limit-cpu",
            "0.5",
            "--reserve-memory",
            "16M",
            "--reserve-cpu",
            "0.1",
            "--label",
            "team=core",
            "--constraint",
            "node.role==manager",
            "swarmwatch-test/healthy:1");

    SwarmView view =
        await("two running tasks of " + name)
            .atMost(SETTLE)
            .until(reader::read, v -> running(v, id).size() == 2);

    assertThat(view.getTakenAtUnixNanos()).isEqualTo(1_714_557_600_123_456_789L);
    SwarmService s = service(view, id).orElseThrow();
    assertThat(s.getName()).isEqualTo(name);
    assertThat(s.getStack()).isEmpty();
    assertThat(s.getMode()).isEqualTo("replicated");
    assertThat(s.getDesiredReplicas()).isEqualTo(2);
    assertThat(s.getImage()).isEqualTo("swarmwatch-test/healthy:1");
    assertThat(s.getLabelsMap()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "core"));
    assertThat(s.getLimits())
        .isEqualTo(
            Resources.newBuilder().setNanoCpus(500_000_000L).setMemoryBytes(64L << 20).build());
    assertThat(s.getReservations())
        .isEqualTo(
            Resources.newBuilder().setNanoCpus(100_000_000L).setMemoryBytes(16L << 20).build());
    assertThat(s.getConstraintsList()).containsExactly("node.role==manager");
    assertThat(s.getCreatedUnixNanos()).isPositive();
    assertThat(s.getUpdatedUnixNanos()).isGreaterThanOrEqualTo(s.getCreatedUnixNanos());
    // Never updated: the Engine sends no UpdateStatus.
    assertThat(s.hasUpdateStatus()).isFalse();

    List<SwarmTask> tasks = running(view, id);
    assertThat(tasks).extracting(SwarmTask::getSlot).containsExactlyInAnyOrder(1, 2);
    for (SwarmTask t : tasks) {
      assertThat(t.getId()).isNotEmpty();
      assertThat(t.getNodeId()).isEqualTo(nodeId);
      assertThat(t.getContainerId()).hasSize(64);
      assertThat(t.getMessage()).isEqualTo("started");
      assertThat(t.getError()).isEmpty();
      assertThat(t.getCreatedUnixNanos()).isPositive();
      assertThat(t.getTimestampUnixNanos()).isGreaterThanOrEqualTo(t.getCreatedUnixNanos());
      assertThat(docker("inspect", "-f", "{{.Name}}", t.getContainerId()))
          .isEqualTo("/" + name + "." + t.getSlot() + "." + t.getId());
    }

    SwarmNode self =
        view.getNodesList().stream()
            .filter(n -> n.getId().equals(nodeId))
            .findFirst()
            .orElseThrow();
    assertThat(self.getRole()).isEqualTo("manager");
    assertThat(self.getStatus()).isEqualTo("ready");
    assertThat(self.getAvailability()).isEqualTo("active");
    assertThat(self.getLeader()).isTrue();
    assertThat(self.getManagerReachability()).isEqualTo("reachable");
    assertThat(self.getHostname()).isEqualTo(docker("info", "--format", "{{.Name}}"));
    assertThat(self.getEngineVersion())
        .isEqualTo(docker("version", "--format", "{{.Server.Version}}"));
    assertThat(self.getCpus()).isPositive();
    assertThat(self.getMemoryBytes()).isPositive();
  }

  @Test
  void taskNoNodeCanTakeStaysPendingWithTheSchedulersError() {
    String name = TestEngine.uniqueName("swv-huge");
    String id = createService(name, "--reserve-memory", "100G", "swarmwatch-test/plain:1");

    SwarmView view =
        await("a pending task of " + name + " with the scheduler's error")
            .atMost(SETTLE)
            .until(reader::read, v -> tasks(v, id).stream().anyMatch(t -> !t.getError().isEmpty()));

    SwarmTask t = tasks(view, id).get(0);
    assertThat(tasks(view, id)).hasSize(1);
    assertThat(t.getState()).isEqualTo("pending");
    assertThat(t.getDesiredState()).isEqualTo("running");
    assertThat(t.getSlot()).isEqualTo(1);
    assertThat(t.getNodeId()).isEmpty();
    assertThat(t.getContainerId()).isEmpty();
    assertThat(t.getError()).contains("no suitable node");
    assertThat(service(view, id).orElseThrow().getReservations().getMemoryBytes())
        .isEqualTo(100L << 30);
  }

  @Test
  void globalServiceHasOneSlotlessTaskOnThisNode() {
    String name = TestEngine.uniqueName("swv-global");
    String id =
        createService(
            name,
            "--mode",
            "global",
            "--label",
            "com.docker.stack.namespace=itstack",
            "swarmwatch-test/plain:1");

    SwarmView view =
        await("a running task of " + name)
            .atMost(SETTLE)
            .until(reader::read, v -> running(v, id).size() == 1);

    SwarmService s = service(view, id).orElseThrow();
    assertThat(s.getMode()).isEqualTo("global");
    assertThat(s.getDesiredReplicas()).isZero();
    assertThat(s.getStack()).isEqualTo("itstack");
    // The Engine sends empty Limits and Reservations objects: nothing set.
    assertThat(s.getLimits()).isEqualTo(Resources.getDefaultInstance());
    assertThat(s.getReservations()).isEqualTo(Resources.getDefaultInstance());
    assertThat(s.getConstraintsList()).isEmpty();
    SwarmTask t = running(view, id).get(0);
    assertThat(t.getSlot()).isZero();
    assertThat(t.getNodeId()).isEqualTo(nodeId);
    assertThat(t.getContainerId()).isNotEmpty();
  }

  @Test
  void updateShowsItsStatusAndReplacesTheTaskInItsSlot() {
    String name = TestEngine.uniqueName("swv-upd");
    String id = createService(name, "--limit-memory", "64M", "swarmwatch-test/plain:1");
    SwarmTask first =
        await("a running task of " + name)
            .atMost(SETTLE)
            .until(reader::read, v -> running(v, id).size() == 1)
            .getTasksList()
            .stream()
            .filter(t -> t.getServiceId().equals(id))
            .findFirst()
            .orElseThrow();

    docker("service", "update", "--detach", "--limit-memory", "32M", name);

    SwarmView view =
        await("the update of " + name + " completes")
            .atMost(SETTLE)
            .until(
                reader::read,
                v ->
                    service(v, id).orElseThrow().getUpdateStatus().getState().equals("completed")
                        && running(v, id).size() == 1
                        && !running(v, id).get(0).getId().equals(first.getId()));

    SwarmService s = service(view, id).orElseThrow();
    assertThat(s.getLimits().getMemoryBytes()).isEqualTo(32L << 20);
    assertThat(s.getUpdateStatus().getStartedUnixNanos()).isPositive();
    assertThat(s.getUpdateStatus().getCompletedUnixNanos())
        .isGreaterThanOrEqualTo(s.getUpdateStatus().getStartedUnixNanos());
    assertThat(s.getUpdatedUnixNanos()).isGreaterThan(s.getCreatedUnixNanos());
    // The replaced task stays in the history, in the same slot, told to shut down.
    SwarmTask replacement = running(view, id).get(0);
    assertThat(replacement.getSlot()).isEqualTo(first.getSlot()).isEqualTo(1);
    assertThat(replacement.getCreatedUnixNanos()).isGreaterThan(first.getCreatedUnixNanos());
    assertThat(tasks(view, id))
        .filteredOn(t -> t.getId().equals(first.getId()))
        .singleElement()
        .satisfies(
            old -> {
              assertThat(old.getDesiredState()).isEqualTo("shutdown");
              assertThat(old.getSlot()).isEqualTo(1);
            });
  }

  @Test
  void updateInProgressIsReportedAsUpdating() {
    String name = TestEngine.uniqueName("swv-slow");
    // Two replicas updated one at a time, waiting 30 s after each: the update stays "updating"
    // long enough to be seen.
    String id =
        createService(
            name,
            "--replicas",
            "2",
            "--update-parallelism",
            "1",
            "--update-delay",
            "30s",
            "swarmwatch-test/plain:1");
    await("two running tasks of " + name)
        .atMost(SETTLE)
        .until(reader::read, v -> running(v, id).size() == 2);

    docker("service", "update", "--detach", "--env-add", "X=1", name);

    SwarmView view =
        await("the update of " + name + " is under way")
            .atMost(SETTLE)
            .until(reader::read, v -> service(v, id).orElseThrow().hasUpdateStatus());

    SwarmService s = service(view, id).orElseThrow();
    assertThat(s.getUpdateStatus().getState()).isEqualTo("updating");
    assertThat(s.getUpdateStatus().getStartedUnixNanos()).isPositive();
    assertThat(s.getUpdateStatus().getCompletedUnixNanos()).isZero();
  }
}
