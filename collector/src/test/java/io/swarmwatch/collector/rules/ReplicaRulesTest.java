package io.swarmwatch.collector.rules;

import static io.swarmwatch.collector.SwarmProtos.replicated;
import static io.swarmwatch.collector.rules.RulesFixture.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.collector.SwarmProtos;
import io.swarmwatch.collector.model.ReplicaQuery;
import io.swarmwatch.collector.model.ReplicaView;
import io.swarmwatch.collector.rules.FlagChange.Kind;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerUsage;
import io.swarmwatch.proto.v1.Limits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The replica rules, one behaviour each, on a model fed like the agents feed it. */
class ReplicaRulesTest {
  private RulesFixture f = new RulesFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private Container.Builder webReplica(String id, int slot) {
    Container.Builder c =
        f.container(id, "web", slot).setLimits(Limits.newBuilder().setMemoryBytes(64L << 20));
    f.put(c);
    return c;
  }

  private List<CurrentFlag> flags(String rule) {
    return f.flags().stream().filter(x -> x.flag().rule().equals(rule)).toList();
  }

  @Test
  void unhealthyCarriesTheProbeOutputAndExitCodeTheMomentItArrives() {
    f.swarm(replicated("web", 1), running("c1", "web", 1));
    Container.Builder c = webReplica("c1", 1);
    assertThat(f.round()).isEmpty();

    f.health(c, "unhealthy", 7, "connection refused\n  on :8080\n");
    List<FlagChange> changes = f.round();

    assertThat(changes).hasSize(1);
    FlagChange raised = changes.get(0);
    assertThat(raised.kind()).isEqualTo(Kind.RAISED);
    assertThat(raised.flag().rule()).isEqualTo("unhealthy");
    assertThat(raised.flag().severity()).isEqualTo(Severity.CRITICAL);
    assertThat(raised.flag().reason())
        .isEqualTo("health check failing: exit 7: connection refused | on :8080");
    assertThat(raised.flag().since()).isEqualTo(f.clock.instant());
    assertThat(raised.subject().type()).isEqualTo("replica");
    assertThat(raised.subject().id()).isEqualTo("svc-web/1");
    assertThat(raised.subject().containerId()).isEqualTo("c1");
    assertThat(raised.subject().serviceName()).isEqualTo("web");
    ReplicaView r = f.model.replicas(ReplicaQuery.ALL).get(0);
    assertThat(r.flags()).extracting(v -> v.rule()).containsExactly("unhealthy");
    assertThat(f.model.services().get(0).status()).isEqualTo("down");
  }

  @Test
  void clearsOnlyOnceHealthyForClearAfterSoFlappingIsOneIncident() {
    f.swarm(replicated("web", 2), running("c1", "web", 1), running("c2", "web", 2));
    Container.Builder c = webReplica("c1", 1);
    webReplica("c2", 2);
    f.health(c, "unhealthy", 1, "bad");
    assertThat(f.round()).extracting(FlagChange::kind).containsExactly(Kind.RAISED);

    for (int i = 0; i < 5; i++) {
      f.advance(Duration.ofSeconds(3));
      f.health(c, "healthy", 0, "ok");
      assertThat(f.round()).isEmpty();
      f.advance(Duration.ofSeconds(3));
      f.health(c, "unhealthy", 1, "bad");
      assertThat(f.round()).isEmpty();
    }
    assertThat(f.model.services().get(0).status()).isEqualTo("degraded");

    f.health(c, "healthy", 0, "ok");
    f.round();
    f.advance(Duration.ofSeconds(14));
    assertThat(f.round()).isEmpty();
    assertThat(flags("unhealthy"))
        .singleElement()
        .extracting(CurrentFlag::clearing)
        .isEqualTo(true);
    f.advance(Duration.ofSeconds(1));
    List<FlagChange> cleared = f.round();
    assertThat(cleared).extracting(FlagChange::kind).containsExactly(Kind.CLEARED);
    assertThat(f.heard).extracting(FlagChange::kind).containsExactly(Kind.RAISED, Kind.CLEARED);
    assertThat(f.model.services().get(0).status()).isEqualTo("ok");
  }

