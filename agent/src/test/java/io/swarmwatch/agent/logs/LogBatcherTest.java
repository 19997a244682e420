package io.swarmwatch.agent.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.proto.v1.LogBatch;
import io.swarmwatch.proto.v1.LogSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogBatcherTest {
  private final List<LogBatch> batches = new ArrayList<>();
  private final List<Runnable> acks = new ArrayList<>();
  private final LogsConfig config =
      new LogsConfig(
          true, Optional.empty(), Path.of("."), 1024, 3, 1 << 20, Duration.ofMillis(100), 1 << 20);

  @Test
  void cutsByCountAndAdvancesCheckpointsOnlyOverTheAcknowledgedPrefix() {
    var batcher =
        new LogBatcher(
            config,
            (b, acked) -> {
              batches.add(b);
              acks.add(acked);
            },
            () -> {});
    Checkpoint pos = Checkpoint.START;
    for (int i = 1; i <= 7; i++) {
      pos = pos.next(i);
      byte[] b = ("line " + i).getBytes(StandardCharsets.UTF_8);
      batcher.add(follow("c1"), i, 1, b, 0, b.length, false, pos, 0);
    }
    assertThat(batches).hasSize(2);
    assertThat(batches.get(0).getLinesList())
        .extracting(l -> l.getLineNo())
        .containsExactly(1L, 2L, 3L);
    assertThat(batches.get(0).getSourcesList()).hasSize(1);
    batcher.flushIfDue(50_000_000); // younger than the delay
    assertThat(batches).hasSize(2);
    batcher.flushIfDue(100_000_000);
    assertThat(batches).hasSize(3);

    Map<String, Checkpoint> advanced = new LinkedHashMap<>();
    acks.get(1).run(); // the second batch first: must wait for the first
    batcher.drainAcks(advanced::put);
    assertThat(advanced).isEmpty();
    acks.get(0).run();
    batcher.drainAcks(advanced::put);
    assertThat(advanced.get("c1").lineNo()).isEqualTo(6);
    assertThat(batcher.idle()).isFalse();
    acks.get(2).run();
    batcher.drainAcks(advanced::put);
    assertThat(advanced.get("c1").lineNo()).isEqualTo(7);
    assertThat(batcher.idle()).isTrue();
  }

  private static LogSource follow(String id) {
    return LogSource.newBuilder().setContainerId(id).build();
  }
}
