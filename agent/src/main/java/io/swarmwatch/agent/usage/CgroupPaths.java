package io.swarmwatch.agent.usage;

import java.nio.file.Path;

/**
 * The files of one container's cgroup, resolved once when the container is first located and reused
 * every interval. A {@code null} file belongs to a controller that is not mounted.
 */
sealed interface CgroupPaths {

  /** The directory whose disappearance means the container is gone. */
  Path dir();

  /** cgroup v1: one directory per controller (cpu and cpuacct may be the same one). */
  record V1(
      Path dir,
      Path cpuacctUsage,
      Path cpuStat,
      Path cfsQuota,
      Path cfsPeriod,
      Path memoryUsage,
      Path memoryStat,
      Path memoryLimit,
      Path oomControl,
      Path pidsCurrent)
      implements CgroupPaths {

    /**
     * @param memory the memory controller's directory (required)
     * @param cpuacct the cpuacct controller's directory (required)
     * @param cpu the cpu controller's directory, or null
     * @param pids the pids controller's directory, or null
     */
    static V1 of(Path memory, Path cpuacct, Path cpu, Path pids) {
      return new V1(
          memory,
          cpuacct.resolve("cpuacct.usage"),
          cpu == null ? null : cpu.resolve("cpu.stat"),
          cpu == null ? null : cpu.resolve("cpu.cfs_quota_us"),
          cpu == null ? null : cpu.resolve("cpu.cfs_period_us"),
          memory.resolve("memory.usage_in_bytes"),
          memory.resolve("memory.stat"),
          memory.resolve("memory.limit_in_bytes"),
          memory.resolve("memory.oom_control"),
          pids == null ? null : pids.resolve("pids.current"));
    }
  }

  /** cgroup v2: one directory holds every controller's files. */
  record V2(
      Path dir,
      Path cpuStat,
      Path cpuMax,
      Path memoryCurrent,
      Path memoryStat,
      Path memoryMax,
      Path memoryEvents,
      Path pidsCurrent)
      implements CgroupPaths {

    static V2 of(Path dir) {
      return new V2(
          dir,
          dir.resolve("cpu.stat"),
          dir.resolve("cpu.max"),
          dir.resolve("memory.current"),
          dir.resolve("memory.stat"),
          dir.resolve("memory.max"),
          dir.resolve("memory.events"),
          dir.resolve("pids.current"));
    }
  }
}
