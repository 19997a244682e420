package io.swarmwatch.collector.model;

import static io.swarmwatch.collector.Protos.event;
import static io.swarmwatch.collector.Protos.globalTask;
import static io.swarmwatch.collector.Protos.node;
import static io.swarmwatch.collector.Protos.plain;
import static io.swarmwatch.collector.Protos.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerEvent;
import io.swarmwatch.proto.v1.ContainerRemoved;
import io.swarmwatch.proto.v1.Limits;
import io.swarmwatch.proto.v1.Node;
import io.swarmwatch.proto.v1.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterModelTest {
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final long T0_NANOS = 1_714_557_600_000_000_000L;

  private final MutableClock clock = new MutableClock(T0);
  private final ClusterModel model = new ClusterModel(clock, 100);

  private static ReplicaQuery service(String s) {
    return new ReplicaQuery(Optional.of(s), Optional.empty());
  }

  private static ReplicaQuery onNode(String n) {
    return new ReplicaQuery(Optional.empty(), Optional.of(n));
  }

  private static EventQuery allEvents() {
    return new EventQuery(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        1000);
  }

  private List<EventView> events(
      String service, String container, String type, Instant since, Instant until, int limit) {
    return model.events(
        new EventQuery(
            Optional.ofNullable(service),
            Optional.ofNullable(container),
            Optional.ofNullable(type),
            Optional.ofNullable(since),
            Optional.ofNullable(until),
            limit));
  }

  // --- replicas -------------------------------------------------------------------------------

  @Test
  void readersShareViewsUntilTheModelOrTheFlagsChange() {
    model.upsert("node-1", task("c1", "web", 1, "node-1").build());
    Object[] generation = {new Object()};
    boolean[] flagged = {false};
    FlagView unhealthy = new FlagView("unhealthy", "critical", "2026-12-04T00:00:00Z", "probe");
    model.flagSource(
        new FlagSource() {
          @Override
          public List<FlagView> replica(String key) {
            return flagged[0] && key.endsWith("/1") ? List.of(unhealthy) : List.of();
          }

          @Override
          public List<FlagView> service(String serviceId) {
            return List.of();
          }

          @Override
          public boolean nodeDown(String nodeId) {
            return false;
          }

          @Override
          public Object generation() {
            return generation[0];
          }
        });
    ClusterModel.ReadViews first = model.readViews();
    assertThat(model.readViews()).as("nothing changed: the same views").isSameAs(first);

    flagged[0] = true;
    generation[0] = new Object(); // the rule engine published other flags
    ClusterModel.ReadViews afterFlags = model.readViews();
    assertThat(afterFlags).as("flags changed: rebuilt at once").isNotSameAs(first);
    assertThat(afterFlags.replicas())
        .singleElement()
        .satisfies(r -> assertThat(r.flags()).containsExactly(unhealthy));

    model.upsert("node-1", task("c2", "web", 2, "node-1").build());
    assertThat(model.readViews().replicas())
        .as("a change of containers is seen by the next read (the rule engine relies on it)")
        .extracting(ReplicaView::containerId)
        .containsExactly("c1", "c2");
  }

  @Test
  void largeViewsAreRebuiltOffTheReadersThread() {
    model.inlineBuildMaxReplicas(1);
    model.upsert("node-1", task("c1", "web", 1, "node-1").build());
    model.upsert("node-1", task("c2", "web", 2, "node-1").build());
    ClusterModel.ReadViews before = model.readViews();
    assertThat(before.replicas()).hasSize(2);

    model.upsert("node-1", task("c3", "web", 3, "node-1").build());
    assertThat(model.readViews())
        .as("the reader is answered at once from the last views; a rebuild is started")
        .isSameAs(before);
    org.awaitility.Awaitility.await("the views thread brings the views up to date")
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> model.readViews().replicas().size() == 3);
    model.upsert("node-1", task("c4", "web", 4, "node-1").build());
    assertThat(model.currentViews().replicas())
        .as("the rule engine's read is never behind")
        .hasSize(4);
  }

  @Test
  void readersMayLagUsageBriefly_theRuleEngineNever() {
    model.upsert("node-1", task("c1", "web", 1, "node-1").build());
    model.usage(usageOf("c1", 1));
    assertThat(model.readViews().replicas().get(0).usage().pids()).isEqualTo(1);

    model.usage(usageOf("c1", 2));
    assertThat(model.currentViews().replicas().get(0).usage().pids())
        .as("the rule engine's read sees every sample")
        .isEqualTo(2);
    model.usage(usageOf("c1", 3));
    org.awaitility.Awaitility.await("readers see the sample within the usage window")
        .atMost(Duration.ofNanos(2 * ClusterModel.USAGE_MAX_AGE_NANOS))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> model.readViews().replicas().get(0).usage().pids() == 3);
  }

  private static io.swarmwatch.proto.v1.UsageBatch usageOf(String containerId, int pids) {
    return io.swarmwatch.proto.v1.UsageBatch.newBuilder()
        .setTimeUnixNanos(T0_NANOS + pids)
        .addContainers(
            io.swarmwatch.proto.v1.ContainerUsage.newBuilder()
                .setContainerId(containerId)
                .setPids(pids))
        .build();
  }

  @Test
  void replicaIsTheNewestContainerOfItsSlot() {
    model.upsert(
        "node-1",
        task("old1", "web", 1, "node-1")
            .setCreatedUnixNanos(100)
            .setState("exited")
            .setExitCode(137)
            .setFinishedUnixNanos(150)
            .build());
    model.upsert("node-1", task("new1", "web", 1, "node-1").setCreatedUnixNanos(200).build());
    // Older by creation even though observed later: still not the replica.
    model.upsert(
        "node-2",
        task("older1", "web", 1, "node-2")
            .setCreatedUnixNanos(50)
            .setObservedUnixNanos(9_000)
            .build());
    model.upsert("node-2", task("only2", "web", 2, "node-2").build());

    List<ReplicaView> replicas = model.replicas(ReplicaQuery.ALL);

    assertThat(replicas)
        .extracting(ReplicaView::service, ReplicaView::slot, ReplicaView::containerId)
        .containsExactly(tuple("web", 1, "new1"), tuple("web", 2, "only2"));
  }

  @Test
  void globalReplicaIsTheNewestContainerOfItsNode() {
    model.upsert("node-1", globalTask("a-old", "logs", "node-1").setCreatedUnixNanos(100).build());
    model.upsert("node-1", globalTask("a-new", "logs", "node-1").setCreatedUnixNanos(200).build());
    model.upsert("node-2", globalTask("b", "logs", "node-2").setCreatedUnixNanos(100).build());

    List<ReplicaView> replicas = model.replicas(ReplicaQuery.ALL);

    assertThat(replicas)
        .extracting(ReplicaView::slot, ReplicaView::node, ReplicaView::containerId)
        .containsExactly(tuple(null, "node-1", "a-new"), tuple(null, "node-2", "b"));
  }

  @Test
  void globalReplicaWithoutANodeLabelBelongsToTheReportingNode() {
    model.upsert("node-1", globalTask("a", "logs", "").build());
    model.upsert("node-2", globalTask("b", "logs", "").build());

    assertThat(model.replicas(ReplicaQuery.ALL))
        .extracting(ReplicaView::node, ReplicaView::containerId)
        .containsExactly(tuple("node-1", "a"), tuple("node-2", "b"));
  }

  @Test
  void plainContainersAreNotReplicas() {
    model.upsert("node-1", plain("p1").build());
    model.upsert("node-1", task("t1", "web", 1, "node-1").build());

    assertThat(model.replicas(ReplicaQuery.ALL))
        .extracting(ReplicaView::containerId)
        .containsExactly("t1");
  }

  @Test
  void replicasFilterByServiceNameOrId() {
    model.upsert("node-1", task("w1", "web", 1, "node-1").build());
    model.upsert("node-1", task("a1", "api", 1, "node-1").build());

    assertThat(model.replicas(service("web")))
        .extracting(ReplicaView::containerId)
        .containsExactly("w1");
    assertThat(model.replicas(service("svc-api")))
        .extracting(ReplicaView::containerId)
        .containsExactly("a1");
    assertThat(model.replicas(service("nope"))).isEmpty();
  }

  @Test
  void replicasFilterByNodeIdOrHostname() {
    model.agentConnected(node("node-1", "alpha"), "1.0");
    model.agentConnected(node("node-2", "beta"), "1.0");
    model.upsert("node-1", task("w1", "web", 1, "node-1").build());
    model.upsert("node-2", task("w2", "web", 2, "node-2").build());

    assertThat(model.replicas(onNode("node-2")))
        .extracting(ReplicaView::containerId)
        .containsExactly("w2");
    assertThat(model.replicas(onNode("alpha")))
        .extracting(ReplicaView::containerId, ReplicaView::nodeHostname)
        .containsExactly(tuple("w1", "alpha"));
    assertThat(model.replicas(new ReplicaQuery(Optional.of("web"), Optional.of("beta"))))
        .extracting(ReplicaView::containerId)
        .containsExactly("w2");
    assertThat(model.replicas(onNode("gamma"))).isEmpty();
  }

  @Test
  void replicasAreSortedByServiceThenSlot() {
    model.upsert("n", task("w10", "web", 10, "n").build());
    model.upsert("n", task("a2", "api", 2, "n").build());
    model.upsert("n", task("w2", "web", 2, "n").build());
    model.upsert("n", task("a1", "api", 1, "n").build());
    model.upsert("n", task("w1", "web", 1, "n").build());

    assertThat(model.replicas(ReplicaQuery.ALL))
        .extracting(ReplicaView::containerId)
        .containsExactly("a1", "a2", "w1", "w2", "w10");
  }

  @Test
  void replicaViewShowsTheContainersFacts() {
    model.agentConnected(node("node-1", "alpha"), "1.0");
    model.upsert(
        "node-1",
        task("c1", "web", 3, "node-1")
            .setCreatedUnixNanos(T0_NANOS)
            .setStartedUnixNanos(T0_NANOS + 1_500_000_000L)
            .setHealthStatus("")
            .setRestartCount(2)
            .setLimits(
                Limits.newBuilder()
                    .setNanoCpus(500_000_000)
                    .setMemoryBytes(256L << 20)
                    .setMemorySwapBytes(-1))
            .build());

    ReplicaView r = model.replicas(ReplicaQuery.ALL).get(0);

    assertThat(r.service()).isEqualTo("web");
    assertThat(r.serviceId()).isEqualTo("svc-web");
    assertThat(r.stack()).isNull();
    assertThat(r.slot()).isEqualTo(3);
    assertThat(r.node()).isEqualTo("node-1");
    assertThat(r.nodeHostname()).isEqualTo("alpha");
    assertThat(r.taskId()).isEqualTo("task-c1");
    assertThat(r.taskName()).isEqualTo("web.3.task-c1");
    assertThat(r.containerName()).isEqualTo("web.3.task-c1");
    assertThat(r.image()).isEqualTo("nginx:1.27");
    assertThat(r.state()).isEqualTo("running");
    assertThat(r.health()).isEqualTo("none");
    assertThat(r.exitCode()).isNull();
    assertThat(r.finishedAt()).isNull();
    assertThat(r.restartCount()).isEqualTo(2);
    assertThat(r.createdAt()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(r.startedAt()).isEqualTo("2024-05-01T10:00:01.500Z");
    assertThat(r.limits().nanoCpus()).isEqualTo(500_000_000L);
    assertThat(r.limits().memoryBytes()).isEqualTo(256L << 20);
    assertThat(r.limits().memorySwapBytes()).as("-1 = unlimited swap, a setting").isEqualTo(-1L);
    assertThat(r.limits().cpuQuota()).isNull();
    assertThat(r.limits().cpusetCpus()).isNull();
    assertThat(r.limits().pidsLimit()).isNull();
  }

  @Test
  void endedReplicaShowsExitCodeAndFinishTime() {
    Container.Builder c =
        task("c1", "web", 1, "node-1")
            .setState("exited")
            .setExitCode(137)
            .setOomKilled(true)
            .setFinishedUnixNanos(T0_NANOS);
    c.getSwarmBuilder().setStack("shop");
    model.upsert("node-1", c.build());

    ReplicaView r = model.replicas(ReplicaQuery.ALL).get(0);

    assertThat(r.state()).isEqualTo("exited");
    assertThat(r.exitCode()).isEqualTo(137);
    assertThat(r.oomKilled()).isTrue();
    assertThat(r.finishedAt()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(r.stack()).isEqualTo("shop");
    assertThat(r.nodeHostname()).as("no agent has announced node-1").isNull();
  }

  // --- newest observation wins -----------------------------------------------------------------

  @Test
  void olderObservationDoesNotOverwriteANewerOne() {
    model.upsert(
        "n", task("c1", "web", 1, "n").setObservedUnixNanos(200).setState("running").build());
    model.upsert(
        "n", task("c1", "web", 1, "n").setObservedUnixNanos(100).setState("exited").build());

    assertThat(model.replicas(ReplicaQuery.ALL))
        .extracting(ReplicaView::state)
        .containsExactly("running");

    model.upsert(
        "n", task("c1", "web", 1, "n").setObservedUnixNanos(300).setState("paused").build());

    assertThat(model.replicas(ReplicaQuery.ALL))
        .extracting(ReplicaView::state)
        .containsExactly("paused");
  }

  @Test
  void removeLeavesATombstoneSoAStaleUpdateCannotResurrect() {
    model.upsert("n", task("c1", "web", 1, "n").setObservedUnixNanos(100).build());
    model.remove(ContainerRemoved.newBuilder().setId("c1").setObservedUnixNanos(200).build());

    assertThat(model.replicas(ReplicaQuery.ALL)).isEmpty();

    model.upsert("n", task("c1", "web", 1, "n").setObservedUnixNanos(150).build());
    model.upsert("n", task("c1", "web", 1, "n").setObservedUnixNanos(200).build());

    assertThat(model.replicas(ReplicaQuery.ALL)).as("stale updates after removal").isEmpty();

    // Only an observation made after the removal brings it back.
    model.upsert("n", task("c1", "web", 1, "n").setObservedUnixNanos(201).build());
    assertThat(model.replicas(ReplicaQuery.ALL))
        .extracting(ReplicaView::containerId)
        .containsExactly("c1");
  }

  @Test
  void staleRemoveDoesNotDeleteANewerObservation() {
    model.upsert("n", task("c1", "web", 1, "n").setObservedUnixNanos(300).build());
    model.remove(ContainerRemoved.newBuilder().setId("c1").setObservedUnixNanos(200).build());

    assertThat(model.replicas(ReplicaQuery.ALL))
        .extracting(ReplicaView::containerId)
        .containsExactly("c1");
  }

  @Test
  void removeBeforeAnyUpdateStillBlocksStaleOnes() {
    model.remove(ContainerRemoved.newBuilder().setId("c1").setObservedUnixNanos(200).build());
    model.upsert("n", task("c1", "web", 1, "n").setObservedUnixNanos(100).build());

    assertThat(model.replicas(ReplicaQuery.ALL)).isEmpty();
  }

  // --- snapshots --------------------------------------------------------------------------------

  @Test
  void snapshotReplacesThatNodesContainersOnly() {
    model.upsert("node-1", task("keep", "web", 1, "node-1").setObservedUnixNanos(100).build());
    model.upsert("node-1", task("gone", "web", 2, "node-1").setObservedUnixNanos(100).build());
    model.upsert("node-2", task("other", "web", 3, "node-2").setObservedUnixNanos(100).build());

    model.applySnapshot(
        "node-1",
        Snapshot.newBuilder()
            .setTakenAtUnixNanos(500)
            .addContainers(task("keep", "web", 1, "node-1").setObservedUnixNanos(500))
            .addContainers(task("new", "api", 1, "node-1").setObservedUnixNanos(500))
            .build());

    assertThat(model.replicas(ReplicaQuery.ALL))
        .extracting(ReplicaView::containerId)
        .containsExactly("new", "keep", "other");

    // The snapshot said "gone" is gone: a late update observed before it can't bring it back.
    model.upsert("node-1", task("gone", "web", 2, "node-1").setObservedUnixNanos(400).build());
    assertThat(model.replicas(service("web")))
        .extracting(ReplicaView::containerId)
        .containsExactly("keep", "other");
  }

  @Test
  void snapshotKeepsContainersObservedAfterItWasTaken() {
    model.upsert("node-1", task("later", "web", 1, "node-1").setObservedUnixNanos(600).build());

    model.applySnapshot("node-1", Snapshot.newBuilder().setTakenAtUnixNanos(500).build());

    assertThat(model.replicas(ReplicaQuery.ALL))
        .extracting(ReplicaView::containerId)
        .containsExactly("later");
  }

  @Test
  void emptySnapshotRemovesEverythingOfThatNode() {
    model.upsert("node-1", task("a", "web", 1, "node-1").setObservedUnixNanos(100).build());
    model.upsert("node-1", plain("p").setObservedUnixNanos(100).build());
    model.upsert("node-2", task("b", "web", 2, "node-2").setObservedUnixNanos(100).build());

    model.applySnapshot("node-1", Snapshot.newBuilder().setTakenAtUnixNanos(500).build());

    assertThat(model.replicas(ReplicaQuery.ALL))
        .extracting(ReplicaView::containerId)
        .containsExactly("b");
  }

  // --- events -----------------------------------------------------------------------------------

  @Test
  void eventTypeIsTheActionWithoutItsDetail() {
    model.event("node-1", event(T0_NANOS, "health_status: unhealthy", "c1", "web", 2).build());
    model.event("node-1", event(T0_NANOS + 1, "exec_start: sh -c date", "c1", "web", 2).build());
    model.event("node-1", event(T0_NANOS + 2, "die", "c1", "web", 2).build());

    assertThat(model.events(allEvents()))
        .extracting(EventView::type, EventView::action)
        .containsExactly(
            tuple("health_status", "health_status: unhealthy"),
            tuple("exec_start", "exec_start: sh -c date"),
            tuple("die", "die"));
  }

  @Test
  void eventViewCarriesTheSwarmFactsFromTheLabels() {
    model.event(
        "node-1",
        event(T0_NANOS + 123_456_789, "die", "c1abcdef", "web", 2)
            .putAttributes("exitCode", "137")
            .putAttributes("com.docker.stack.namespace", "shop")
            .build());

    EventView e = model.events(allEvents()).get(0);

    assertThat(e.id()).isEqualTo(1);
    assertThat(e.time()).isEqualTo("2024-05-01T10:00:00.123456789Z");
    assertThat(e.scope()).isEqualTo("container");
    assertThat(e.node()).isEqualTo("node-1");
    assertThat(e.containerId()).isEqualTo("c1abcdef");
    assertThat(e.containerName()).isEqualTo("web.2.task-c1abcdef");
    assertThat(e.service()).isEqualTo("web");
    assertThat(e.serviceId()).isEqualTo("svc-web");
    assertThat(e.taskId()).isEqualTo("task-c1abcdef");
    assertThat(e.slot()).isEqualTo(2);
    assertThat(e.stack()).isEqualTo("shop");
    assertThat(e.exitCode()).isEqualTo(137);
    assertThat(e.attributes())
        .containsEntry("image", "nginx:1.27")
        .containsEntry("exitCode", "137");
  }

  @Test
  void eventWithoutSwarmLabelsOrExitCodeHasNulls() {
    model.event("node-1", event(T0_NANOS, "start", "c1", "plain", 0).build());
    model.event(
        "node-1", event(T0_NANOS, "die", "c1", "plain", 0).putAttributes("exitCode", "x").build());

    assertThat(model.events(allEvents()))
        .extracting(EventView::service, EventView::slot, EventView::exitCode)
        .containsExactly(tuple(null, null, null), tuple(null, null, null));
  }

  @Test
  void globalServiceEventHasNoSlot() {
    model.event(
        "node-1",
        ContainerEvent.newBuilder()
            .setTimeUnixNanos(T0_NANOS)
            .setType("container")
            .setAction("start")
            .setActorId("c1")
            .putAttributes("com.docker.swarm.service.name", "logs")
            .putAttributes("com.docker.swarm.task.name", "logs.node123abc.task1")
            .build());

    assertThat(model.events(allEvents()))
        .extracting(EventView::service, EventView::slot)
        .containsExactly(tuple("logs", null));
  }

  @Test
  void nonContainerEventHasNoContainer() {
    model.event(
        "node-1",
        ContainerEvent.newBuilder()
            .setTimeUnixNanos(T0_NANOS)
            .setType("service")
            .setAction("update")
            .setActorId("svc-web")
            .putAttributes("name", "web")
            .build());

    EventView e = model.events(allEvents()).get(0);
    assertThat(e.scope()).isEqualTo("service");
    assertThat(e.containerId()).isNull();
    assertThat(e.containerName()).isNull();
    assertThat(events(null, "svc-web", null, null, null, 10)).as("container filter").isEmpty();
  }

  @Test
  void eventsFilterByServiceNameOrId() {
    model.event("n", event(T0_NANOS, "start", "c1", "web", 1).build());
    model.event("n", event(T0_NANOS + 1, "start", "c2", "api", 1).build());

    assertThat(events("web", null, null, null, null, 10))
        .extracting(EventView::containerId)
        .containsExactly("c1");
    assertThat(events("svc-api", null, null, null, null, 10))
        .extracting(EventView::containerId)
        .containsExactly("c2");
    assertThat(events("db", null, null, null, null, 10)).isEmpty();
  }

  @Test
  void eventsFilterByContainerIdPrefixOfFourOrMoreOrByName() {
    model.event("n", event(T0_NANOS, "start", "abcdef123456", "web", 1).build());
    model.event("n", event(T0_NANOS + 1, "start", "abc999999999", "web", 2).build());

    assertThat(events(null, "abcdef123456", null, null, null, 10))
        .extracting(EventView::containerId)
        .containsExactly("abcdef123456");
    assertThat(events(null, "abcd", null, null, null, 10))
        .extracting(EventView::containerId)
        .containsExactly("abcdef123456");
    assertThat(events(null, "abc", null, null, null, 10))
        .as("a 3-character prefix is too ambiguous to match")
        .isEmpty();
    assertThat(events(null, "web.2.task-abc999999999", null, null, null, 10))
        .extracting(EventView::containerId)
        .containsExactly("abc999999999");
  }

  @Test
  void eventsFilterByTypeOrFullAction() {
    model.event("n", event(T0_NANOS, "health_status: unhealthy", "c1", "web", 1).build());
    model.event("n", event(T0_NANOS + 1, "health_status: healthy", "c1", "web", 1).build());
    model.event("n", event(T0_NANOS + 2, "die", "c1", "web", 1).build());

    assertThat(events(null, null, "health_status", null, null, 10))
        .extracting(EventView::action)
        .containsExactly("health_status: unhealthy", "health_status: healthy");
    assertThat(events(null, null, "health_status: healthy", null, null, 10))
        .extracting(EventView::action)
        .containsExactly("health_status: healthy");
    assertThat(events(null, null, "die", null, null, 10))
        .extracting(EventView::action)
        .containsExactly("die");
    assertThat(events(null, null, "health", null, null, 10)).isEmpty();
  }

  @Test
  void sinceIsInclusiveAndUntilExclusive() {
    for (int i = 0; i < 5; i++) {
      model.event("n", event(T0_NANOS + i * 1_000_000_000L, "e" + i, "c1", "web", 1).build());
    }

    assertThat(events(null, null, null, T0.plusSeconds(1), T0.plusSeconds(3), 10))
        .extracting(EventView::action)
        .containsExactly("e1", "e2");
    assertThat(events(null, null, null, T0.plusSeconds(3), null, 10))
        .extracting(EventView::action)
        .containsExactly("e3", "e4");
    assertThat(events(null, null, null, null, T0.plusSeconds(1), 10))
        .extracting(EventView::action)
        .containsExactly("e0");
  }

  @Test
  void timeBoundsFarOutsideTheNanosecondRangeDoNotFail() {
    // int64 nanoseconds reach 1677..2262; a client asking from year 1000 to 3000 wants everything.
    model.event("n", event(T0_NANOS, "start", "c1", "web", 1).build());

    assertThat(
            events(
                null,
                null,
                null,
                Instant.parse("1000-01-01T00:00:00Z"),
                Instant.parse("3000-01-01T00:00:00Z"),
                10))
        .extracting(EventView::action)
        .containsExactly("start");
    assertThat(events(null, null, null, Instant.parse("3000-01-01T00:00:00Z"), null, 10)).isEmpty();
    assertThat(events(null, null, null, null, Instant.parse("1000-01-01T00:00:00Z"), 10)).isEmpty();
  }

  @Test
  void limitReturnsTheNewestMatchesOldestFirst() {
    for (int i = 0; i < 5; i++) {
      model.event("n", event(T0_NANOS + i, "e" + i, "c1", "web", 1).build());
    }
    model.event("n", event(T0_NANOS + 10, "other", "c2", "api", 1).build());

    assertThat(events("web", null, null, null, null, 2))
        .extracting(EventView::action)
        .containsExactly("e3", "e4");
    assertThat(events(null, null, null, null, null, 1))
        .extracting(EventView::action)
        .containsExactly("other");
  }

  @Test
  void eventsBeyondCapacityAreEvictedOldestFirstAndCounted() {
    ClusterModel small = new ClusterModel(clock, 3);
    for (int i = 0; i < 5; i++) {
      small.event("n", event(T0_NANOS + i, "e" + i, "c1", "web", 1).build());
    }

    assertThat(small.events(allEvents()))
        .extracting(EventView::action, EventView::id)
        .containsExactly(tuple("e2", 3L), tuple("e3", 4L), tuple("e4", 5L));
    assertThat(small.eventsEvicted()).isEqualTo(2);
    assertThat(model.eventsEvicted()).isZero();
  }

  // --- nodes ------------------------------------------------------------------------------------

  @Test
  void connectedAgentShowsItsNodeAndVersion() {
    model.agentConnected(node("node-1", "alpha"), "1.2.3");

    NodeView n = model.nodes().get(0);

    assertThat(n.id()).isEqualTo("node-1");
    assertThat(n.hostname()).isEqualTo("alpha");
    assertThat(n.role()).isEqualTo("worker");
    assertThat(n.availability()).isEqualTo("active");
    assertThat(n.status()).isEqualTo("ready");
    assertThat(n.engineVersion()).isEqualTo("27.3.1");
    assertThat(n.address()).isEqualTo("10.0.0.1");
    assertThat(n.os()).isEqualTo("linux");
    assertThat(n.architecture()).isEqualTo("x86_64");
    assertThat(n.cpus()).isEqualTo(4);
    assertThat(n.memoryBytes()).isEqualTo(8L << 30);
    assertThat(n.agent().connected()).isTrue();
    assertThat(n.agent().version()).isEqualTo("1.2.3");
    assertThat(n.agent().lastSeen()).isEqualTo("2024-05-01T10:00:00Z");
  }

  @Test
  void emptySwarmFactsShowAsUnknown() {
    model.agentConnected(Node.newBuilder().setId("e1").setHostname("standalone").build(), "1.0");

    assertThat(model.nodes())
        .extracting(NodeView::role, NodeView::availability, NodeView::status)
        .containsExactly(tuple("unknown", "unknown", "unknown"));
  }

  @Test
  void disconnectOfTheCurrentSessionMarksTheAgentDisconnected() {
    long session = model.agentConnected(node("node-1", "alpha"), "1.0");
    clock.advance(Duration.ofMinutes(1));

    model.agentDisconnected("node-1", session);

    NodeView.AgentView a = model.nodes().get(0).agent();
    assertThat(a.connected()).isFalse();
    assertThat(a.lastSeen()).isEqualTo("2024-05-01T10:01:00Z");
  }

  @Test
  void oldSessionsDisconnectDoesNotDisconnectTheReconnectedAgent() {
    long first = model.agentConnected(node("node-1", "alpha"), "1.0");
    long second = model.agentConnected(node("node-1", "alpha"), "1.1");
    assertThat(second).isGreaterThan(first);

    model.agentDisconnected("node-1", first);

    NodeView.AgentView a = model.nodes().get(0).agent();
    assertThat(a.connected()).isTrue();
    assertThat(a.version()).isEqualTo("1.1");

    model.agentDisconnected("node-1", second);
    assertThat(model.nodes().get(0).agent().connected()).isFalse();
  }

  @Test
  void disconnectOfAnUnknownNodeIsIgnored() {
    model.agentDisconnected("ghost", 1);
    assertThat(model.nodes()).isEmpty();
  }

  @Test
  void agentSeenMovesLastSeen() {
    model.agentConnected(node("node-1", "alpha"), "1.0");
    clock.advance(Duration.ofSeconds(42));

    model.agentSeen("node-1");
    model.agentSeen("ghost");

    assertThat(model.nodes())
        .extracting(n -> n.agent().lastSeen())
        .containsExactly("2024-05-01T10:00:42Z");
  }

  @Test
  void reconnectUpdatesTheNodesFacts() {
    model.agentConnected(node("node-1", "alpha"), "1.0");
    model.agentConnected(
        node("node-1", "alpha").toBuilder().setAvailability("drain").build(), "1.0");

    assertThat(model.nodes()).extracting(NodeView::availability).containsExactly("drain");
  }

  @Test
  void nodesAreSortedByHostnameAndFoundByIdOrHostname() {
    model.agentConnected(node("n3", "gamma"), "1.0");
    model.agentConnected(node("n1", "alpha"), "1.0");
    model.agentConnected(node("n2", "beta"), "1.0");

    assertThat(model.nodes())
        .extracting(NodeView::hostname)
        .containsExactly("alpha", "beta", "gamma");
    assertThat(model.node("n2")).map(NodeView::hostname).contains("beta");
    assertThat(model.node("gamma")).map(NodeView::id).contains("n3");
    assertThat(model.node("delta")).isEmpty();
  }
}
