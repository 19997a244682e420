package io.swarmwatch.agent.usage;

import io.swarmwatch.proto.v1.ContainerUsage;

/**
 * What the sampler remembers of one listed container between rounds: where its cgroup is, the
 * previous CPU reading (the baseline of the next percentage), and whether it was warned about.
 * Forgotten when the container is no longer listed. Sampling thread only.
 */
final class Tracked {
  long generation;
  long pid = Long.MIN_VALUE;

  /** Null until located, and again after a read failed (located anew next round). */
  CgroupPaths paths;

  /** The cgroup was looked for and not found. */
  boolean unlocated;

  boolean warned;

  /** Monotonic time of the last sample from any source; MIN_VALUE if never sampled. */
  long lastSampledNanos = Long.MIN_VALUE;

  private String lastSource;
  private long lastCpu = -1;
  private long lastAt;

  /** The main process changed (a restart): maybe a new cgroup, certainly a new CPU counter. */
  void newProcess(long pid) {
    this.pid = pid;
    paths = null;
    forgetCpu();
  }

  /** The next sample has no baseline to compare with. */
  void forgetCpu() {
    lastCpu = -1;
  }

  /**
   * The reading as sent, with CPU percentages over the time since this container's previous reading
   * from the same source (-1 if there is none, or the counter went backwards); then this reading
   * becomes the baseline.
   *
   * @param nowNanos the sampler's monotonic time
   */
  ContainerUsage sample(UsageTarget t, RawUsage raw, long nowNanos) {
    double ofCore = -1;
    if (raw.source().equals(lastSource)
        && lastCpu >= 0
        && raw.cpuUsageNanos() >= lastCpu
        && raw.atNanos() > lastAt) {
      ofCore = (raw.cpuUsageNanos() - lastCpu) * 100.0 / (raw.atNanos() - lastAt);
    }
    double cores = t.cpuLimitCores() > 0 ? t.cpuLimitCores() : raw.cpuQuotaCores();
    double ofLimit = ofCore >= 0 && cores > 0 ? ofCore / cores : -1;
    lastSource = raw.source();
    lastCpu = raw.cpuUsageNanos();
    lastAt = raw.atNanos();
    lastSampledNanos = nowNanos;
    return ContainerUsage.newBuilder()
        .setContainerId(t.containerId())
        .setSource(raw.source())
        .setCpuUsageNanos(raw.cpuUsageNanos())
        .setCpuPercentOfHostCore(ofCore)
        .setCpuPercentOfLimit(ofLimit)
        .setCpuPeriods(raw.cpuPeriods())
        .setCpuThrottledPeriods(raw.cpuThrottledPeriods())
        .setCpuThrottledNanos(raw.cpuThrottledNanos())
        .setMemoryUsageBytes(raw.memoryUsageBytes())
        .setMemoryWorkingSetBytes(raw.memoryWorkingSetBytes())
        .setMemoryLimitBytes(raw.memoryLimitBytes())
        .setOomKills(raw.oomKills())
        .setPids(raw.pids())
        .build();
  }
}
