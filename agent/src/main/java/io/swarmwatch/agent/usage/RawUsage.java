package io.swarmwatch.agent.usage;

/**
 * What one source read for one container, before rates: the cumulative counters and gauges of
 * {@code ContainerUsage}. -1 means "not available from this source".
 *
 * @param source {@code cgroup-v1}, {@code cgroup-v2} or {@code engine-stats}
 * @param atNanos when the CPU counter was read, on the source's own time base (the sampler's
 *     monotonic clock for cgroup files, the Engine's unix time for its stats): only differences
 *     between two readings of one source mean anything
 * @param cpuQuotaCores the CFS quota found in the cgroup ({@code quota / period}); 0 if none
 */
record RawUsage(
    String source,
    long atNanos,
    long cpuUsageNanos,
    long cpuPeriods,
    long cpuThrottledPeriods,
    long cpuThrottledNanos,
    long memoryUsageBytes,
    long memoryWorkingSetBytes,
    long memoryLimitBytes,
    long oomKills,
    long pids,
    double cpuQuotaCores) {

  static final String CGROUP_V1 = "cgroup-v1";
  static final String CGROUP_V2 = "cgroup-v2";
  static final String ENGINE = "engine-stats";

  /**
   * Usage minus inactive file cache, the way {@code docker stats} computes it: the cache is only
   * subtracted when it is smaller than the usage (otherwise the usage is shown as is).
   */
  static long workingSet(long usage, long inactiveFile) {
    if (usage < 0) {
      return -1;
    }
    return inactiveFile >= 0 && inactiveFile < usage ? usage - inactiveFile : usage;
  }

  /** Cores a CFS quota allows; 0 when there is no quota ({@code -1} or {@code max}). */
  static double cores(long quota, long period) {
    return quota > 0 && quota != CgroupFiles.MAX && period > 0 ? (double) quota / period : 0;
  }
}
