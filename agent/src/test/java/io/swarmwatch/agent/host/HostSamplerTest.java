package io.swarmwatch.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.sun.management.ThreadMXBean;
import io.swarmwatch.proto.v1.Filesystem;
import io.swarmwatch.proto.v1.HostSample;
import io.swarmwatch.proto.v1.NetInterface;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against this machine's own /proc and /sys, checked by parsing them here. */
class HostSamplerTest {
  private static final Path PROC = Path.of("/proc");

  private static HostSampler sampler;

  @BeforeAll
  static void create() {
    sampler = HostSampler.create(HostConfig.defaults(), Clock.systemUTC());
  }

  @Test
  void stampsTheSampleWithTheInjectedClock() {
    Instant at = Instant.parse("2026-03-01T12:00:00.123456789Z");
    HostSampler fixed = HostSampler.create(HostConfig.defaults(), Clock.fixed(at, ZoneOffset.UTC));

    assertThat(fixed.sample().getTimeUnixNanos())
        .isEqualTo(at.getEpochSecond() * 1_000_000_000L + 123_456_789L);
  }

  @Test
  void memoryTotalIsMemTotal() throws IOException {
    HostSample s = sampler.sample();

    assertThat(s.getMemoryTotalBytes()).isEqualTo(meminfoBytes("MemTotal:"));
    assertThat(s.getMemoryAvailableBytes())
        .isPositive()
        .isLessThanOrEqualTo(s.getMemoryTotalBytes());
    assertThat(s.getSwapTotalBytes()).isEqualTo(meminfoBytes("SwapTotal:"));
    assertThat(s.getSwapUsedBytes()).isBetween(0L, s.getSwapTotalBytes());
  }

  @Test
  void loadAveragesAreThoseOfProcLoadavg() throws IOException {
    double[] before = loadavg();
    HostSample s = sampler.sample();
    double[] after = loadavg();

    // The kernel updates loadavg every 5 s: the sample's value is the one before or after it.
    double[] sampled = {s.getLoad1(), s.getLoad5(), s.getLoad15()};
    for (int i = 0; i < 3; i++) {
      assertThat(sampled[i])
          .as(
              "load %d of %s, before %s, after %s",
              i, s, Arrays.toString(before), Arrays.toString(after))
          .isBetween(Math.min(before[i], after[i]) - 0.005, Math.max(before[i], after[i]) + 0.005);
    }
  }

  @Test
  void cpusIsTheHostsLogicalProcessorCount() throws IOException {
    long processors;
    try (Stream<String> lines = Files.lines(PROC.resolve("cpuinfo"))) {
      processors = lines.filter(l -> l.startsWith("processor")).count();
    }

    HostSample s = sampler.sample();

    assertThat(s.getCpus()).isEqualTo(processors);
    assertThat(s.getCpus()).isGreaterThanOrEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void uptimeIsProcUptime() throws IOException {
    double uptime = Double.parseDouble(Files.readString(PROC.resolve("uptime")).split(" ")[0]);

    assertThat((double) sampler.sample().getUptimeSeconds()).isCloseTo(uptime, within(3.0));
  }

  @Test
  void reportsTheRootFilesystem() {
    HostSample s = sampler.sample();

    assertThat(s.getFilesystemsList()).extracting(Filesystem::getMount).contains("/");
    Filesystem root =
        s.getFilesystemsList().stream().filter(f -> f.getMount().equals("/")).findFirst().get();
    assertThat(root.getTotalBytes()).isPositive();
    assertThat(root.getFreeBytes()).isBetween(0L, root.getTotalBytes());
    assertThat(root.getFreeInodes()).isBetween(0L, root.getTotalInodes());
    assertThat(root.getDevice()).isNotEmpty();
    assertThat(FilesystemRules.isDisk(root.getType())).isTrue();
    assertThat(s.getFilesystemsList())
        .extracting(Filesystem::getType)
        .allMatch(FilesystemRules::isDisk);
    assertThat(s.getFilesystemsList()).extracting(Filesystem::getDevice).doesNotHaveDuplicates();
  }

  @Test
  void reportsTheInterfacesTheRuleKeepsAndNotLoopback() throws IOException {
    List<String> expected = new ArrayList<>();
    try (Stream<Path> dir = Files.list(Path.of("/sys/class/net"))) {
      dir.map(p -> p.getFileName().toString())
          .filter(InterfaceRules::include)
          .forEach(expected::add);
    }

    HostSample s = sampler.sample();

    assertThat(s.getInterfacesList()).extracting(NetInterface::getName).doesNotContain("lo");
    assertThat(s.getInterfacesList())
        .extracting(NetInterface::getName)
        .containsExactlyInAnyOrderElementsOf(expected)
        .isSorted();
    for (NetInterface i : s.getInterfacesList()) {
      long rx = readLong("/sys/class/net/" + i.getName() + "/statistics/rx_bytes");
      assertThat(i.getRxBytes()).isBetween(0L, rx);
      assertThat(i.getTxBytes()).isNotNegative();
    }
  }

  @Test
  void cpuPercentIsAPercentageFromTheSecondSampleOn() {
    sampler.sample();

    // OSHI caches /proc/stat for 300 ms: the next sample needs a little time to cover.
    await()
        .pollDelay(Duration.ofMillis(400))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(sampler.sample().getCpuPercent()).isBetween(0.0, 100.0));
  }

