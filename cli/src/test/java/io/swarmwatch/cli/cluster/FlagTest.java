package io.swarmwatch.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** A replica's flags: the collector's own, or what an older collector's fields say. */
class FlagTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theCollectorsFlagsWinEvenWhenEmpty() throws Exception {
    var r =
        JSON.readTree(
            "{\"health\":\"unhealthy\",\"state\":\"exited\",\"flags\":[{\"rule\":\"crash-loop\","
                + "\"severity\":\"CRITICAL\",\"since\":\"2026-12-03T11:00:00Z\",\"reason\":\"3"
                + " restarts in 5m\"}]}");
    assertThat(Flag.ofReplica(r))
        .containsExactly(
            new Flag("crash-loop", "critical", "2026-12-03T11:00:00Z", "3 restarts in 5m"));
    assertThat(Flag.ofReplica(JSON.readTree("{\"health\":\"unhealthy\",\"flags\":[]}"))).isEmpty();
  }

  @Test
  void olderCollectorsHealthStateAndSchedulerErrorStandIn() throws Exception {
    assertThat(Flag.ofReplica(JSON.readTree("{\"state\":\"running\",\"health\":\"healthy\"}")))
        .isEmpty();
    assertThat(Flag.ofReplica(JSON.readTree("{\"state\":\"running\",\"health\":\"unhealthy\"}")))
        .extracting(Flag::rule)
        .containsExactly("unhealthy");
    assertThat(
            Flag.ofReplica(
                JSON.readTree(
                    "{\"state\":\"exited\",\"exitCode\":137,\"oomKilled\":true,"
                        + "\"finishedAt\":\"2026-12-03T11:00:00Z\"}")))
        .containsExactly(
            new Flag(
                "oom-killed", "critical", "2026-12-03T11:00:00Z", "OOM-killed with exit code 137"));
    assertThat(
            Flag.ofReplica(
                JSON.readTree(
                    "{\"state\":\"pending\",\"task\":{\"state\":\"pending\",\"error\":\"no suitable"
                        + " node\",\"timestamp\":\"2026-12-03T11:00:00Z\"}}")))
        .containsExactly(
            new Flag("pending", "warning", "2026-12-03T11:00:00Z", "no suitable node"));
  }

  @Test
  void infoFlagsDoNotCount() {
    assertThat(new Flag("no-limits", "info", null, "").counts()).isFalse();
    assertThat(new Flag("memory-pressure", "warning", null, "").counts()).isTrue();
  }
}
