package io.swarmwatch.collector.rules;

import static io.swarmwatch.collector.SwarmProtos.replicated;
import static io.swarmwatch.collector.rules.RulesFixture.NODE;
import static io.swarmwatch.collector.rules.RulesFixture.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.collector.Protos;
import io.swarmwatch.collector.SwarmProtos;
import io.swarmwatch.collector.model.ReplicaQuery;
import io.swarmwatch.proto.v1.Limits;
import io.swarmwatch.proto.v1.SwarmView;
import io.swarmwatch.proto.v1.UpdateStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** under-replicated, update-paused, rollback, node-down and agent-missing. */
class ServiceAndNodeRulesTest {
  private final RulesFixture f = new RulesFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private void webReplica(String id, int slot, String health) {
    f.put(
        f.container(id, "web", slot)
            .setHealthStatus(health)
            .setLimits(Limits.newBuilder().setMemoryBytes(1 << 30)));
  }

  private List<String> rules(List<FlagChange> changes) {
    return changes.stream().map(c -> c.kind() + " " + c.flag().rule()).toList();
  }

  @Test
  void underReplicatedAfterTheGracePeriodWithWhatIsWrong() {
    f.swarm(
        replicated("web", 3),
        running("c1", "web", 1),
        running("c2", "web", 2),
        SwarmProtos.pending("t3", "web", 3, f.now()));
    webReplica("c1", 1, "healthy");
    webReplica("c2", 2, "healthy");
    assertThat(rules(f.round())).containsExactly("RAISED pending");
    f.advance(Duration.ofSeconds(29));
    assertThat(f.round()).isEmpty();
    f.advance(Duration.ofSeconds(1));

    FlagChange raised = f.round().get(0);

    assertThat(raised.flag().rule()).isEqualTo("under-replicated");
    assertThat(raised.flag().severity()).isEqualTo(Severity.WARNING);
    assertThat(raised.flag().reason())
        .isEqualTo("web: 2 of 3 replicas running and healthy (1 pending)");
    assertThat(raised.flag().since()).isEqualTo(RulesFixture.T0);
    assertThat(raised.subject().type()).isEqualTo("service");
    assertThat(f.model.services().get(0).flags())
        .extracting(v -> v.rule())
        .containsExactly("under-replicated");
    assertThat(f.model.services().get(0).status()).isEqualTo("degraded");
  }

  @Test
  void underReplicatedIsCriticalWhenNoReplicaIsHealthy() {
    f.swarm(replicated("web", 1), running("c1", "web", 1));
    webReplica("c1", 1, "unhealthy");
    f.round();
    f.advance(Duration.ofSeconds(30));
    assertThat(f.round())
        .filteredOn(c -> c.flag().rule().equals("under-replicated"))
        .singleElement()
        .satisfies(c -> assertThat(c.flag().severity()).isEqualTo(Severity.CRITICAL));
  }

  @Test
  void noUnderReplicationDuringARollingUpdateNorAfterScalingToZero() {
    f.swarm(
        replicated("web", 2).setUpdateStatus(UpdateStatus.newBuilder().setState("updating")),
        running("c1", "web", 1));
    webReplica("c1", 1, "healthy");
    f.round();
    f.advance(Duration.ofMinutes(2));
    assertThat(f.round()).isEmpty();

    // docker service scale web=0: desired 0, the task is being shut down.
    f.swarm(
        replicated("web", 0),
        SwarmProtos.task("c1", "web", 1, NODE, "running", 100).setDesiredState("shutdown"));
    f.advance(Duration.ofMinutes(2));
    assertThat(f.round()).isEmpty();
    assertThat(f.model.services().get(0).status()).isEqualTo("ok");
  }

  @Test
  void updatePausedAndRollbackWithSwarmsMessage() {
    f.swarm(
        replicated("web", 1)
            .setUpdateStatus(
                UpdateStatus.newBuilder()
                    .setState("paused")
                    .setMessage("update paused due to failure or early termination of task x")
                    .setStartedUnixNanos(f.now())),
        running("c1", "web", 1));
    webReplica("c1", 1, "healthy");
    FlagChange paused = f.round().get(0);
    assertThat(paused.flag().rule()).isEqualTo("update-paused");
    assertThat(paused.flag().reason())
        .isEqualTo(
            "web: rolling update paused: update paused due to failure or early termination of"
                + " task x");

    f.swarm(
        replicated("web", 1)
            .setUpdateStatus(
                UpdateStatus.newBuilder()
                    .setState("rollback_completed")
                    .setMessage("rollback completed")
                    .setCompletedUnixNanos(f.now())),
        running("c1", "web", 1));
    List<FlagChange> changes = f.round();
    assertThat(rules(changes)).containsExactly("RAISED rollback");
    assertThat(changes.get(0).flag().severity()).isEqualTo(Severity.WARNING);
    f.advance(Duration.ofMinutes(15));
    // update-paused has been clear since the rollback began; the rollback's hold just ended.
    assertThat(rules(f.round())).containsExactly("CLEARED update-paused");
    f.advance(Duration.ofSeconds(15));
    assertThat(rules(f.round())).containsExactly("CLEARED rollback");
  }

