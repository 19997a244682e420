package io.swarmwatch.collector.rules;

import static io.swarmwatch.collector.SwarmProtos.replicated;
import static io.swarmwatch.collector.rules.RulesFixture.T0;
import static io.swarmwatch.collector.rules.RulesFixture.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.collector.model.ReplicaQuery;
import io.swarmwatch.common.Env;
import io.swarmwatch.proto.v1.Container;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flag's start time across a collector restart: two engines over one data directory, the second
 * fed by its agents from scratch, as after a restart.
 */
class FlagMemoryTest {
  @TempDir Path data;

  private RulesConfig config() {
    return RulesConfig.from(
        new Env(
            Map.of("SWARMWATCH_DATA_DIR", data.toString(), "SWARMWATCH_RESTART_SETTLE", "60s")));
  }

  /** Runs a collector life in which web.1 turns unhealthy at {@code start}; returns its since. */
  private Instant unhealthyWeb(RulesFixture f) {
    f.swarm(replicated("web", 1), running("c1", "web", 1));
    Container.Builder c = f.container("c1", "web", 1);
    f.put(c);
    f.health(c, "unhealthy", 1, "probe: 503");
    f.round();
    return f.flags().get(0).flag().since();
  }

  @Test
  void aFlagFoundAgainAfterARestartKeepsItsSince() {
    Instant since;
    try (RulesFixture first = new RulesFixture(config(), T0)) {
      since = unhealthyWeb(first);
    }
    assertThat(data.resolve("rules/flags.json")).exists();
    try (RulesFixture second = new RulesFixture(config(), T0.plusSeconds(120))) {
      second.round(); // before the agent is back: nothing, and nothing forgotten
      second.advance(Duration.ofSeconds(5));
      unhealthyWeb(second);
      assertThat(second.flags().get(0).flag().since()).isEqualTo(since);
      assertThat(second.model.replicas(ReplicaQuery.ALL).get(0).flags().get(0).since())
          .isEqualTo(since.toString());
      assertThat(second.heard.get(0).flag().since()).isEqualTo(since);
    }
  }

  @Test
  void aFlagFoundOnlyAfterTheSettlePeriodIsANewOne() throws Exception {
    try (RulesFixture first = new RulesFixture(config(), T0)) {
      unhealthyWeb(first);
    }
    try (RulesFixture second = new RulesFixture(config(), T0.plusSeconds(120))) {
      second.advance(Duration.ofSeconds(61));
      second.round();
      assertThat(Files.readString(data.resolve("rules/flags.json"))).doesNotContain("unhealthy");
      Instant since = unhealthyWeb(second);
      assertThat(since).isEqualTo(T0.plusSeconds(181));
    }
  }

  @Test
  void inMemoryWritesNothing() {
    try (RulesFixture f = new RulesFixture(config().inMemory(), T0)) {
      unhealthyWeb(f);
    }
    assertThat(data.resolve("rules")).doesNotExist();
  }
}
