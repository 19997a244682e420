package io.swarmwatch.collector.model;

import static io.swarmwatch.collector.Protos.globalTask;
import static io.swarmwatch.collector.Protos.node;
import static io.swarmwatch.collector.Protos.plain;
import static io.swarmwatch.collector.Protos.task;
import static io.swarmwatch.collector.SwarmProtos.global;
import static io.swarmwatch.collector.SwarmProtos.pending;
import static io.swarmwatch.collector.SwarmProtos.replicated;
import static io.swarmwatch.collector.SwarmProtos.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.SwarmProtos;
import io.swarmwatch.proto.v1.ContainerUsage;
import io.swarmwatch.proto.v1.SwarmTask;
import io.swarmwatch.proto.v1.UsageBatch;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Replicas worked out from the agents' containers and the manager's swarm view. */
class ReplicasTest {
  private static final long T0_NANOS = 1_714_557_600_000_000_000L;
  private static final long SECOND = 1_000_000_000L;

  private final ClusterModel model =
      new ClusterModel(new MutableClock(Instant.parse("2024-05-01T10:00:00Z")), 100);

  private List<ReplicaView> replicas() {
    return model.replicas(ReplicaQuery.ALL);
  }

  private static SwarmTask.Builder swarmTask(
      String containerId, String service, int slot, String nodeId, String state, long created) {
    return SwarmProtos.task(containerId, service, slot, nodeId, state, created);
  }

  @Test
  void pendingTaskWithoutAContainerIsAPendingReplicaWithTheSchedulersError() {
    model.swarmView(
        view(T0_NANOS)
            .addServices(replicated("web", 1).setStack("shop"))
            .addTasks(pending("t-p", "web", 1, T0_NANOS - SECOND))
            .build());

    ReplicaView r = replicas().get(0);

    assertThat(replicas()).hasSize(1);
    assertThat(r.service()).isEqualTo("web");
    assertThat(r.serviceId()).isEqualTo("svc-web");
    assertThat(r.stack()).isEqualTo("shop");
    assertThat(r.slot()).isEqualTo(1);
    assertThat(r.node()).isNull();
    assertThat(r.nodeHostname()).isNull();
    assertThat(r.taskId()).isEqualTo("t-p");
    assertThat(r.containerId()).isNull();
    assertThat(r.containerName()).isNull();
    assertThat(r.image()).isEqualTo("nginx:1.27");
    assertThat(r.state()).isEqualTo("pending");
    assertThat(r.health()).isEqualTo("unknown");
    assertThat(r.exitCode()).isNull();
    assertThat(r.createdAt()).isEqualTo("2024-05-01T09:59:59Z");
    assertThat(r.startedAt()).isNull();
    assertThat(r.usage()).isNull();
    assertThat(r.task())
        .isEqualTo(
            new ReplicaView.Task(
                "running",
                "pending",
                "pending task scheduling",
                "no suitable node (insufficient resources on 1 node)",
                "2024-05-01T09:59:59.000000010Z"));
  }

  @Test
  void failedTaskReplacedInItsSlotShowsTheNewTasksContainer() {
    model.upsert(
        "node-1",
        task("old", "web", 1, "node-1")
            .setCreatedUnixNanos(110)
            .setState("exited")
            .setExitCode(1)
            .setFinishedUnixNanos(150)
            .build());
    model.upsert("node-1", task("new", "web", 1, "node-1").setCreatedUnixNanos(210).build());
    model.swarmView(
        view(T0_NANOS)
            .addServices(replicated("web", 1))
            .addTasks(
                swarmTask("old", "web", 1, "node-1", "failed", 100).setDesiredState("shutdown"))
            .addTasks(swarmTask("new", "web", 1, "node-1", "running", 200))
            .build());

    assertThat(replicas())
        .extracting(
            ReplicaView::slot, ReplicaView::containerId, ReplicaView::state, r -> r.task().state())
        .containsExactly(tuple(1, "new", "running", "running"));
  }

  @Test
  void replacementTaskWhoseContainerIsNotReportedYetShowsTheTask() {
    model.upsert(
        "node-1",
        task("old", "web", 1, "node-1")
            .setCreatedUnixNanos(110)
            .setState("exited")
            .setFinishedUnixNanos(150)
            .build());
    model.swarmView(
        view(T0_NANOS)
            .addServices(replicated("web", 1))
            .addTasks(
                swarmTask("old", "web", 1, "node-1", "failed", 100).setDesiredState("shutdown"))
            .addTasks(swarmTask("new", "web", 1, "node-1", "starting", 200))
            .build());

    ReplicaView r = replicas().get(0);

    assertThat(replicas()).hasSize(1);
    assertThat(r.taskId()).isEqualTo("task-new");
    assertThat(r.containerId()).isEqualTo("new");
    assertThat(r.containerName()).isNull();
    assertThat(r.state()).isEqualTo("starting");
    assertThat(r.node()).isEqualTo("node-1");
  }

