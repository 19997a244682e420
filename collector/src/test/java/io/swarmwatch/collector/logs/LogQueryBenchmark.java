package io.swarmwatch.collector.logs;

import com.google.protobuf.ByteString;
import io.swarmwatch.proto.v1.LogBatch;
import io.swarmwatch.proto.v1.LogLine;
import io.swarmwatch.proto.v1.LogSource;
import io.swarmwatch.proto.v1.LogStream;
import io.swarmwatch.proto.v1.SwarmIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Query latency of {@link LuceneLogStore} over a large store: fills a store with {@code lines}
 * lines spread evenly over the last {@code hours} hours (one partition per hour), 20 services of
 * one container each, lines shaped like access logs where one in 100 contains {@code timeout} and
 * one in 10,000 {@code "connection refused"}; then runs each query the API's default way (newest
 * 100 matches) {@code runs} times after a warm-up and prints p50 / p99 / max.
 *
 * <pre>
 * mvn -B -o -q test-compile dependency:build-classpath -pl collector -am -Dmdep.outputFile=/tmp/cp.txt
 * java -cp collector/target/test-classes:collector/target/classes:$(cat /tmp/cp.txt) \
 *   io.swarmwatch.collector.logs.LogQueryBenchmark [lines=1000000] [hours=24] [runs=200] [dir=...]
 * </pre>
 *
 * With {@code dir=} an existing store there is reused (filled only when empty; pass the same {@code
 * lines} and {@code hours}), so the costly fill runs once.
 */
public final class LogQueryBenchmark {
  private static final int SERVICES = 20;
  private static final long HOUR = 3_600_000_000_000L;

  private LogQueryBenchmark() {}

  public static void main(String[] args) throws Exception {
    long lines = 1_000_000;
    int hours = 24;
    int runs = 200;
    Path dir = null;
    for (String a : args) {
      String[] kv = a.split("=", 2);
      switch (kv[0]) {
        case "lines" -> lines = Long.parseLong(kv[1].replace("_", ""));
        case "hours" -> hours = Integer.parseInt(kv[1]);
        case "runs" -> runs = Integer.parseInt(kv[1]);
        case "dir" -> dir = Path.of(kv[1]);
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    if (dir == null) {
      dir = Files.createTempDirectory("swarmwatch-logquery-bench");
    }
    // Whole hours, so the store's partitions line up with the fill whatever the time now.
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).plusSeconds(3599);
    long endNanos = now.getEpochSecond() * 1_000_000_000L;
    long startNanos = endNanos - hours * HOUR + 1;
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    LogStoreConfig cfg =
        new LogStoreConfig(
            dir.resolve("logs"),
            Duration.ofDays(30),
            1L << 40,
            Duration.ofMillis(250),
            Duration.ofSeconds(5),
            10_000);
    try (LuceneLogStore store = new LuceneLogStore(cfg, clock)) {
      store.refresh();
      if (isEmpty(store)) {
        long t0 = System.nanoTime();
        fill(store, lines, startNanos, endNanos);
        store.refresh();
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("filled %,d lines in %.1f s (%,.0f lines/s)%n", lines, s, lines / s);
      }
      System.out.printf(
          "LogQueryBenchmark: %,d lines over %d hourly partitions in %s, %d cores%n",
          lines, store.hours().size(), dir, Runtime.getRuntime().availableProcessors());
      long lastHour = endNanos - HOUR;
      measure(store, "text: timeout (1 in 100 lines)", q(null, "timeout", Long.MIN_VALUE), runs);
      measure(
          store,
          "text: \"connection refused\" (1 in 10,000)",
          q(null, "\"connection refused\"", Long.MIN_VALUE),
          runs);
      measure(store, "service (1 in 20 lines)", q("svc7", null, Long.MIN_VALUE), runs);
      measure(store, "service + last hour", q("svc7", null, lastHour), runs);
      measure(store, "service + text timeout", q("svc7", "timeout", Long.MIN_VALUE), runs);
    }
  }

  private static boolean isEmpty(LuceneLogStore store) {
    return store.query(q(null, null, Long.MIN_VALUE)).lines().isEmpty();
  }

  private static LogQuery q(String service, String text, long since) {
    return new LogQuery(
        Optional.ofNullable(service),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        since,
        Long.MAX_VALUE,
        Optional.ofNullable(text),
        Optional.empty(),
        true,
        100,
        Optional.empty());
  }

  private static void measure(LuceneLogStore store, String what, LogQuery q, int runs) {
    int warm = Math.max(10, runs / 10);
    int found = 0;
    for (int i = 0; i < warm; i++) {
      found = store.query(q).lines().size();
    }
    long[] ns = new long[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      store.query(q);
      ns[i] = System.nanoTime() - t0;
    }
    Arrays.sort(ns);
    System.out.printf(
        "BENCHMARK logquery %-40s hits=%d p50=%.1f ms p99=%.1f ms max=%.1f ms (n=%d)%n",
        what,
        found,
        ns[runs / 2] / 1e6,
        ns[(int) Math.ceil(runs * 0.99) - 1] / 1e6,
        ns[runs - 1] / 1e6,
        runs);
  }

  private static void fill(LuceneLogStore store, long lines, long startNanos, long endNanos) {
    List<LogSource> sources = new ArrayList<>();
    for (int s = 0; s < SERVICES; s++) {
      String c = String.format("%064x", s + 1);
      sources.add(
          LogSource.newBuilder()
              .setContainerId(c)
              .setContainerName("svc" + s + ".1.task" + s)
              .setSwarm(
                  SwarmIdentity.newBuilder()
                      .setServiceName("svc" + s)
                      .setServiceId("id" + s)
                      .setStack("bench")
                      .setTaskId("task" + s)
                      .setSlot(1))
              .build());
    }
    double step = (double) (endNanos - startNanos) / lines;
    int batch = 5000;
    long[] lineNo = new long[SERVICES];
    LogBatch.Builder b = LogBatch.newBuilder().addAllSources(sources);
    for (long n = 0; n < lines; n++) {
      int s = (int) (n % SERVICES);
      String text =
          String.format(
              "%s [worker-%d] GET /api/v1/items/%d status=%d took=%dms%s",
              n % 50 == 0 ? "WARN" : "INFO",
              n % 8,
              n % 100_000,
              n % 37 == 0 ? 500 : 200,
              n % 997,
              (n / SERVICES) % 10_000 == 5
                  ? " upstream: connection refused"
                  : (n / SERVICES) % 100 == 3 ? " timeout" : "");
      b.addLines(
          LogLine.newBuilder()
              .setContainerId(sources.get(s).getContainerId())
              .setLineNo(++lineNo[s])
              .setTimeUnixNanos(startNanos + (long) (n * step))
              .setStream(n % 50 == 0 ? LogStream.STDERR : LogStream.STDOUT)
              .setLine(ByteString.copyFromUtf8(text)));
      if (b.getLinesCount() == batch) {
        store.append("node-1", "worker-1", b.build());
        b = LogBatch.newBuilder().addAllSources(sources);
      }
    }
    if (b.getLinesCount() > 0) {
      store.append("node-1", "worker-1", b.build());
    }
  }
}
