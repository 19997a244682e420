package io.swarmwatch.agent.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.agent.ship.Outbox;
import io.swarmwatch.proto.v1.AgentMessage;
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
import java.util.concurrent.TimeUnit;
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

  @Test
  void outboxSinkResendsWhatAStreamLostAndAcksWhatCameThrough() throws Exception {
    Outbox outbox = new Outbox(100);
    var sink = new OutboxLogSink(outbox);
    List<String> done = new ArrayList<>();
    sink.submit(LogBatch.newBuilder().build(), () -> done.add("a"));
    sink.submit(LogBatch.newBuilder().build(), () -> done.add("b"));
    AgentMessage a = outbox.peek(1, TimeUnit.SECONDS);
    outbox.remove(a);
    sink.sent(a, 10);
    AgentMessage b = outbox.peek(1, TimeUnit.SECONDS);
    outbox.remove(b);
    sink.sent(b, 11);
    sink.acked(10);
    assertThat(done).containsExactly("a");
    sink.streamEnded(); // b was sent but not acknowledged: it goes back in
    assertThat(outbox.size()).isEqualTo(1);
    assertThat(outbox.peek(1, TimeUnit.SECONDS)).isSameAs(b);
    assertThat(sink.resent()).isEqualTo(1);
    outbox.remove(b);
    sink.acked(20); // an ack that overtakes the sent() bookkeeping
    sink.sent(b, 15);
    assertThat(done).containsExactly("a", "b");
  }

  private static LogSource follow(String id) {
    return LogSource.newBuilder().setContainerId(id).build();
  }
}