  @Test
  void replacementTaskStillPendingHidesTheOldExitedContainer() {
    model.upsert(
        "node-1",
        task("old", "web", 1, "node-1")
            .setCreatedUnixNanos(110)
            .setState("exited")
            .setFinishedUnixNanos(150)
            .build());
    model.swarmView(
        view(T0_NANOS)
            .addServices(replicated("web", 1))
            .addTasks(
                swarmTask("old", "web", 1, "node-1", "failed", 100).setDesiredState("shutdown"))
            .addTasks(pending("t-new", "web", 1, 200))
            .build());

    assertThat(replicas())
        .extracting(ReplicaView::taskId, ReplicaView::containerId, ReplicaView::state)
        .containsExactly(tuple("t-new", null, "pending"));
  }

  @Test
  void containerNewerThanTheViewsTaskIsTheReplicaWithThatTasksInfo() {
    // The view was taken before swarm gave the task its container.
    model.upsert("node-1", task("c2", "web", 1, "node-1").setCreatedUnixNanos(210).build());
    model.swarmView(
        view(T0_NANOS)
            .addServices(replicated("web", 1))
            .addTasks(swarmTask("c2", "web", 1, "node-1", "assigned", 200).setContainerId(""))
            .build());

    ReplicaView r = replicas().get(0);

    assertThat(replicas()).hasSize(1);
    assertThat(r.containerId()).isEqualTo("c2");
    assertThat(r.containerName()).isEqualTo("web.1.task-c2");
    assertThat(r.state()).isEqualTo("running");
    assertThat(r.health()).isEqualTo("healthy");
    assertThat(r.task().state()).isEqualTo("assigned");
  }