  @Test
  void aNewProbeOutputIsAnUpdateOfTheSameFlag() {
    f.swarm(replicated("web", 1), running("c1", "web", 1));
    Container.Builder c = webReplica("c1", 1);
    f.health(c, "unhealthy", 1, "disk full");
    f.round();
    f.advance(Duration.ofSeconds(2));
    f.health(c, "unhealthy", 2, "database down");

    FlagChange updated = f.round().get(0);

    assertThat(updated.kind()).isEqualTo(Kind.UPDATED);
    assertThat(updated.flag().reason()).isEqualTo("health check failing: exit 2: database down");
    assertThat(updated.flag().since()).isEqualTo(RulesFixture.T0);
  }

  @Test
  void crashLoopCountsFailedTasksOfTheSlotInTheWindowWithTheirExitCodes() {
    f.swarm(replicated("web", 1));
    for (int i = 1; i <= 2; i++) {
      Container.Builder c = webReplica("c" + i, 1);
      f.advance(Duration.ofSeconds(10));
      f.died(c, 3, false);
      assertThat(f.round()).noneMatch(ch -> ch.flag().rule().equals("crash-loop"));
    }
    Container.Builder third = webReplica("c3", 1);
    f.advance(Duration.ofSeconds(10));
    f.died(third, 3, false);

    List<FlagChange> changes = f.round();

    FlagChange loop =
        changes.stream()
            .filter(c -> c.flag().rule().equals("crash-loop"))
            .findFirst()
            .orElseThrow();
    assertThat(loop.flag().reason())
        .startsWith("web.1 failed 3 times in 5m00s (exit codes 3, 3, 3)");
    assertThat(loop.flag().since()).isEqualTo(RulesFixture.T0.plusSeconds(10));

    // The failures age out of the window: the flag clears (after clear-after).
    f.advance(Duration.ofMinutes(5));
    f.round();
    f.advance(Duration.ofSeconds(16));
    f.round();
    assertThat(flags("crash-loop")).isEmpty();
  }

  @Test
  void tasksSwarmStoppedOnPurposeAreNotFailures() {
    for (int i = 1; i <= 3; i++) {
      Container.Builder c = webReplica("c" + i, 1);
      f.died(c, 143, false);
      f.advance(Duration.ofSeconds(5));
    }
    f.swarm(
        replicated("web", 1),
        SwarmProtos.task("c1", "web", 1, "node-1", "shutdown", 1).setDesiredState("shutdown"),
        SwarmProtos.task("c2", "web", 1, "node-1", "shutdown", 2).setDesiredState("shutdown"),
        SwarmProtos.task("c3", "web", 1, "node-1", "shutdown", 3).setDesiredState("shutdown"),
        SwarmProtos.task("c4", "web", 1, "node-1", "running", 4));
    webReplica("c4", 1);

    assertThat(f.round()).noneMatch(ch -> ch.flag().rule().equals("crash-loop"));
  }

  @Test
  void oomKilledGivesTheLimitAndHoldsAfterSwarmReplacedTheTask() {
    f.swarm(replicated("hog", 1));
    Container.Builder c =
        f.container("h1", "hog", 1).setLimits(Limits.newBuilder().setMemoryBytes(16L << 20));
    f.put(c);
    f.died(c, 137, true);
    f.advance(Duration.ofSeconds(5));
    f.put(f.container("h2", "hog", 1).setLimits(Limits.newBuilder().setMemoryBytes(16L << 20)));

    FlagChange oom =
        f.round().stream()
            .filter(x -> x.flag().rule().equals("oom-killed"))
            .findFirst()
            .orElseThrow();

    assertThat(oom.flag().reason())
        .isEqualTo(
            "hog.1 was OOM-killed at 2024-05-01T10:00:00Z (memory limit 16 MiB, exit code 137)");
    assertThat(oom.subject().containerId()).isEqualTo("h2");
    f.advance(Duration.ofMinutes(9));
    f.round();
    assertThat(flags("oom-killed"))
        .singleElement()
        .extracting(CurrentFlag::clearing)
        .isEqualTo(false);
    f.advance(Duration.ofMinutes(1));
    f.round();
    assertThat(flags("oom-killed"))
        .singleElement()
        .extracting(CurrentFlag::clearing)
        .isEqualTo(true);
  }

