package io.swarmwatch.collector.rules;

import static io.swarmwatch.collector.SwarmProtos.replicated;
import static io.swarmwatch.collector.rules.RulesFixture.NODE;
import static io.swarmwatch.collector.rules.RulesFixture.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.Protos;
import io.swarmwatch.collector.SwarmProtos;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.collector.model.ReplicaQuery;
import io.swarmwatch.proto.v1.Health;
import io.swarmwatch.proto.v1.HealthProbe;
import io.swarmwatch.proto.v1.Limits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The engine's thread, lifecycle and ordering. */
class RuleEngineTest {
  @Test
  void aContainerUpdateIsFlaggedOnTheRulesThreadAndListenersHearInOrder() {
    MutableClock clock = new MutableClock(RulesFixture.T0);
    ClusterModel model = new ClusterModel(clock, 100);
    List<String> heard = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    try (RuleEngine engine = new RuleEngine(model, RulesConfig.defaults(), clock)) {
      engine.subscribe(c -> heard.add("first " + c.kind() + " " + c.flag().rule()));
      engine.subscribe(
          c -> {
            heard.add("second " + c.kind() + " " + c.flag().rule());
            threads.add(Thread.currentThread().getName());
          });
      engine.subscribe(
          c -> {
            throw new IllegalStateException("a broken subscriber does not stop the others");
          });
      engine.start();
      assertThatThrownBy(() -> engine.subscribe(c -> {})).isInstanceOf(IllegalStateException.class);
      model.agentConnected(Protos.node(NODE, "host-1"), "1.0.0");
      model.swarmView(
          SwarmProtos.view(1)
              .addServices(replicated("web", 1))
              .addTasks(running("c1", "web", 1))
              .build());

      model.upsert(
          NODE,
          Protos.task("c1", "web", 1, NODE)
              .setLimits(Limits.newBuilder().setMemoryBytes(1 << 30))
              .setHealthStatus("unhealthy")
              .setHealth(
                  Health.newBuilder()
                      .setStatus("unhealthy")
                      .addLog(HealthProbe.newBuilder().setExitCode(1).setOutput("down")))
              .build());

      await()
          .atMost(Duration.ofSeconds(2))
          .untilAsserted(
              () ->
                  assertThat(model.replicas(ReplicaQuery.ALL).get(0).flags())
                      .extracting(v -> v.rule() + ": " + v.reason())
                      .containsExactly("unhealthy: health check failing: exit 1: down"));
      assertThat(heard).containsExactly("first RAISED unhealthy", "second RAISED unhealthy");
      assertThat(threads).containsExactly("swarmwatch-rules");
      assertThat(engine.flags()).hasSize(1);
      assertThat(engine.listenerErrors()).isEqualTo(1);
      engine.close();
      engine.close();
      assertThatThrownBy(engine::start).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void theTickFlagsWhatOnlyTimeMakesTrue() {
    MutableClock clock = new MutableClock(RulesFixture.T0);
    ClusterModel model = new ClusterModel(clock, 100);
    try (RuleEngine engine = new RuleEngine(model, RulesConfig.defaults(), clock)) {
      engine.start();
      model.agentConnected(Protos.node(NODE, "host-1"), "1.0.0");
      await().atMost(Duration.ofSeconds(3)).until(() -> engine.rounds() > 0);
      assertThat(engine.flags()).isEmpty();

      // No message arrives; only time passes: the silent agent's node is down on the next tick.
      clock.advance(Duration.ofMinutes(2));

      await()
          .atMost(Duration.ofSeconds(3))
          .untilAsserted(
              () ->
                  assertThat(engine.flags())
                      .extracting(f -> f.flag().rule())
                      .containsExactly("node-down"));
      assertThat(engine.nodeDown(NODE)).isTrue();
    }
  }
}