  @Test
  void nodeDownPerSwarmFlagsTheNodeAndItsReplicasWhoseHealthBecomesUnknown() {
    f.swarm(replicated("web", 1), running("c1", "web", 1));
    webReplica("c1", 1, "healthy");
    assertThat(f.round()).isEmpty();

    f.model.swarmView(
        SwarmView.newBuilder()
            .setTakenAtUnixNanos(f.now())
            .addServices(replicated("web", 1))
            .addTasks(running("c1", "web", 1))
            .addNodes(
                SwarmProtos.node(NODE, "host-1", "worker")
                    .setStatus("down")
                    .setStatusMessage("heartbeat failure"))
            .build());
    List<FlagChange> changes = f.round();

    assertThat(changes)
        .extracting(c -> c.subject().type() + " " + c.flag().rule() + ": " + c.flag().reason())
        .containsExactlyInAnyOrder(
            "node node-down: swarm reports node host-1 down: heartbeat failure",
            "replica node-down: swarm reports node host-1 down: heartbeat failure; last known"
                + " state of web.1: running");
    assertThat(f.model.replicas(ReplicaQuery.ALL).get(0).health()).isEqualTo("unknown");
    assertThat(f.model.services().get(0).status()).isEqualTo("down");
  }

  @Test
  void aSilentAgentMakesItsNodeDownAfterTheTimeout() {
    f.swarm(replicated("web", 1), running("c1", "web", 1));
    webReplica("c1", 1, "healthy");
    f.round();
    f.advanceSilently(Duration.ofSeconds(59));
    assertThat(f.round()).isEmpty();
    f.advanceSilently(Duration.ofSeconds(1));

    List<FlagChange> changes = f.round();

    assertThat(changes)
        .filteredOn(c -> c.subject().type().equals("node"))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.flag().reason())
                    .isEqualTo(
                        "no word from the agent on host-1 since 2024-05-01T10:00:00Z (longer than"
                            + " 1m00s; stream still open); swarm still reports the node ready"));
    assertThat(f.model.replicas(ReplicaQuery.ALL).get(0).health()).isEqualTo("unknown");

    // The agent speaks again: health is current at once; the flag clears after clear-after.
    f.model.agentSeen(NODE);
    f.round();
    assertThat(f.model.replicas(ReplicaQuery.ALL).get(0).health()).isEqualTo("healthy");
  }

  @Test
  void agentMissingOnAReadyNodeThatNeverReported() {
    f.model.swarmView(
        SwarmView.newBuilder()
            .setTakenAtUnixNanos(f.now())
            .addNodes(SwarmProtos.node(NODE, "host-1", "manager"))
            .addNodes(SwarmProtos.node("node-2", "host-2", "worker"))
            .addNodes(SwarmProtos.node("node-3", "host-3", "worker").setStatus("down"))
            .build());
    assertThat(f.round())
        .extracting(c -> c.subject().id() + " " + c.flag().rule())
        .containsExactly("node-3 node-down");
    f.advance(Duration.ofSeconds(60));

    List<FlagChange> changes = f.round();

    assertThat(changes)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.subject().id()).isEqualTo("node-2");
              assertThat(c.flag().rule()).isEqualTo("agent-missing");
              assertThat(c.flag().reason())
                  .startsWith("swarm reports node host-2 ready, but no agent");
            });

    // The agent arrives: the condition is clear at once, the flag after clear-after.
    f.model.agentConnected(Protos.node("node-2", "host-2"), "1.0.0");
    f.round();
    f.advance(Duration.ofSeconds(15));
    assertThat(rules(f.round())).containsExactly("CLEARED agent-missing");
  }

  /** The swarm view a manager agent reports now: node-1 and node-2, both ready. */
  private void twoReadyNodes() {
    f.model.swarmView(
        SwarmView.newBuilder()
            .setTakenAtUnixNanos(f.now())
            .addNodes(SwarmProtos.node(NODE, "host-1", "manager"))
            .addNodes(SwarmProtos.node("node-2", "host-2", "worker"))
            .build());
  }

  @Test
  void anAgentThatLeftAReadyNodeIsAgentMissingNotNodeDown() {
    long session = f.model.agentConnected(Protos.node("node-2", "host-2"), "1.0.0");
    twoReadyNodes();
    assertThat(f.round()).isEmpty();
    // Its task is taken off the node (a placement constraint): the stream closes cleanly.
    f.model.agentDisconnected("node-2", session);
    java.time.Instant left = f.clock.instant();
    // The view is sent on change only: none arrives; the manager's agent keeps speaking.
    f.advance(Duration.ofSeconds(59));
    assertThat(f.round()).isEmpty();
    f.advance(Duration.ofSeconds(1));

    List<FlagChange> changes = f.round();

    assertThat(changes)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.subject().id()).isEqualTo("node-2");
              assertThat(c.flag().rule()).isEqualTo("agent-missing");
              assertThat(c.flag().since()).isEqualTo(left);
              assertThat(c.flag().reason())
                  .isEqualTo(
                      "swarm reports node host-2 ready, but its agent disconnected at "
                          + left
                          + " and has not come back (is the agent's global service still placed"
                          + " there?)");
            });
    assertThat(f.model.nodes())
        .filteredOn(n -> n.id().equals("node-2"))
        .singleElement()
        .satisfies(n -> assertThat(f.engine.nodeDown(n.id())).isFalse());

    // Placed there again: the new agent connects, the flag clears after clear-after.
    f.model.agentConnected(Protos.node("node-2", "host-2"), "1.0.0");
    f.round();
    f.advance(Duration.ofSeconds(15));
    assertThat(rules(f.round())).containsExactly("CLEARED agent-missing");
  }

  @Test
  void anAgentThatLeftIsNodeDownWhenNoManagerAgentVouchesForTheSwarmView() {
    long session = f.model.agentConnected(Protos.node("node-2", "host-2"), "1.0.0");
    twoReadyNodes();
    f.round();
    f.model.agentDisconnected("node-2", session);
    // The manager's agent (the swarm view's reporter) is silent too: the view may be stale.
    f.advanceSilently(Duration.ofSeconds(60));

    assertThat(f.round())
        .filteredOn(c -> c.subject().id().equals("node-2"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.flag().rule()).isEqualTo("node-down");
              assertThat(c.flag().reason()).contains("stream closed");
            });
  }
}