  @Test
  void oomKillInsideARunningContainerIsFlaggedFromTheCounter() {
    f.swarm(replicated("web", 1), running("c1", "web", 1));
    webReplica("c1", 1);
    f.usage("c1", ContainerUsage.newBuilder().setOomKills(0).setMemoryLimitBytes(64L << 20));
    assertThat(f.round()).isEmpty();
    f.advance(Duration.ofSeconds(10));
    f.usage("c1", ContainerUsage.newBuilder().setOomKills(2).setMemoryLimitBytes(64L << 20));

    assertThat(f.round())
        .singleElement()
        .satisfies(
            x ->
                assertThat(x.flag().reason())
                    .isEqualTo(
                        "web.1: a process in the container was OOM-killed (2 kills so far; memory"
                            + " limit 64 MiB)"));
  }

  @Test
  void memoryPressureNeedsTheThresholdHeldForTheWholeDuration() {
    f.swarm(replicated("web", 1), running("c1", "web", 1));
    webReplica("c1", 1);
    ContainerUsage.Builder high =
        ContainerUsage.newBuilder()
            .setMemoryWorkingSetBytes(60L << 20)
            .setMemoryLimitBytes(64L << 20);
    ContainerUsage.Builder low =
        ContainerUsage.newBuilder()
            .setMemoryWorkingSetBytes(30L << 20)
            .setMemoryLimitBytes(64L << 20);
    f.usage("c1", high);
    f.round();
    f.advance(Duration.ofSeconds(50));
    f.usage("c1", low); // a dip restarts the clock
    f.round();
    f.advance(Duration.ofSeconds(10));
    f.usage("c1", high);
    f.round();
    f.advance(Duration.ofSeconds(59));
    f.usage("c1", high);
    assertThat(f.round()).isEmpty();
    f.advance(Duration.ofSeconds(1));

    FlagChange raised = f.round().get(0);

    assertThat(raised.flag().rule()).isEqualTo("memory-pressure");
    assertThat(raised.flag().severity()).isEqualTo(Severity.WARNING);
    assertThat(raised.flag().reason())
        .isEqualTo("web.1: memory working set at or above 90% of its 64 MiB limit for 1m00s");
  }

  @Test
  void cpuThrottledComparesThrottledToAllPeriodsOverTheWindow() {
    f.swarm(replicated("web", 1), running("c1", "web", 1));
    f.put(
        f.container("c1", "web", 1)
            .setLimits(Limits.newBuilder().setMemoryBytes(1 << 30).setNanoCpus(250_000_000)));
    long periods = 1000;
    long throttled = 0;
    for (int i = 0; i <= 6; i++) {
      f.usage(
          "c1",
          ContainerUsage.newBuilder().setCpuPeriods(periods).setCpuThrottledPeriods(throttled));
      List<FlagChange> changes = f.round();
      if (i < 6) {
        assertThat(changes).as("round %d: the window is not covered yet", i).isEmpty();
      } else {
        assertThat(changes)
            .singleElement()
            .satisfies(
                x ->
                    assertThat(x.flag().reason())
                        .isEqualTo(
                            "web.1: throttled in at least 25% of CFS periods over 1m00s (CPU"
                                + " limit 0.25 CPUs)"));
      }
      f.advance(Duration.ofSeconds(10));
      periods += 100;
      throttled += 30;
    }
  }

  @Test
  void pendingWithTheSchedulersReasonAndRejectedWithSwarmsError() {
    f.swarm(
        replicated("big", 2),
        SwarmProtos.pending("t-pending", "big", 1, f.now()),
        SwarmProtos.pending("t-rejected", "big", 2, f.now())
            .setState("rejected")
            .setError("invalid mount config for type \"bind\": bind source path does not exist"));

    List<FlagChange> changes = f.round();

    assertThat(changes)
        .extracting(c -> c.flag().rule() + " " + c.subject().id() + ": " + c.flag().reason())
        .contains(
            "pending svc-big/1: task t-pending of big.1 pending since 2024-05-01T10:00:00.000000010Z:"
                + " no suitable node (insufficient resources on 1 node)",
            "task-rejected svc-big/2: task t-rejected of big.2 rejected: invalid mount config for"
                + " type \"bind\": bind source path does not exist");
  }

