package io.swarmwatch.collector.ingest;

import static io.swarmwatch.collector.Protos.event;
import static io.swarmwatch.collector.Protos.hello;
import static io.swarmwatch.collector.Protos.message;
import static io.swarmwatch.collector.Protos.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swarmwatch.collector.model.ClusterModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable high-water marks on real files, through the Ingester as the gRPC edge uses it. */
class HighWaterMarksTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  @TempDir Path dir;

  private HighWaterMarks open(Runnable commit) {
    return HighWaterMarks.open(
        new IngestConfig(dir, Duration.ofMillis(20)), commit, Clock.systemUTC());
  }

  @Test
  void acksWaitForTheCommitAndTheMarkSurvivesARestart() throws Exception {
    AtomicInteger commits = new AtomicInteger();
    List<Long> acks = new CopyOnWriteArrayList<>();
    try (HighWaterMarks marks = open(commits::incrementAndGet)) {
      Ingester ingester =
          new Ingester(
              new ClusterModel(Clock.systemUTC(), 100), new SwarmReporterElection(), null, marks);
      Ingester.Session s = ingester.open("peer", m -> {}, acks::add);
      s.apply(hello(1, "agent-1", node("node-1", "alpha")));
      assertThat(acks).containsExactly(0L);
      s.apply(message(1, event(1, "start", "c1", "web", 1).build()));
      s.apply(message(2, event(2, "die", "c1", "web", 1).build()));
      await().atMost(DEADLINE).until(() -> acks.contains(2L));
      assertThat(commits.get()).isPositive();
      assertThat(Files.readString(dir.resolve(HighWaterMarks.FILE)))
          .startsWith("stream-agent-1 2 ");
    }

    // A restarted collector: what was acked is dropped when the agent resends it.
    ClusterModel model = new ClusterModel(Clock.systemUTC(), 100);
    try (HighWaterMarks marks = open(() -> {})) {
      Ingester ingester = new Ingester(model, new SwarmReporterElection(), null, marks);
      List<Long> again = new CopyOnWriteArrayList<>();
      Ingester.Session s = ingester.open("peer", m -> {}, again::add);
      assertThat(s.apply(hello(3, "agent-1", node("node-1", "alpha")))).isEqualTo(2);
      assertThat(again).containsExactly(2L);
      s.apply(message(2, event(2, "die", "c1", "web", 1).build()));
      s.apply(message(3, event(3, "destroy", "c1", "web", 1).build()));
      assertThat(ingester.counters().redelivered()).isEqualTo(1);
      await().atMost(DEADLINE).until(() -> again.contains(3L));
    }
  }

  @Test
  void nothingIsAcknowledgedWhileTheCommitFails() throws Exception {
    AtomicBoolean failing = new AtomicBoolean(true);
    List<Long> acks = new CopyOnWriteArrayList<>();
    try (HighWaterMarks marks =
        open(
            () -> {
              if (failing.get()) {
                throw new java.io.UncheckedIOException(new java.io.IOException("disk full"));
              }
            })) {
      Ingester ingester =
          new Ingester(
              new ClusterModel(Clock.systemUTC(), 100), new SwarmReporterElection(), null, marks);
      Ingester.Session s = ingester.open("peer", m -> {}, acks::add);
      s.apply(hello(1, "agent-1", node("node-1", "alpha")));
      s.apply(message(1, event(1, "start", "c1", "web", 1).build()));
      await().atMost(DEADLINE).until(() -> marks.failures() >= 2);
      assertThat(acks).containsExactly(0L);
      assertThat(dir.resolve(HighWaterMarks.FILE)).doesNotExist();

      failing.set(false);
      await().atMost(DEADLINE).until(() -> acks.contains(1L));
    }
  }
}
