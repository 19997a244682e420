package io.swarmwatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.swarmwatch.proto.v1.IngestGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Collector scale benchmark (BENCHMARKS.md, "Collector scale"): N simulated agents with M
 * containers each speak the real gRPC protocol to one collector — snapshot, usage and host samples
 * every 10 s, health transitions, log lines — while this measures
 *
 * <ul>
 *   <li>ack latency: a message sent → the collector's Ack for it. The Ack means applied and
 *       durable, sent every SWARMWATCH_ACK_INTERVAL (5 s by default), so this is bounded below by
 *       that interval; the flag and log probes below measure how soon data is visible;
 *   <li>ingest → queryable for logs: a marker line sent → {@code GET /api/v1/logs?q=marker} finds
 *       it;
 *   <li>backlog: what the agents could not send because the collector had not acknowledged enough
 *       (it must not grow);
 *   <li>the collector's CPU and RSS (from /proc, given {@code --collector-pid}) and heap (from its
 *       /metrics).
 * </ul>
 *
 * <pre>
 * java -jar bench/target/swarmwatch-bench.jar --target=localhost:7070 --api=http://localhost:8080 \
 *   --agents=1000 --containers=50 --seconds=120 --log-lines=20000 --collector-pid=1234
 * </pre>
 */
public final class CollectorLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TICK_MS = 100;

  private final LoadConfig config;
  private final Recorder ackLatency = new Recorder(3);
  private final Histogram queryable = new Histogram(3);
  private final AtomicInteger markersMissing = new AtomicInteger();
  // Health transition sent → flag in the API: the figure issue 6 is about, here at scale.
  private final Histogram flagged = new Histogram(3);
  private final AtomicInteger flagsMissing = new AtomicInteger();
  private final AtomicLong logLinesSent = new AtomicLong();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<SimulatedAgent> agents = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  CollectorLoad(LoadConfig config) {
    this.config = config;
  }

  public static void main(String[] args) throws Exception {
    LoadConfig config;
    try {
      config = LoadConfig.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("collector-load: " + e.getMessage());
      System.exit(2);
      return;
    }
    Report r = new CollectorLoad(config).run();
    System.out.println(r.describe());
    System.exit(r.healthy() ? 0 : 1);
  }

  Report run() throws InterruptedException, IOException {
    Clock clock = Clock.systemUTC();
    Metadata headers = new Metadata();
    config
        .token()
        .ifPresent(
            t ->
                headers.put(
                    Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                    "Bearer " + t));
    ClientInterceptor auth = MetadataUtils.newAttachHeadersInterceptor(headers);
    IngestGrpc.IngestStub stub = null;
    for (int i = 0; i < config.agents(); i++) {
      if (i % config.agentsPerChannel() == 0) {
        ManagedChannel ch =
            NettyChannelBuilder.forTarget(config.target())
                .usePlaintext()
                .maxInboundMessageSize(4 << 20)
                .build();
        channels.add(ch);
        stub = IngestGrpc.newStub(ch).withInterceptors(auth);
      }
      SimulatedAgent a =
          new SimulatedAgent(i, config.containers(), config.maxInFlight(), clock, ackLatency);
      agents.add(a);
      a.connect(stub);
    }
    long connectDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (agents.stream().anyMatch(a -> !a.stats().connected() && a.ended() == null)
        && System.nanoTime() < connectDeadline) {
      Thread.sleep(50);
    }
    long connected = agents.stream().filter(a -> a.stats().connected()).count();
    ackLatency.getIntervalHistogram(); // connecting and snapshots are not the steady state

    ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2);
    ExecutorService probes = Executors.newFixedThreadPool(16);
    int ticksPerSample = (int) Math.max(1, config.sampleInterval().toMillis() / TICK_MS);
    AtomicLong tick = new AtomicLong();
    ticks.scheduleAtFixedRate(
        () -> {
          long t = tick.getAndIncrement();
          // Each agent samples once per interval; agents are spread over the interval's ticks.
          for (int i = (int) (t % ticksPerSample); i < agents.size(); i += ticksPerSample) {
            agents.get(i).sample();
          }
          logs(t, probes);
        },
        0,
        TICK_MS,
        TimeUnit.MILLISECONDS);
    if (config.healthFlipsPerSecond() > 0) {
      long periodMicros = (long) (1_000_000 / config.healthFlipsPerSecond());
      ticks.scheduleAtFixedRate(
          () -> {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            SimulatedAgent a = agents.get(r.nextInt(agents.size()));
            int c = r.nextInt(config.containers());
            a.health(c, false);
            long sentAt = System.nanoTime();
            probes.execute(() -> flagProbe(a, c, sentAt));
            ticks.schedule(() -> a.health(c, true), 2, TimeUnit.SECONDS);
          },
          periodMicros,
          periodMicros,
          TimeUnit.MICROSECONDS);
    }

    ProcStat before = ProcStat.read(config.collectorPid());
    long start = System.nanoTime();
    List<Integer> backlog = new ArrayList<>();
    long end = start + config.duration().toNanos();
    long half = start + config.duration().toNanos() / 2;
    Histogram firstHalf = null;
    while (System.nanoTime() < end) {
      if (firstHalf == null && System.nanoTime() >= half) {
        // The second half alone: the steady state, after the connect storm has been absorbed.
        firstHalf = ackLatency.getIntervalHistogram();
      }
      Thread.sleep(Math.min(5000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      backlog.add(agents.stream().mapToInt(a -> a.stats().backlog() + a.stats().inFlight()).sum());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    ProcStat after = ProcStat.read(config.collectorPid());
    ticks.shutdownNow();
    probes.shutdown();
    probes.awaitTermination(15, TimeUnit.SECONDS);
    Histogram secondHalf = ackLatency.getIntervalHistogram();
    Histogram acks = secondHalf.copy();
    if (firstHalf != null) {
      acks.add(firstHalf);
    }
    long sent = agents.stream().mapToLong(a -> a.stats().sent()).sum();
    long dropped = agents.stream().mapToLong(a -> a.stats().dropped()).sum();
    List<String> errors = new ArrayList<>();
    for (SimulatedAgent a : agents) {
      Status s = a.ended();
      if (s != null && errors.size() < 5) {
        errors.add(a.hostname() + ": " + s.getCode() + " " + s.getDescription());
      }
    }
    long ended = agents.stream().filter(a -> a.ended() != null).count();
    Long heap = heapUsed();
    agents.forEach(SimulatedAgent::close);
    for (ManagedChannel ch : channels) {
      ch.shutdown();
    }
    for (ManagedChannel ch : channels) {
      ch.awaitTermination(5, TimeUnit.SECONDS);
    }
    Histogram q;
    synchronized (queryable) {
      q = queryable.copy();
    }
    Histogram f;
    synchronized (flagged) {
      f = flagged.copy();
    }
    return new Report(
        config,
        connected,
        ended,
        seconds,
        sent,
        acks,
        secondHalf,
        logLinesSent.get(),
        q,
        markersMissing.get(),
        f,
        flagsMissing.get(),
        backlog,
        dropped,
        ProcStat.cpuPercent(before, after, seconds),
        after == null ? null : after.rssBytes(),
        heap,
        errors);
  }

  private void logs(long t, ExecutorService probes) {
    int perTick = (int) (config.logLinesPerSecond() * TICK_MS / 1000);
    if (perTick <= 0) {
      return;
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    // Once a second the first batch carries a marker word that the probe then searches for.
    String marker =
        t % (1000 / TICK_MS) == 0 ? "swbenchmarker" + t + "x" + r.nextInt(1 << 30) : null;
    int left = perTick;
    while (left > 0) {
      int n = Math.min(left, 100);
      agents.get(r.nextInt(agents.size())).logs(r.nextInt(config.containers()), n, marker);
      if (marker != null) {
        String m = marker;
        long sentAt = System.nanoTime();
        probes.execute(() -> probe(m, sentAt));
        marker = null;
      }
      logLinesSent.addAndGet(n);
      left -= n;
    }
  }

  private void probe(String marker, long sentAt) {
    URI uri = URI.create(config.api() + "/api/v1/logs?q=" + marker + "&limit=1");
    if (!poll(uri, sentAt, TimeUnit.SECONDS.toNanos(10), queryable)) {
      markersMissing.incrementAndGet();
    }
  }

  /** A health transition sent → the {@code unhealthy} flag listed by GET /api/v1/flags. */
  private void flagProbe(SimulatedAgent a, int container, long sentAt) {
    URI uri =
        URI.create(
            config.api()
                + "/api/v1/flags?rule=unhealthy&service="
                + SimulatedAgent.serviceName(container)
                + "&node="
                + a.nodeId());
    if (poll(uri, sentAt, TimeUnit.SECONDS.toNanos(2), flagged)) {
      return;
    }
    flagsMissing.incrementAndGet();
  }

  /** Polls {@code uri} every 20 ms until it answers a non-empty JSON array; records the wait. */
  private boolean poll(URI uri, long sentAt, long withinNanos, Histogram into) {
    long deadline = sentAt + withinNanos;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && JSON.readTree(r.body()).size() > 0) {
          long micros = (System.nanoTime() - sentAt) / 1000;
          synchronized (into) {
            into.recordValue(micros);
          }
          return true;
        }
        Thread.sleep(20);
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private Long heapUsed() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(config.api() + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return null;
      }
      double sum = 0;
      for (String line : r.body().split("\n")) {
        if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return (long) sum;
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** CPU time and RSS of a process, from /proc. */
  record ProcStat(long cpuTicks, long rssBytes) {
    static ProcStat read(java.util.Optional<Long> pid) throws IOException {
      if (pid.isEmpty()) {
        return null;
      }
      String stat = Files.readString(Path.of("/proc", pid.get().toString(), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc", pid.get().toString(), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      return new ProcStat(ticks, rss);
    }

    static Double cpuPercent(ProcStat before, ProcStat after, double seconds) {
      if (before == null || after == null) {
        return null;
      }
      return (after.cpuTicks - before.cpuTicks) / 100.0 / seconds * 100; // USER_HZ = 100
    }
  }

  /** What one run measured; {@link #healthy} is the bench's pass/fail. */
  record Report(
      LoadConfig config,
      long connected,
      long ended,
      double seconds,
      long sent,
      Histogram ackLatencyMicros,
      Histogram ackLatencySecondHalfMicros,
      long logLines,
      Histogram queryableMicros,
      int markersMissing,
      Histogram flaggedMicros,
      int flagsMissing,
      List<Integer> backlog,
      long dropped,
      Double cpuPercent,
      Long rssBytes,
      Long heapBytes,
      List<String> errors) {

    /** Every agent connected, none cut off, nothing dropped, every marker found. */
    boolean healthy() {
      return connected == config.agents()
          && ended == 0
          && dropped == 0
          && markersMissing == 0
          && ackLatencyMicros.getTotalCount() > 0;
    }

    /** The backlog at the end is no larger than at the first sample (plus one tick of sends). */
    boolean backlogSteady() {
      return backlog.isEmpty()
          || backlog.get(backlog.size() - 1) <= backlog.get(0) + config.agents();
    }

    private static String ms(Histogram h, double p) {
      return h.getTotalCount() == 0
          ? "-"
          : String.format(Locale.ROOT, "%.1f", h.getValueAtPercentile(p) / 1000.0);
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "BENCHMARK collector-scale agents=%d containers=%d connected=%d ended=%d seconds=%.1f"
              + " messages=%d (%.0f/s) log_lines=%d (%.0f/s)"
              + " ack_ms p50=%s p99=%s max=%s ack_ms_second_half p50=%s p99=%s max=%s queryable_ms p50=%s p99=%s max=%s markers=%d missing=%d"
              + " flag_ms p50=%s p99=%s max=%s flags=%d flags_missing=%d"
              + " backlog=%s steady=%s dropped=%d collector_cpu_pct=%s collector_rss_mib=%s"
              + " collector_heap_mib=%s healthy=%s%s",
          config.agents(),
          config.containers(),
          connected,
          ended,
          seconds,
          sent,
          sent / seconds,
          logLines,
          logLines / seconds,
          ms(ackLatencyMicros, 50),
          ms(ackLatencyMicros, 99),
          ms(ackLatencyMicros, 100),
          ms(ackLatencySecondHalfMicros, 50),
          ms(ackLatencySecondHalfMicros, 99),
          ms(ackLatencySecondHalfMicros, 100),
          ms(queryableMicros, 50),
          ms(queryableMicros, 99),
          ms(queryableMicros, 100),
          queryableMicros.getTotalCount(),
          markersMissing,
          ms(flaggedMicros, 50),
          ms(flaggedMicros, 99),
          ms(flaggedMicros, 100),
          flaggedMicros.getTotalCount(),
          flagsMissing,
          backlog,
          backlogSteady(),
          dropped,
          cpuPercent == null ? "-" : String.format(Locale.ROOT, "%.0f", cpuPercent),
          rssBytes == null ? "-" : String.valueOf(rssBytes >> 20),
          heapBytes == null ? "-" : String.valueOf(heapBytes >> 20),
          healthy(),
          errors.isEmpty() ? "" : " errors=" + errors);
    }
  }
}