  @Test
  void busyThreadsRaiseCpuPercent() throws InterruptedException {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    HostSample before = sampler.sample();

    spin(threads, Duration.ofMillis(1200));
    HostSample after = sampler.sample();

    // With one spinning thread per available core no core is idle: close to
    // 100 * threads / host cores. Half of that leaves room for a noisy machine.
    double bound = 50.0 * Math.min(threads, after.getCpus()) / after.getCpus();
    assertThat(after.getCpuPercent())
        .as("cpu percent after %d spinning threads (before: %s)", threads, before.getCpuPercent())
        .isGreaterThan(bound)
        .isLessThanOrEqualTo(100.0);
  }

  /**
   * The cost the agent pays every interval. Each measured call comes after OSHI's 300 ms cache has
   * expired, as in production, so it reads every file afresh.
   */
  @Test
  void oneSampleIsCheap() {
    ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    for (int i = 0; i < 20; i++) {
      sampler.sample(); // warm up: JIT, class loading, first-time JNA setup
    }
    int n = 8;
    long[] nanos = new long[n];
    long[] bytes = new long[n];
    for (int i = 0; i < n; i++) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(350)); // let OSHI's cache expire
      long b0 = mx.getThreadAllocatedBytes(tid);
      long t0 = System.nanoTime();
      HostSample s = sampler.sample();
      nanos[i] = System.nanoTime() - t0;
      bytes[i] = mx.getThreadAllocatedBytes(tid) - b0;
      assertThat(s.getMemoryTotalBytes()).isPositive();
    }
    Arrays.sort(nanos);
    Arrays.sort(bytes);
    System.out.printf(
        "HostSampler.sample(): median %.3f ms (max %.3f ms), median %d bytes allocated (max %d)%n",
        nanos[n / 2] / 1e6, nanos[n - 1] / 1e6, bytes[n / 2], bytes[n - 1]);

    // Budget: the whole agent gets 1% of a core, i.e. 100 ms per 10 s interval; this is a
    // generous bound on a noisy machine, the measured figures are printed above.
    assertThat(bytes[n / 2]).isLessThan(1024 * 1024);
    assertThat(nanos[n / 2]).isLessThan(TimeUnit.MILLISECONDS.toNanos(100));
  }

  private static void spin(int threads, Duration d) throws InterruptedException {
    long until = System.nanoTime() + d.toNanos();
    List<Thread> spinners = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                while (System.nanoTime() < until) {
                  Thread.onSpinWait();
                }
              });
      t.start();
      spinners.add(t);
    }
    for (Thread t : spinners) {
      t.join();
    }
  }

  private static long meminfoBytes(String key) throws IOException {
    try (Stream<String> lines = Files.lines(PROC.resolve("meminfo"))) {
      String line = lines.filter(l -> l.startsWith(key)).findFirst().orElseThrow();
      String[] f = line.trim().split("\\s+");
      assertThat(f[2]).isEqualTo("kB");
      return Long.parseLong(f[1]) * 1024;
    }
  }

  private static double[] loadavg() throws IOException {
    String[] f = Files.readString(PROC.resolve("loadavg")).split(" ");
    return new double[] {
      Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])
    };
  }

  private static long readLong(String file) throws IOException {
    return Long.parseLong(Files.readString(Path.of(file)).trim());
  }
}
