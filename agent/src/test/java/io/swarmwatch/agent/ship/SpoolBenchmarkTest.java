package io.swarmwatch.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.LogBatch;
import io.swarmwatch.proto.v1.LogLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's cost, against its peer measured in the same run: the in-memory path it replaced (seq
 * set, serialized as gRPC does on send, kept on the heap). Log batches of 500 lines of 150 bytes,
 * as a busy node sends them. Prints one line per figure for BENCHMARKS.md; asserts only that every
 * message came back.
 *
 * <pre>
 * mvn -B -o test -pl agent -am -Dtest=SpoolBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dswarmwatch.bench.spool=true
 * </pre>
 */
class SpoolBenchmarkTest {
  // Without -Dswarmwatch.bench.spool=true: a smoke run with tiny sizes, so the benchmark keeps
  // working in every build (its figures then mean nothing).
  private static final boolean FULL = Boolean.getBoolean("swarmwatch.bench.spool");
  private static final int BATCHES = FULL ? 400 : 20;
  private static final int LINES = 500;
  private static final int ROUNDS = FULL ? 5 : 1;
  @TempDir Path dir;

  private static AgentMessage batch(int b) {
    LogBatch.Builder lb = LogBatch.newBuilder();
    byte[] line = new byte[150];
    java.util.Arrays.fill(line, (byte) 'x');
    for (int i = 0; i < LINES; i++) {
      lb.addLines(
          LogLine.newBuilder()
              .setContainerId("c" + (b % 8))
              .setTimeUnixNanos(1_700_000_000_000_000_000L + (long) b * LINES + i)
              .setLineNo((long) b * LINES + i + 1)
              .setLine(ByteString.copyFrom(line)));
    }
    return AgentMessage.newBuilder().setLogs(lb).build();
  }

  @Test
  void appendDurableAndReplayRatesAgainstAnInMemoryQueue() throws Exception {
    List<AgentMessage> msgs = new ArrayList<>();
    for (int b = 0; b < BATCHES; b++) {
      msgs.add(batch(b));
    }
    List<Double> memory = new ArrayList<>();
    List<Double> append = new ArrayList<>();
    List<Double> durable = new ArrayList<>();
    List<Double> replay = new ArrayList<>();
    long bytes = 0;
    for (int r = 0; r < ROUNDS; r++) {
      // Peer: the in-memory outbox's path to the wire: seq set, serialized (gRPC does it on send),
      // kept on the heap.
      long m0 = System.nanoTime();
      ArrayDeque<byte[]> q = new ArrayDeque<>();
      for (int i = 0; i < BATCHES; i++) {
        q.add(msgs.get(i).toBuilder().setSeq(i + 1).build().toByteArray());
      }
      memory.add(linesPerSecond(System.nanoTime() - m0));
      assertThat(q).hasSize(BATCHES);

      Path d = Files.createDirectory(dir.resolve("r" + r));
      try (Spool s =
          Spool.open(
              new SpoolConfig(
                  d,
                  SpoolConfig.DEFAULT_MAX_BYTES,
                  SpoolConfig.DEFAULT_SEGMENT_BYTES,
                  Duration.ofMillis(100)))) {
        CountDownLatch done = new CountDownLatch(BATCHES);
        long t0 = System.nanoTime();
        for (AgentMessage m : msgs) {
          s.put(m, done::countDown);
        }
        long t1 = System.nanoTime();
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        long t2 = System.nanoTime();
        append.add(linesPerSecond(t1 - t0));
        durable.add(linesPerSecond(t2 - t0));
        bytes = s.bytes();
        long r0 = System.nanoTime();
        int n = 0;
        while (s.next(0, TimeUnit.MILLISECONDS) != null) {
          n++;
        }
        replay.add(linesPerSecond(System.nanoTime() - r0));
        assertThat(n).isEqualTo(BATCHES);
      }
    }
    System.out.printf(
        "BENCHMARK spool %d batches x %d lines x 150 B (%.1f MiB on disk), %d rounds,"
            + " lines/s min/median/max:%n",
        BATCHES, LINES, bytes / 1048576.0, ROUNDS);
    print("serialize to heap (peer)", memory, memory);
    print("spool append (page cache)", append, memory);
    print("spool append until fsynced", durable, memory);
    print("spool replay (read back)", replay, memory);
  }

  private static double linesPerSecond(long nanos) {
    return (double) BATCHES * LINES / (nanos / 1e9);
  }

  private static void print(String what, List<Double> v, List<Double> peer) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    List<Double> p = new ArrayList<>(peer);
    Collections.sort(p);
    System.out.printf(
        "BENCHMARK   %-28s %,12.0f %,12.0f %,12.0f  median ratio to peer %.3f%n",
        what,
        s.get(0),
        s.get(s.size() / 2),
        s.get(s.size() - 1),
        s.get(s.size() / 2) / p.get(p.size() / 2));
  }
}