  @Test
  void containerNewerThanEveryTaskOfItsSlotWinsOverAnOlderTask() {
    // A newer task (and its container) the view doesn't list yet.
    model.upsert("node-1", task("c1", "web", 1, "node-1").setCreatedUnixNanos(110).build());
    model.upsert("node-1", task("c9", "web", 1, "node-1").setCreatedUnixNanos(900).build());
    model.swarmView(
        view(T0_NANOS)
            .addServices(replicated("web", 1))
            .addTasks(swarmTask("c1", "web", 1, "node-1", "running", 100))
            .build());

    assertThat(replicas())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.containerId()).isEqualTo("c9");
              assertThat(r.task()).isNull(); // task-c9 is not in the view
            });
  }

  @Test
  void slotsWhoseNewestTaskIsToShutDownAreLeftOut() {
    // Scaled from 3 to 2: slot 3 is being stopped, its container still runs.
    for (int slot = 1; slot <= 3; slot++) {
      model.upsert("node-1", task("c" + slot, "web", slot, "node-1").build());
    }
    model.swarmView(
        view(T0_NANOS)
            .addServices(replicated("web", 2))
            .addTasks(swarmTask("c1", "web", 1, "node-1", "running", 100))
            .addTasks(swarmTask("c2", "web", 2, "node-1", "running", 100))
            .addTasks(
                swarmTask("c3", "web", 3, "node-1", "running", 100).setDesiredState("shutdown"))
            .build());

    assertThat(replicas()).extracting(ReplicaView::slot).containsExactly(1, 2);
  }

  @Test
  void slotWithAnOldShutdownTaskAndANewWantedOneIsKept() {
    model.upsert("node-1", task("c1", "web", 1, "node-1").setCreatedUnixNanos(110).build());
    model.upsert("node-1", task("c2", "web", 1, "node-1").setCreatedUnixNanos(310).build());
    model.swarmView(
        view(T0_NANOS)
            .addServices(replicated("web", 1))
            .addTasks(
                swarmTask("c1", "web", 1, "node-1", "shutdown", 100).setDesiredState("shutdown"))
            .addTasks(swarmTask("c2", "web", 1, "node-1", "running", 300))
            .build());

    assertThat(replicas()).extracting(ReplicaView::containerId).containsExactly("c2");
  }

  @Test
  void containersOfServicesTheViewDoesNotListAreLeftOut() {
    model.upsert("node-1", task("w1", "web", 1, "node-1").build());
    model.upsert("node-1", task("r1", "removed", 1, "node-1").build());
    model.upsert("node-1", plain("p1").build());
    model.swarmView(
        view(T0_NANOS)
            .addServices(replicated("web", 1))
            .addTasks(swarmTask("w1", "web", 1, "node-1", "running", 100))
            .build());

    assertThat(replicas()).extracting(ReplicaView::containerId).containsExactly("w1");
  }

  @Test
  void globalServiceReplicasAreKeyedByNode() {
    model.agentConnected(node("node-1", "alpha"), "1.0");
    model.upsert("node-1", globalTask("g1-old", "agent", "node-1").setCreatedUnixNanos(50).build());
    model.upsert("node-1", globalTask("g1", "agent", "node-1").setCreatedUnixNanos(110).build());
    model.swarmView(
        view(T0_NANOS)
            .addServices(global("agent"))
            .addTasks(swarmTask("g1", "agent", 0, "node-1", "running", 100))
            // node-2 has no agent: the task is all there is.
            .addTasks(swarmTask("g2", "agent", 0, "node-2", "running", 100))
            // Not bound to a node yet: no replica.
            .addTasks(swarmTask("g3", "agent", 0, "", "new", 100).setContainerId(""))
            .addNodes(SwarmProtos.node("node-2", "beta", "worker"))
            .build());

    assertThat(replicas())
        .extracting(
            ReplicaView::slot,
            ReplicaView::node,
            ReplicaView::nodeHostname,
            ReplicaView::containerId,
            ReplicaView::containerName,
            ReplicaView::health)
        .containsExactly(
            tuple(null, "node-1", "alpha", "g1", "agent.node-1.task-g1", "healthy"),
            tuple(null, "node-2", "beta", "g2", null, "unknown"));
  }

  @Test
  void containerReplicaCarriesItsTaskFromTheView() {
    model.upsert("node-1", task("c1", "web", 1, "node-1").build());
    model.swarmView(
        view(T0_NANOS)
            .addServices(replicated("web", 1))
            .addTasks(swarmTask("c1", "web", 1, "node-1", "running", T0_NANOS))
            .build());

    assertThat(replicas().get(0).task())
        .isEqualTo(
            new ReplicaView.Task(
                "running", "running", "started", null, "2024-05-01T10:00:00.000000010Z"));
  }

  @Test
  void withoutAViewEveryContainerSlotIsAReplicaWithoutTask() {
    model.upsert("node-1", task("w1", "web", 1, "node-1").build());
    model.upsert("node-1", task("r1", "removed", 1, "node-1").build());

    assertThat(replicas())
        .extracting(ReplicaView::containerId, ReplicaView::task)
        .containsExactly(tuple("r1", null), tuple("w1", null));
  }

  @Test
  void replicaCarriesItsContainersLatestUsage() {
    model.upsert("node-1", task("c1", "web", 1, "node-1").build());
    model.usage(
        UsageBatch.newBuilder()
            .setTimeUnixNanos(T0_NANOS)
            .addContainers(
                ContainerUsage.newBuilder()
                    .setContainerId("c1")
                    .setSource("cgroup-v2")
                    .setCpuPercentOfHostCore(12.5)
                    .setCpuPercentOfLimit(-1)
                    .setMemoryWorkingSetBytes(32L << 20)
                    .setMemoryUsageBytes(40L << 20)
                    .setMemoryLimitBytes(128L << 20)
                    .setCpuThrottledNanos(2_500_000_000L)
                    .setOomKills(-1)
                    .setPids(3))
            .build());

    UsageView u = replicas().get(0).usage();

    assertThat(u.time()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(u.source()).isEqualTo("cgroup-v2");
    assertThat(u.cpuPercent()).isEqualTo(12.5);
    assertThat(u.cpuPercentOfLimit()).isNull();
    assertThat(u.memoryBytes()).isEqualTo(32L << 20);
    assertThat(u.memoryPercentOfLimit()).isEqualTo(25.0);
    assertThat(u.cpuThrottledSeconds()).isEqualTo(2.5);
    assertThat(u.oomKills()).isNull();
    assertThat(u.pids()).isEqualTo(3);
  }

  @Test
  void filtersStillApplyToTaskReplicas() {
    model.swarmView(
        view(T0_NANOS)
            .addServices(replicated("web", 1))
            .addServices(replicated("api", 1))
            .addTasks(pending("t-w", "web", 1, 100))
            .addTasks(swarmTask("a1", "api", 1, "node-2", "running", 100))
            .addNodes(SwarmProtos.node("node-2", "beta", "worker"))
            .build());

    assertThat(model.replicas(new ReplicaQuery(Optional.of("svc-web"), Optional.empty())))
        .extracting(ReplicaView::taskId)
        .containsExactly("t-w");
    assertThat(model.replicas(new ReplicaQuery(Optional.empty(), Optional.of("beta"))))
        .extracting(ReplicaView::taskId)
        .containsExactly("task-a1");
  }
}
