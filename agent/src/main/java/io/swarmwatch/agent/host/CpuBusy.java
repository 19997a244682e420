package io.swarmwatch.agent.host;

import oshi.hardware.CentralProcessor.TickType;

/**
 * CPU busy percentage between two readings of the host's aggregate CPU ticks (OSHI's {@code
 * getSystemCpuLoadTicks()}: the first line of {@code /proc/stat}, in milliseconds, indexed by
 * {@link TickType}).
 *
 * <p>Busy is everything but idle and iowait, as {@code top} counts it: steal (time a hypervisor
 * gave the vCPU to someone else) counts as busy, since the node could not use it. Guest time is
 * already inside user and nice in the kernel's accounting and is not added again. A counter that
 * went backwards contributes nothing: the kernel documents that iowait can decrease.
 */
final class CpuBusy {
  /** Returned when no CPU time passed between the two readings. */
  static final double UNKNOWN = -1;

  private static final TickType[] TYPES = TickType.values();

  private CpuBusy() {}

  /** 0..100, where 100 means every core busy for the whole interval; or {@link #UNKNOWN}. */
  static double percent(long[] previous, long[] current) {
    long total = 0;
    long idle = 0;
    for (TickType t : TYPES) {
      long d = Math.max(0, current[t.getIndex()] - previous[t.getIndex()]);
      total += d;
      if (t == TickType.IDLE || t == TickType.IOWAIT) {
        idle += d;
      }
    }
    return total == 0 ? UNKNOWN : 100.0 * (total - idle) / total;
  }
}
