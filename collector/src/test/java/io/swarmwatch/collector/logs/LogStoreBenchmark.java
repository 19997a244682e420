package io.swarmwatch.collector.logs;

import com.google.protobuf.ByteString;
import io.swarmwatch.proto.v1.LogBatch;
import io.swarmwatch.proto.v1.LogLine;
import io.swarmwatch.proto.v1.LogSource;
import io.swarmwatch.proto.v1.LogStream;
import io.swarmwatch.proto.v1.SwarmIdentity;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * In-process ingest benchmark of {@link LuceneLogStore}: appends {@code lines} lines shaped like
 * the end-to-end benchmark's ({@code line <n> } + 140 × {@code x}, ~153 bytes) in batches the agent
 * sends ({@code batch} lines, one container, one {@link LogSource}), then forces a refresh, so the
 * clock stops when the last line is queryable. Prints lines/s per repeat and min / median / max.
 * Batches are built before the clock starts: only the store is timed.
 *
 * <pre>
 * mvn -B -o -q test-compile dependency:build-classpath -pl collector -am -Dmdep.outputFile=/tmp/cp.txt
 * java -cp collector/target/test-classes:collector/target/classes:$(cat /tmp/cp.txt) \
 *   io.swarmwatch.collector.logs.LogStoreBenchmark [lines=300000] [batch=5000] [repeats=5]
 * </pre>
 *
 * <p>The first repeat is a warm-up (JIT) and is reported but not counted.
 */
public final class LogStoreBenchmark {
  private LogStoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    int lines = 300_000;
    int batch = 5000;
    int repeats = 5;
    for (String a : args) {
      String[] kv = a.split("=", 2);
      int v = Integer.parseInt(kv[1].replace("_", ""));
      switch (kv[0]) {
        case "lines" -> lines = v;
        case "batch" -> batch = v;
        case "repeats" -> repeats = v;
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    Instant now = Instant.now();
    long startNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    List<LogBatch> batches = batches(lines, batch, startNanos);
    System.out.printf(
        "LogStoreBenchmark: %,d lines of %d bytes in batches of %d, %d cores, heap %d MiB%n",
        lines,
        ("line " + lines + " " + "x".repeat(140)).length() + 1,
        batch,
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    List<Double> rates = new ArrayList<>();
    List<Double> perCpu = new ArrayList<>();
    for (int r = 0; r <= repeats; r++) {
      Result res = once(batches, lines, Clock.fixed(now, ZoneOffset.UTC));
      System.out.printf(
          "  repeat %d%s: %,.0f lines/s wall, %,.0f lines per CPU-second (%.2f s wall, %.2f s CPU)%n",
          r,
          r == 0 ? " (warm-up)" : "",
          lines / res.wallSeconds(),
          lines / res.cpuSeconds(),
          res.wallSeconds(),
          res.cpuSeconds());
      if (r > 0) {
        rates.add(lines / res.wallSeconds());
        perCpu.add(lines / res.cpuSeconds());
      }
    }
    System.out.println("BENCHMARK logstore lines/s (wall) " + summary(rates));
    System.out.println("BENCHMARK logstore lines per CPU-second " + summary(perCpu));
  }

  private static String summary(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    v.sort(Comparator.naturalOrder());
    return String.format(
        "min=%,.0f median=%,.0f max=%,.0f (n=%d)",
        v.get(0), v.get(v.size() / 2), v.get(v.size() - 1), v.size());
  }

  /** Wall time, and CPU time of the whole process (every thread, GC and merges included). */
  record Result(double wallSeconds, double cpuSeconds) {}

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static Result once(List<LogBatch> batches, int lines, Clock clock) throws IOException {
    Path dir = Files.createTempDirectory("swarmwatch-logstore-bench");
    try {
      LogStoreConfig cfg =
          new LogStoreConfig(
              dir.resolve("logs"),
              Duration.ofDays(7),
              10L << 30,
              Duration.ofMillis(250),
              Duration.ofSeconds(5),
              10_000);
      long t0;
      long t1;
      long c0;
      long c1;
      try (LuceneLogStore store = new LuceneLogStore(cfg, clock)) {
        c0 = processCpuNanos();
        t0 = System.nanoTime();
        for (LogBatch b : batches) {
          store.append("node-1", "worker-1", b);
        }
        store.refresh();
        t1 = System.nanoTime();
        c1 = processCpuNanos();
        if (store.stored() != lines) {
          throw new IllegalStateException("stored " + store.stored() + " of " + lines);
        }
      }
      return new Result((t1 - t0) / 1e9, (c1 - c0) / 1e9);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  private static List<LogBatch> batches(int lines, int batch, long startNanos) {
    String container = "c0ffee".repeat(10) + "beef";
    LogSource source =
        LogSource.newBuilder()
            .setContainerId(container)
            .setContainerName("bench.1.abcdefghijklmnopqrstuvwxy")
            .setSwarm(
                SwarmIdentity.newBuilder()
                    .setServiceName("bench")
                    .setServiceId("svc0123456789abcdefghijklm")
                    .setStack("shop")
                    .setTaskId("abcdefghijklmnopqrstuvwxy")
                    .setSlot(1))
            .build();
    String pad = "x".repeat(140);
    List<LogBatch> out = new ArrayList<>();
    LogBatch.Builder b = LogBatch.newBuilder().addSources(source);
    for (int n = 1; n <= lines; n++) {
      b.addLines(
          LogLine.newBuilder()
              .setContainerId(container)
              .setLineNo(n)
              .setTimeUnixNanos(startNanos + n * 1000L)
              .setStream(LogStream.STDOUT)
              .setLine(ByteString.copyFromUtf8("line " + n + " " + pad)));
      if (b.getLinesCount() == batch || n == lines) {
        out.add(b.build());
        b = LogBatch.newBuilder().addSources(source);
      }
    }
    return out;
  }
}
