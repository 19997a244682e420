package io.swarmwatch.agent.usage;

import static io.swarmwatch.agent.usage.FakeHost.MIB;
import static io.swarmwatch.agent.usage.FakeHost.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.swarmwatch.agent.usage.EngineStats.Reply;
import io.swarmwatch.common.Times;
import io.swarmwatch.proto.v1.ContainerUsage;
import io.swarmwatch.proto.v1.UsageBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageSamplerTest {
  static final String A = "a".repeat(64);
  static final String B = "b".repeat(64);
  static final Instant NOW = Instant.parse("2026-05-01T10:00:00.123456789Z");
  static final long SECOND = 1_000_000_000L;

  @TempDir Path dir;

  private final AtomicLong nanoTime = new AtomicLong(1_000 * SECOND);
  private final List<UsageTarget> targets = new ArrayList<>();
  private final List<UsageBatch> batches = new CopyOnWriteArrayList<>();
  private final FakeEngine engine = new FakeEngine();
  private UsageSampler sampler;

  @AfterEach
  void closeSampler() {
    if (sampler != null) {
      sampler.close();
    }
  }

  private UsageSampler sampler(UsageConfig config) {
    sampler =
        new UsageSampler(
            config,
            () -> List.copyOf(targets),
            batches::add,
            engine,
            Clock.fixed(NOW, ZoneOffset.UTC),
            nanoTime::get);
    return sampler;
  }

  private static ContainerUsage only(UsageBatch b) {
    assertThat(b.getContainersCount()).isEqualTo(1);
    return b.getContainers(0);
  }

  @Test
  void everyFieldFromCgroupV1() {
    FakeHost h = FakeHost.v1(dir);
    h.container(A, 10);
    write(h.v1("memory", A).resolve("memory.limit_in_bytes"), (256 * MIB) + "\n");
    write(
        h.v1("cpu", A).resolve("cpu.stat"),
        "nr_periods 50\nnr_throttled 5\nthrottled_time 123456\n");
    write(
        h.v1("memory", A).resolve("memory.oom_control"),
        "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
    targets.add(new UsageTarget(A, 10, 0));

    UsageBatch b = sampler(h.config()).sampleNow();

    assertThat(batches).containsExactly(b);
    assertThat(b.getTimeUnixNanos()).isEqualTo(Times.toUnixNanos(NOW));
    assertThat(only(b))
        .isEqualTo(
            ContainerUsage.newBuilder()
                .setContainerId(A)
                .setSource("cgroup-v1")
                .setCpuUsageNanos(5 * SECOND)
                .setCpuPercentOfHostCore(-1)
                .setCpuPercentOfLimit(-1)
                .setCpuPeriods(50)
                .setCpuThrottledPeriods(5)
                .setCpuThrottledNanos(123456)
                .setMemoryUsageBytes(100 * MIB)
                .setMemoryWorkingSetBytes(70 * MIB)
                .setMemoryLimitBytes(256 * MIB)
                .setOomKills(1)
                .setPids(3)
                .build());
    assertThat(sampler.samples()).isEqualTo(1);
    assertThat(sampler.errors()).isZero();
    assertThat(sampler.fallbacks()).isZero();
    assertThat(engine.calls).isEmpty();
  }

  @Test
  void cpuPercentNeedsTwoSamples() {
    FakeHost h = FakeHost.v1(dir);
    h.container(A, 10);
    targets.add(new UsageTarget(A, 10, 0.5));
    sampler(h.config());

    ContainerUsage first = only(sampler.sampleNow());
    assertThat(first.getCpuPercentOfHostCore()).as("no previous sample").isEqualTo(-1);
    assertThat(first.getCpuPercentOfLimit()).isEqualTo(-1);

    // 10 s later the container has used 4 s more CPU: 40 % of a core, 80 % of its half core.
    nanoTime.addAndGet(10 * SECOND);
    write(h.v1("cpuacct", A).resolve("cpuacct.usage"), (9 * SECOND) + "\n");
    ContainerUsage second = only(sampler.sampleNow());
    assertThat(second.getCpuPercentOfHostCore()).isCloseTo(40.0, within(1e-9));
    assertThat(second.getCpuPercentOfLimit()).isCloseTo(80.0, within(1e-9));
    assertThat(second.getCpuUsageNanos()).isEqualTo(9 * SECOND);

    // Two full cores for 5 s.
    nanoTime.addAndGet(5 * SECOND);
    write(h.v1("cpuacct", A).resolve("cpuacct.usage"), (19 * SECOND) + "\n");
    assertThat(only(sampler.sampleNow()).getCpuPercentOfHostCore()).isCloseTo(200.0, within(1e-9));
  }

  @Test
  void limitFromTheCgroupQuotaWhenTheTargetHasNone() {
    FakeHost h = FakeHost.v1(dir);
    h.container(A, 10);
    write(h.v1("cpu", A).resolve("cpu.cfs_quota_us"), "25000\n");
    targets.add(new UsageTarget(A, 10, 0));
    sampler(h.config()).sampleNow();
    nanoTime.addAndGet(10 * SECOND);
    write(h.v1("cpuacct", A).resolve("cpuacct.usage"), (7 * SECOND) + "\n");
    ContainerUsage u = only(sampler.sampleNow());
    assertThat(u.getCpuPercentOfHostCore()).isCloseTo(20.0, within(1e-9));
    assertThat(u.getCpuPercentOfLimit())
        .as("20 % of a core = 80 % of 0.25 cores")
        .isCloseTo(80.0, within(1e-9));
  }

  @Test
  void unlimitedCpuHasNoPercentOfLimit() {
    FakeHost h = FakeHost.v2(dir);
    h.container(A, 10);
    targets.add(new UsageTarget(A, 10, 0));
    sampler(h.config()).sampleNow();
    nanoTime.addAndGet(2 * SECOND);
    write(h.v2Dir(A).resolve("cpu.stat"), "usage_usec 6000000\nnr_periods 0\n");
    ContainerUsage u = only(sampler.sampleNow());
    assertThat(u.getSource()).isEqualTo("cgroup-v2");
    assertThat(u.getCpuPercentOfHostCore()).isCloseTo(50.0, within(1e-9));
    assertThat(u.getCpuPercentOfLimit()).isEqualTo(-1);
    assertThat(u.getMemoryLimitBytes()).isEqualTo(-1);
  }

  @Test
  void aRestartedProcessOrACounterGoingBackStartsOver() {
    FakeHost h = FakeHost.v1(dir);
    h.container(A, 10);
    targets.add(new UsageTarget(A, 10, 0));
    sampler(h.config()).sampleNow();

    // Same container, new main process (restart policy): new cgroup counters.
    targets.set(0, new UsageTarget(A, 11, 0));
    h.procFor(A, 11);
    write(h.v1("cpuacct", A).resolve("cpuacct.usage"), (6 * SECOND) + "\n");
    nanoTime.addAndGet(10 * SECOND);
    assertThat(only(sampler.sampleNow()).getCpuPercentOfHostCore()).isEqualTo(-1);

    nanoTime.addAndGet(10 * SECOND);
    write(h.v1("cpuacct", A).resolve("cpuacct.usage"), "1000\n");
    assertThat(only(sampler.sampleNow()).getCpuPercentOfHostCore()).isEqualTo(-1);

    nanoTime.addAndGet(10 * SECOND);
    write(h.v1("cpuacct", A).resolve("cpuacct.usage"), (SECOND + 1000) + "\n");
    assertThat(only(sampler.sampleNow()).getCpuPercentOfHostCore()).isCloseTo(10.0, within(1e-9));
  }

  @Test
  void aContainerThatExitedIsLeftOutQuietly() {
    FakeHost h = FakeHost.v1(dir);
    h.container(A, 10);
    h.container(B, 20);
    targets.add(new UsageTarget(A, 10, 0));
    targets.add(new UsageTarget(B, 20, 0));
    sampler(h.config());
    assertThat(sampler.sampleNow().getContainersCount()).isEqualTo(2);

    // B exits after the listing (it is still a target) but before its files are read.
    h.exit(B, 20);
    UsageBatch b = sampler.sampleNow();
    assertThat(b.getContainersList()).extracting(ContainerUsage::getContainerId).containsExactly(A);
    assertThat(sampler.gone()).isEqualTo(1);
    assertThat(sampler.errors()).isZero();
    assertThat(engine.calls).as("a vanished cgroup needs no Engine call").isEmpty();
  }

  @Test
  void aContainerThatExitedBeforeItWasEverReadAsksTheEngineWhichSaysGone() {
    FakeHost h = FakeHost.v1(dir);
    targets.add(new UsageTarget(A, 10, 0));
    engine.replies.put(A, Reply.GONE);
    UsageBatch b = sampler(h.config()).sampleNow();
    assertThat(b.getContainersCount()).isZero();
    assertThat(engine.calls).containsExactly(List.of(A));
    assertThat(sampler.gone()).isEqualTo(1);
    assertThat(sampler.errors()).isZero();
  }

  @Test
  void forgetsContainersThatAreNoLongerListed() {
    FakeHost h = FakeHost.v1(dir);
    h.container(A, 10);
    targets.add(new UsageTarget(A, 10, 0));
    sampler(h.config()).sampleNow();
    targets.clear();
    nanoTime.addAndGet(10 * SECOND);
    assertThat(sampler.sampleNow().getContainersCount()).isZero();
    targets.add(new UsageTarget(A, 10, 0));
    nanoTime.addAndGet(10 * SECOND);
    write(h.v1("cpuacct", A).resolve("cpuacct.usage"), (6 * SECOND) + "\n");
    assertThat(only(sampler.sampleNow()).getCpuPercentOfHostCore())
        .as("no baseline kept from before it disappeared")
        .isEqualTo(-1);
  }

  @Test
  void withoutACgroupTreeEverythingComesFromTheEngine() {
    UsageConfig config =
        new UsageConfig(Duration.ofSeconds(10), dir.resolve("no-cgroup"), dir.resolve("proc"));
    targets.add(new UsageTarget(A, 10, 2));
    targets.add(new UsageTarget(B, 20, 0));
    engine.replies.put(A, Reply.of(engineUsage(10 * SECOND, 3 * SECOND)));
    engine.replies.put(B, Reply.of(engineUsage(10 * SECOND, SECOND)));
    sampler(config);
    UsageBatch first = sampler.sampleNow();
    assertThat(first.getContainersList())
        .extracting(ContainerUsage::getSource)
        .containsOnly("engine-stats");

    // The Engine's own read times give the interval (here 2 s), not the sampler's clock.
    engine.replies.put(A, Reply.of(engineUsage(12 * SECOND, 5 * SECOND)));
    engine.replies.put(B, Reply.of(engineUsage(12 * SECOND, SECOND)));
    nanoTime.addAndGet(10 * SECOND);
    Map<String, ContainerUsage> byId = new HashMap<>();
    for (ContainerUsage u : sampler.sampleNow().getContainersList()) {
      byId.put(u.getContainerId(), u);
    }
    assertThat(byId.get(A).getCpuPercentOfHostCore()).isCloseTo(100.0, within(1e-9));
    assertThat(byId.get(A).getCpuPercentOfLimit()).isCloseTo(50.0, within(1e-9));
    assertThat(byId.get(A).getOomKills()).isEqualTo(-1);
    assertThat(byId.get(B).getCpuPercentOfHostCore()).isZero();
    assertThat(sampler.fallbacks()).isEqualTo(4);
    assertThat(sampler.errors()).isZero();
  }

  @Test
  void theEngineIsAskedForTheLongestUnsampledFirst() {
    UsageConfig config =
        new UsageConfig(Duration.ofSeconds(10), dir.resolve("no-cgroup"), dir.resolve("proc"));
    targets.add(new UsageTarget(A, 10, 0));
    targets.add(new UsageTarget(B, 20, 0));
    // The budget only let A be read: next round B (never sampled) goes first.
    engine.replies.put(A, Reply.of(engineUsage(10 * SECOND, SECOND)));
    sampler(config).sampleNow();
    assertThat(sampler.errors()).as("B not read in time").isEqualTo(1);
    nanoTime.addAndGet(10 * SECOND);
    sampler.sampleNow();
    assertThat(engine.calls.get(1)).containsExactly(B, A);
  }

  @Test
  void anUnreadableCgroupIsAnErrorAndTheEngineStandsIn() throws Exception {
    FakeHost h = FakeHost.v1(dir);
    h.container(A, 10);
    // A file that exists but can't be read as one.
    Path usage = h.v1("memory", A).resolve("memory.usage_in_bytes");
    Files.delete(usage);
    Files.createDirectory(usage);
    targets.add(new UsageTarget(A, 10, 0));
    engine.replies.put(A, Reply.of(engineUsage(10 * SECOND, SECOND)));
    ContainerUsage u = only(sampler(h.config()).sampleNow());
    assertThat(u.getSource()).isEqualTo("engine-stats");
    assertThat(sampler.errors()).isEqualTo(1);
    assertThat(sampler.fallbacks()).isEqualTo(1);
  }

  @Test
  void engineFailuresAreCounted() {
    FakeHost h = FakeHost.v1(dir);
    targets.add(new UsageTarget(A, 10, 0));
    engine.replies.put(A, Reply.failed("Engine stats API: SocketException: Connection refused"));
    sampler(h.config());
    assertThat(sampler.sampleNow().getContainersCount()).isZero();
    assertThat(sampler.sampleNow().getContainersCount()).isZero();
    assertThat(sampler.errors()).isEqualTo(2);
    assertThat(sampler.gone()).isZero();
  }

  @Test
  void withoutAnEngineAnUnreadableContainerIsLeftOut() {
    FakeHost h = FakeHost.v1(dir);
    h.container(B, 20);
    targets.add(new UsageTarget(A, 10, 0));
    targets.add(new UsageTarget(B, 20, 0));
    sampler =
        new UsageSampler(
            h.config(),
            () -> List.copyOf(targets),
            batches::add,
            null,
            Clock.systemUTC(),
            nanoTime::get);
    UsageBatch b = sampler.sampleNow();
    assertThat(b.getContainersList()).extracting(ContainerUsage::getContainerId).containsExactly(B);
    assertThat(sampler.errors()).isEqualTo(1);
  }

  @Test
  void noContainersStillMakesABatch() {
    UsageBatch b = sampler(FakeHost.v1(dir).config()).sampleNow();
    assertThat(b.getContainersCount()).isZero();
    assertThat(b.getTimeUnixNanos()).isEqualTo(Times.toUnixNanos(NOW));
    assertThat(sampler.rounds()).isEqualTo(1);
  }

  @Test
  void aFailingListOfTargetsSkipsTheRound() {
    AtomicInteger calls = new AtomicInteger();
    sampler =
        new UsageSampler(
            FakeHost.v1(dir).config(),
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("registry not ready");
              }
              return List.of();
            },
            batches::add,
            engine,
            Clock.systemUTC(),
            nanoTime::get);
    assertThat(sampler.sampleNow()).isNull();
    assertThat(sampler.errors()).isEqualTo(1);
    assertThat(sampler.sampleNow()).isNotNull();
    assertThat(batches).hasSize(1);
  }

  @Test
  void runsOnItsOwnThreadEveryIntervalUntilClosed() {
    FakeHost h = FakeHost.v1(dir);
    h.container(A, 10);
    targets.add(new UsageTarget(A, 10, 0));
    List<String> threads = new CopyOnWriteArrayList<>();
    AtomicInteger handed = new AtomicInteger();
    sampler =
        new UsageSampler(
            new UsageConfig(Duration.ofMillis(20), h.cgroup, h.proc),
            () -> List.copyOf(targets),
            b -> {
              threads.add(Thread.currentThread().getName());
              if (handed.incrementAndGet() == 1) {
                throw new IllegalStateException("outbox hiccup");
              }
              batches.add(b);
            },
            engine,
            Clock.systemUTC(),
            System::nanoTime);
    sampler.start();
    sampler.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() >= 3);
    assertThat(threads).containsOnly("swarmwatch-usage");
    assertThat(sampler.errors()).as("the failed hand-over").isEqualTo(1);

    sampler.close();
    sampler.close();
    int after = handed.get();
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(2))
        .until(() -> handed.get() == after);
  }

  /** An Engine reading taken at {@code read} (Engine time) with this much CPU used. */
  private static RawUsage engineUsage(long read, long cpu) {
    return new RawUsage("engine-stats", read, cpu, 10, 0, 0, 64 * MIB, 60 * MIB, -1, -1, 2, 0);
  }

  private static final class FakeEngine implements EngineStats {
    final Map<String, Reply> replies = new HashMap<>();
    final List<List<String>> calls = new ArrayList<>();

    @Override
    public Map<String, Reply> read(List<String> ids, Duration budget) {
      calls.add(List.copyOf(ids));
      Map<String, Reply> out = new HashMap<>();
      for (String id : ids) {
        if (replies.containsKey(id)) {
          out.put(id, replies.get(id));
        }
      }
      return out;
    }
  }
}
