package io.swarmwatch.agent.usage;

import static io.swarmwatch.agent.usage.CgroupFiles.ABSENT;
import static io.swarmwatch.agent.usage.CgroupFiles.MAX;
import static io.swarmwatch.agent.usage.CgroupFiles.key;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Reads one container's usage from its cgroup files, v1 or v2.
 *
 * <p>The CPU counter is read last, so a container that dies while it is being read fails on that
 * read and is reported as gone rather than with half its fields missing. Files of a controller that
 * isn't mounted or enabled give -1 for their fields.
 *
 * <p>Not thread-safe (one reused read buffer): the sampler's thread only.
 */
final class CgroupReader {
  /**
   * v1 reports "no limit" as the largest page-aligned long (9223372036854771712 with 4 KiB pages,
   * less with larger pages); no real limit comes near 4 EiB.
   */
  static final long V1_UNLIMITED = 1L << 62;

  private static final byte[] NR_PERIODS = key("nr_periods");
  private static final byte[] NR_THROTTLED = key("nr_throttled");
  private static final byte[] THROTTLED_TIME = key("throttled_time");
  private static final byte[] THROTTLED_USEC = key("throttled_usec");
  private static final byte[] USAGE_USEC = key("usage_usec");
  private static final byte[] TOTAL_INACTIVE_FILE = key("total_inactive_file");
  private static final byte[] INACTIVE_FILE = key("inactive_file");
  private static final byte[] OOM_KILL = key("oom_kill");

  private final CgroupFiles f = new CgroupFiles();
  private final LongSupplier nanoTime;

  /**
   * @param nanoTime the monotonic clock that stamps each CPU reading
   */
  CgroupReader(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /**
   * @return the reading, or null if the cgroup is gone (the container just exited)
   * @throws IOException if the files exist but can't be read, or a required one is missing
   */
  RawUsage read(CgroupPaths p) throws IOException {
    try {
      return p instanceof CgroupPaths.V1 v1 ? readV1(v1) : readV2((CgroupPaths.V2) p);
    } catch (NoSuchFileException e) {
      if (!Files.isDirectory(p.dir())) {
        return null;
      }
      throw e;
    }
  }

  private RawUsage readV1(CgroupPaths.V1 p) throws IOException {
    long usage = f.load(p.memoryUsage()).first();
    f.load(p.memoryStat());
    long inactive = f.keyed(TOTAL_INACTIVE_FILE);
    if (inactive == ABSENT) {
      // Without hierarchy accounting only the cgroup's own counter is there.
      inactive = f.keyed(INACTIVE_FILE);
    }
    long limit = f.load(p.memoryLimit()).first();
    if (limit >= V1_UNLIMITED) {
      limit = -1;
    }
    // oom_kill is counted from kernel 4.13 on; older kernels have only the first two lines.
    long oomKills = optional(p.oomControl()) ? f.keyed(OOM_KILL) : ABSENT;
    long pids = optional(p.pidsCurrent()) ? f.first() : ABSENT;
    long periods = ABSENT;
    long throttled = ABSENT;
    long throttledNanos = ABSENT;
    if (optional(p.cpuStat())) {
      periods = f.keyed(NR_PERIODS);
      throttled = f.keyed(NR_THROTTLED);
      throttledNanos = f.keyed(THROTTLED_TIME);
    }
    double quotaCores = 0;
    if (optional(p.cfsQuota())) {
      long quota = f.first();
      if (quota > 0 && optional(p.cfsPeriod())) {
        quotaCores = RawUsage.cores(quota, f.first());
      }
    }
    long at = nanoTime.getAsLong();
    long cpu = f.load(p.cpuacctUsage()).first();
    return new RawUsage(
        RawUsage.CGROUP_V1,
        at,
        cpu,
        periods,
        throttled,
        throttledNanos,
        usage,
        RawUsage.workingSet(usage, inactive),
        limit,
        oomKills,
        pids,
        quotaCores);
  }

  private RawUsage readV2(CgroupPaths.V2 p) throws IOException {
    long usage = f.load(p.memoryCurrent()).first();
    long inactive = optional(p.memoryStat()) ? f.keyed(INACTIVE_FILE) : ABSENT;
    long limit = optional(p.memoryMax()) ? f.first() : ABSENT;
    if (limit == MAX) {
      limit = -1;
    }
    long oomKills = optional(p.memoryEvents()) ? f.keyed(OOM_KILL) : ABSENT;
    long pids = optional(p.pidsCurrent()) ? f.first() : ABSENT;
    double quotaCores = optional(p.cpuMax()) ? RawUsage.cores(f.first(), f.second()) : 0;
    long at = nanoTime.getAsLong();
    // usage_usec is always there; the nr_* lines only when the cpu controller is enabled.
    f.load(p.cpuStat());
    long cpuMicros = f.keyed(USAGE_USEC);
    if (cpuMicros == ABSENT) {
      throw new IOException(p.cpuStat() + " has no usage_usec line: " + f.text().strip());
    }
    return new RawUsage(
        RawUsage.CGROUP_V2,
        at,
        microsToNanos(cpuMicros),
        f.keyed(NR_PERIODS),
        f.keyed(NR_THROTTLED),
        microsToNanos(f.keyed(THROTTLED_USEC)),
        usage,
        RawUsage.workingSet(usage, inactive),
        limit,
        oomKills,
        pids,
        quotaCores);
  }

  private static long microsToNanos(long micros) {
    return micros < 0 ? micros : Math.multiplyExact(micros, 1000L);
  }

  /** Loads a file that may legitimately be absent; false (and nothing loaded) if it is. */
  private boolean optional(Path file) throws IOException {
    if (file == null) {
      return false;
    }
    try {
      f.load(file);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }
}
