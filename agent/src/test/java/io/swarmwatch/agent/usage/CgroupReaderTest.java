package io.swarmwatch.agent.usage;

import static io.swarmwatch.agent.usage.FakeHost.MIB;
import static io.swarmwatch.agent.usage.FakeHost.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupReaderTest {
  static final String ID = "c0ffee" + "0".repeat(58);

  @TempDir Path dir;
  private final CgroupReader reader = new CgroupReader(() -> 777L);

  private RawUsage read(FakeHost h, long pid) throws IOException {
    CgroupPaths p = new CgroupLocator(h.cgroup, h.proc).locate(ID, pid);
    assertThat(p).as("located").isNotNull();
    return reader.read(p);
  }

  @Test
  void v1EveryField() throws IOException {
    FakeHost h = FakeHost.v1(dir);
    h.container(ID, 1);
    write(h.v1("cpuacct", ID).resolve("cpuacct.usage"), "24184312\n");
    write(
        h.v1("cpu", ID).resolve("cpu.stat"),
        "nr_periods 294\nnr_throttled 20\nthrottled_time 319154808\nnr_bursts 0\nburst_time 0\n");
    write(h.v1("cpu", ID).resolve("cpu.cfs_quota_us"), "50000\n");
    write(h.v1("memory", ID).resolve("memory.usage_in_bytes"), "790528\n");
    write(h.v1("memory", ID).resolve("memory.stat"), FakeHost.v1MemoryStat(200704, true));
    write(h.v1("memory", ID).resolve("memory.limit_in_bytes"), "67108864\n");
    write(
        h.v1("memory", ID).resolve("memory.oom_control"),
        "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    write(h.v1("pids", ID).resolve("pids.current"), "2\n");

    RawUsage u = read(h, 1);

    assertThat(u)
        .isEqualTo(
            new RawUsage(
                "cgroup-v1",
                777L,
                24184312L,
                294,
                20,
                319154808L,
                790528,
                790528 - 200704,
                64 * MIB,
                2,
                2,
                0.5));
  }

  @Test
  void v1Unlimited() throws IOException {
    FakeHost h = FakeHost.v1(dir);
    h.container(ID, 1);
    RawUsage u = read(h, 1);
    assertThat(u.memoryLimitBytes()).as("9223372036854771712 = no limit").isEqualTo(-1);
    assertThat(u.cpuQuotaCores()).as("cfs_quota_us -1 = no quota").isZero();
    assertThat(u.memoryUsageBytes()).isEqualTo(100 * MIB);
    assertThat(u.memoryWorkingSetBytes()).isEqualTo(70 * MIB);
    assertThat(u.cpuUsageNanos()).isEqualTo(5_000_000_000L);
    assertThat(u.pids()).isEqualTo(3);
    assertThat(u.oomKills()).isZero();
  }

  @Test
  void v1KernelWithoutOomKillCounter() throws IOException {
    FakeHost h = FakeHost.v1(dir);
    h.container(ID, 1);
    // Before 4.13 memory.oom_control has only these two lines.
    write(h.v1("memory", ID).resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\n");
    assertThat(read(h, 1).oomKills()).isEqualTo(-1);
  }

  @Test
  void v1PrefersHierarchicalInactiveFileAndFallsBackToOwn() throws IOException {
    FakeHost h = FakeHost.v1(dir);
    h.container(ID, 1);
    // Hierarchical total (30 MiB) wins over the cgroup's own inactive_file (1 byte).
    assertThat(read(h, 1).memoryWorkingSetBytes()).isEqualTo(70 * MIB);
    write(h.v1("memory", ID).resolve("memory.stat"), FakeHost.v1MemoryStat(10 * MIB, false));
    assertThat(read(h, 1).memoryWorkingSetBytes()).isEqualTo(90 * MIB);
  }

  @Test
  void workingSetIsUsageWhenTheCacheIsNotSmaller() throws IOException {
    FakeHost h = FakeHost.v1(dir);
    h.container(ID, 1);
    write(h.v1("memory", ID).resolve("memory.stat"), FakeHost.v1MemoryStat(200 * MIB, true));
    assertThat(read(h, 1).memoryWorkingSetBytes()).isEqualTo(100 * MIB);
    assertThat(RawUsage.workingSet(100, 100)).isEqualTo(100);
    assertThat(RawUsage.workingSet(100, 99)).isEqualTo(1);
    assertThat(RawUsage.workingSet(100, -1)).isEqualTo(100);
    assertThat(RawUsage.workingSet(-1, 5)).isEqualTo(-1);
  }

  @Test
  void v1WithoutCpuAndPidsControllers() throws IOException {
    FakeHost h = FakeHost.v1(dir);
    h.container(ID, 1);
    FakeHost.delete(h.cgroup.resolve("cpu"));
    FakeHost.delete(h.cgroup.resolve("pids"));
    RawUsage u = read(h, 1);
    assertThat(u.cpuPeriods()).isEqualTo(-1);
    assertThat(u.cpuThrottledPeriods()).isEqualTo(-1);
    assertThat(u.cpuThrottledNanos()).isEqualTo(-1);
    assertThat(u.pids()).isEqualTo(-1);
    assertThat(u.cpuQuotaCores()).isZero();
    assertThat(u.cpuUsageNanos()).isEqualTo(5_000_000_000L);
  }

  @Test
  void v2EveryField() throws IOException {
    FakeHost h = FakeHost.v2(dir);
    h.container(ID, 1);
    Path d = h.v2Dir(ID);
    write(
        d.resolve("cpu.stat"),
        "usage_usec 1234567\nuser_usec 1000000\nsystem_usec 234567\nnr_periods 400\n"
            + "nr_throttled 37\nthrottled_usec 659744\nnr_bursts 0\nburst_usec 0\n");
    write(d.resolve("cpu.max"), "150000 100000\n");
    write(d.resolve("memory.current"), "52428800\n");
    write(d.resolve("memory.stat"), FakeHost.v2MemoryStat(2 * MIB));
    write(d.resolve("memory.max"), "67108864\n");
    write(
        d.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 3\noom_kill 3\noom_group_kill 0\n");
    write(d.resolve("pids.current"), "5\n");

    assertThat(read(h, 1))
        .isEqualTo(
            new RawUsage(
                "cgroup-v2",
                777L,
                1_234_567_000L,
                400,
                37,
                659_744_000L,
                50 * MIB,
                48 * MIB,
                64 * MIB,
                3,
                5,
                1.5));
  }

  @Test
  void v2Unlimited() throws IOException {
    FakeHost h = FakeHost.v2(dir);
    h.container(ID, 1);
    RawUsage u = read(h, 1);
    assertThat(u.source()).isEqualTo("cgroup-v2");
    assertThat(u.memoryLimitBytes()).as("memory.max 'max'").isEqualTo(-1);
    assertThat(u.cpuQuotaCores()).as("cpu.max 'max 100000'").isZero();
    assertThat(u.memoryWorkingSetBytes()).isEqualTo(70 * MIB);
    assertThat(u.oomKills()).isZero();
  }

  @Test
  void v2WithoutCpuControllerHasOnlyTheUsage() throws IOException {
    FakeHost h = FakeHost.v2(dir);
    h.container(ID, 1);
    Path d = h.v2Dir(ID);
    write(d.resolve("cpu.stat"), "usage_usec 10\nuser_usec 6\nsystem_usec 4\n");
    Files.delete(d.resolve("cpu.max"));
    Files.delete(d.resolve("pids.current"));
    RawUsage u = read(h, 1);
    assertThat(u.cpuUsageNanos()).isEqualTo(10_000);
    assertThat(u.cpuPeriods()).isEqualTo(-1);
    assertThat(u.cpuThrottledPeriods()).isEqualTo(-1);
    assertThat(u.cpuThrottledNanos()).isEqualTo(-1);
    assertThat(u.cpuQuotaCores()).isZero();
    assertThat(u.pids()).isEqualTo(-1);
  }

  @Test
  void vanishedCgroupReadsAsGone() throws IOException {
    for (FakeHost h :
        new FakeHost[] {FakeHost.v1(dir.resolve("1")), FakeHost.v2(dir.resolve("2"))}) {
      h.container(ID, 1);
      CgroupPaths p = new CgroupLocator(h.cgroup, h.proc).locate(ID, 1);
      h.exit(ID, 1);
      assertThat(reader.read(p)).as(h.v2 ? "v2" : "v1").isNull();
    }
  }

  @Test
  void aMissingRequiredFileInALiveCgroupIsAnError() {
    FakeHost h = FakeHost.v1(dir);
    h.container(ID, 1);
    CgroupPaths p = new CgroupLocator(h.cgroup, h.proc).locate(ID, 1);
    FakeHost.delete(h.v1("cpuacct", ID).resolve("cpuacct.usage"));
    assertThatThrownBy(() -> reader.read(p)).isInstanceOf(IOException.class);
  }
}
