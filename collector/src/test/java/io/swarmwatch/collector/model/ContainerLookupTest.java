package io.swarmwatch.collector.model;

import static io.swarmwatch.collector.Protos.node;
import static io.swarmwatch.collector.Protos.plain;
import static io.swarmwatch.collector.Protos.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.proto.v1.ContainerRemoved;
import io.swarmwatch.proto.v1.ContainerUsage;
import io.swarmwatch.proto.v1.Health;
import io.swarmwatch.proto.v1.HealthProbe;
import io.swarmwatch.proto.v1.Limits;
import io.swarmwatch.proto.v1.UsageBatch;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One container by id, id prefix or name, in full. */
class ContainerLookupTest {
  private static final long T0_NANOS = 1_714_557_600_000_000_000L;
  private static final String ID_A =
      "3f9c2a71be04d5c6e8a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b";
  private static final String ID_B =
      "3f9c77aa00000000000000000000000000000000000000000000000000000000";

  private final ClusterModel model =
      new ClusterModel(new MutableClock(Instant.parse("2024-05-01T10:00:00Z")), 100);

  @Test
  void foundByFullIdUniquePrefixOrName() {
    model.upsert("node-1", task(ID_A, "web", 1, "node-1").build());
    model.upsert("node-1", task(ID_B, "web", 2, "node-1").build());

    assertThat(model.container(ID_A)).map(ContainerView::id).contains(ID_A);
    assertThat(model.container("3f9c2")).map(ContainerView::id).contains(ID_A);
    assertThat(model.container("3f9c7")).map(ContainerView::id).contains(ID_B);
    assertThat(model.container("web.2.task-" + ID_B)).map(ContainerView::id).contains(ID_B);
    assertThat(model.container("ffff")).isEmpty();
  }

  @Test
  void prefixShorterThanFourIsNoMatch() {
    model.upsert("node-1", plain("abc123").build());

    assertThat(model.container("abc")).isEmpty();
    assertThat(model.container("abc1")).map(ContainerView::id).contains("abc123");
  }