  @Test
  void pendingWithoutAReasonOnlyOnceStuck() {
    f.swarm(replicated("web", 1), SwarmProtos.pending("t1", "web", 1, f.now()).setError(""));
    assertThat(f.round()).isEmpty();
    f.advance(Duration.ofSeconds(31));
    assertThat(f.round()).extracting(c -> c.flag().rule()).contains("pending");
  }

  @Test
  void noLimitsIsInfoAndALabelTurnsItOff() {
    f.swarm(replicated("web", 1), running("c1", "web", 1));
    f.put(f.container("c1", "web", 1));
    assertThat(f.round())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.flag().rule()).isEqualTo("no-limits");
              assertThat(c.flag().severity()).isEqualTo(Severity.INFO);
            });
    // An info flag does not make the service degraded.
    assertThat(f.model.services().get(0).status()).isEqualTo("ok");

    f.swarm(
        replicated("web", 1).putLabels("swarmwatch.rule.no-limits.enabled", "false"),
        running("c1", "web", 1));
    f.round();
    f.advance(Duration.ofSeconds(15));
    assertThat(f.round()).extracting(FlagChange::kind).containsExactly(Kind.CLEARED);
  }

  @Test
  void labelsOverrideThresholdsAndABadLabelKeepsTheDefault() {
    f.swarm(
        replicated("web", 1)
            .putAllLabels(
                Map.of(
                    "swarmwatch.rule.crash-loop.count", "2",
                    "swarmwatch.rule.crash-loop.window", "forever",
                    "swarmwatch.rule.unhealthy.severity", "warning")));
    for (int i = 1; i <= 2; i++) {
      Container.Builder c = webReplica("c" + i, 1);
      f.advance(Duration.ofSeconds(10));
      f.died(c, 1, false);
    }
    Container.Builder c3 = webReplica("c3", 1);
    f.health(c3, "unhealthy", 1, "nope");

    List<FlagChange> changes = f.round();

    assertThat(changes)
        .extracting(c -> c.flag().rule() + " " + c.flag().severity())
        .containsExactlyInAnyOrder("crash-loop CRITICAL", "unhealthy WARNING");
    assertThat(changes.stream().filter(c -> c.flag().rule().equals("crash-loop")).findFirst())
        .hasValueSatisfying(c -> assertThat(c.flag().reason()).contains("2 times in 5m00s"));
  }

  @Test
  void allRulesOffForAServiceWithOneLabel() {
    f.swarm(
        replicated("web", 1).putLabels("swarmwatch.rules.enabled", "false"),
        running("c1", "web", 1));
    Container.Builder c = f.container("c1", "web", 1);
    f.health(c, "unhealthy", 1, "nope");
    assertThat(f.round()).isEmpty();
  }

  @Test
  void aRemovedServicesFlagsClearAtOnce() {
    f.swarm(replicated("web", 1), running("c1", "web", 1));
    Container.Builder c = webReplica("c1", 1);
    f.health(c, "unhealthy", 1, "bad");
    f.round();

    // docker stack rm / service rm: the service leaves the swarm view.
    f.model.swarmView(SwarmProtos.view(f.now()).build());

    assertThat(f.round()).extracting(FlagChange::kind).containsExactly(Kind.CLEARED);
    assertThat(f.flags()).isEmpty();
  }

  @Test
  void aSlotBeingReplacedByARollingUpdateIsNotFlagged() {
    // The old task is being shut down (desired shutdown), the new one is starting.
    f.swarm(
        replicated("web", 1)
            .setUpdateStatus(io.swarmwatch.proto.v1.UpdateStatus.newBuilder().setState("updating")),
        SwarmProtos.task("c1", "web", 1, "node-1", "running", 1).setDesiredState("shutdown"),
        SwarmProtos.task("c2", "web", 1, "node-1", "starting", 2));
    Container.Builder old = webReplica("c1", 1);
    f.health(old, "unhealthy", 137, "killed");
    f.put(
        f.container("c2", "web", 1)
            .setCreatedUnixNanos(f.now())
            .setLimits(Limits.newBuilder().setMemoryBytes(1 << 20))
            .setHealthStatus("starting"));

    assertThat(f.model.replicas(ReplicaQuery.ALL))
        .extracting(ReplicaView::containerId)
        .containsExactly("c2");
    assertThat(f.round()).isEmpty();
  }
}