  @Test
  void ambiguousPrefixIsRejected() {
    model.upsert("node-1", task(ID_A, "web", 1, "node-1").build());
    model.upsert("node-1", task(ID_B, "web", 2, "node-1").build());

    assertThatThrownBy(() -> model.container("3f9c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'3f9c' matches 2 containers");
  }

  @Test
  void exactNameWinsOverAnIdPrefix() {
    model.upsert("node-1", plain("beef0123").setName("cafe").build());
    model.upsert("node-1", plain("cafe4567").setName("other").build());

    // As docker resolves it: the container named "cafe", not the one whose id starts so.
    assertThat(model.container("cafe")).map(ContainerView::id).contains("beef0123");
    assertThat(model.container("cafe4")).map(ContainerView::id).contains("cafe4567");
  }

  @Test
  void sameNameOnTwoNodesIsAmbiguous() {
    model.upsert("node-1", plain("aaaa1111").setName("cache").build());
    model.upsert("node-2", plain("bbbb2222").setName("cache").build());

    assertThatThrownBy(() -> model.container("cache"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'cache' matches 2 containers");
    assertThat(model.container("bbbb")).map(ContainerView::node).contains("node-2");
  }

  @Test
  void removedContainerIsNotFound() {
    model.upsert("node-1", plain("abc123").build());
    model.remove(ContainerRemoved.newBuilder().setId("abc123").setObservedUnixNanos(9_000).build());

    assertThat(model.container("abc123")).isEmpty();
  }

  @Test
  void taskContainerShowsEverything() {
    model.agentConnected(node("node-1", "alpha"), "1.0");
    model.upsert(
        "node-1",
        task("c1", "web", 2, "node-1")
            .setCreatedUnixNanos(T0_NANOS)
            .setStartedUnixNanos(T0_NANOS + 1_000_000_000L)
            .setRestartCount(1)
            .putLabels("team", "core")
            .setLimits(Limits.newBuilder().setMemoryBytes(64L << 20).setMemorySwapBytes(-1))
            .setHealth(
                Health.newBuilder()
                    .setStatus("unhealthy")
                    .setFailingStreak(2)
                    .addLog(
                        HealthProbe.newBuilder()
                            .setStartUnixNanos(T0_NANOS + 5_000_000_000L)
                            .setEndUnixNanos(T0_NANOS + 5_250_000_000L)
                            .setExitCode(1)
                            .setOutput("db unreachable\n"))
                    .addLog(
                        HealthProbe.newBuilder()
                            .setStartUnixNanos(T0_NANOS + 6_000_000_000L)
                            .setExitCode(0)))
            .build());
    model.usage(
        UsageBatch.newBuilder()
            .setTimeUnixNanos(T0_NANOS)
            .addContainers(
                ContainerUsage.newBuilder()
                    .setContainerId("c1")
                    .setSource("engine-stats")
                    .setMemoryWorkingSetBytes(16L << 20)
                    .setMemoryLimitBytes(64L << 20))
            .build());

    ContainerView c = model.container("c1").orElseThrow();

    assertThat(c.name()).isEqualTo("web.2.task-c1");
    assertThat(c.image()).isEqualTo("nginx:1.27");
    assertThat(c.node()).isEqualTo("node-1");
    assertThat(c.nodeHostname()).isEqualTo("alpha");
    assertThat(c.state()).isEqualTo("running");
    assertThat(c.exitCode()).isNull();
    assertThat(c.finishedAt()).isNull();
    assertThat(c.restartCount()).isEqualTo(1);
    assertThat(c.createdAt()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(c.startedAt()).isEqualTo("2024-05-01T10:00:01Z");
    assertThat(c.service()).isEqualTo("web");
    assertThat(c.serviceId()).isEqualTo("svc-web");
    assertThat(c.stack()).isNull();
    assertThat(c.slot()).isEqualTo(2);
    assertThat(c.taskId()).isEqualTo("task-c1");
    assertThat(c.taskName()).isEqualTo("web.2.task-c1");
    assertThat(c.labels()).containsExactlyEntriesOf(Map.of("team", "core"));
    assertThat(c.limits().memoryBytes()).isEqualTo(64L << 20);
    assertThat(c.limits().memorySwapBytes()).isEqualTo(-1);
    assertThat(c.limits().nanoCpus()).isNull();
    assertThat(c.usage().memoryPercentOfLimit()).isEqualTo(25.0);
    assertThat(c.health())
        .isEqualTo(
            new HealthView(
                "unhealthy",
                2,
                List.of(
                    new HealthView.Probe(
                        "2024-05-01T10:00:05Z", "2024-05-01T10:00:05.250Z", 1, "db unreachable\n"),
                    // Still running: no end yet.
                    new HealthView.Probe("2024-05-01T10:00:06Z", null, 0, ""))));
  }

  @Test
  void plainExitedContainerHasNoSwarmFactsNoHealthAndItsExit() {
    model.upsert(
        "node-1",
        plain("p1")
            .setState("exited")
            .setExitCode(137)
            .setOomKilled(true)
            .setFinishedUnixNanos(T0_NANOS)
            .build());

    ContainerView c = model.container("plain-p1").orElseThrow();

    assertThat(c.node()).isEqualTo("node-1");
    assertThat(c.nodeHostname()).isNull();
    assertThat(c.exitCode()).isEqualTo(137);
    assertThat(c.oomKilled()).isTrue();
    assertThat(c.finishedAt()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(c.service()).isNull();
    assertThat(c.serviceId()).isNull();
    assertThat(c.slot()).isNull();
    assertThat(c.taskId()).isNull();
    assertThat(c.health()).isNull();
    assertThat(c.usage()).isNull();
    assertThat(c.labels()).isEmpty();
  }
}
