package io.swarmwatch.agent.host;

import io.swarmwatch.proto.v1.HostSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.VirtualMemory;
import oshi.software.os.OperatingSystem;

/**
 * Samples the host: CPU, memory, swap and uptime through OSHI (pointed at {@link
 * HostConfig#procRoot()} and {@link HostConfig#sysRoot()}); load averages from {@code
 * <procRoot>/loadavg} directly, because OSHI 6.12.0 takes them from libc's {@code getloadavg(3)},
 * which reads the agent's own {@code /proc/loadavg} whatever {@code oshi.util.proc.path} says (only
 * if that call fails does it read the configured path); filesystems and network interfaces through
 * {@link Filesystems} and {@link Interfaces}, which read the same sources OSHI would but see the
 * host's mounts and links from inside a container.
 *
 * <p>CPU percent covers the interval since the previous {@link #sample()}, or since {@link #create}
 * for the first one, so the first sample of a scheduler that waits one period is already a real
 * value. It is {@code -1} when no CPU time has passed since then (two calls within OSHI's 300 ms
 * cache of {@code /proc/stat}, or within one clock tick). 100 means every core busy.
 *
 * <p>What cannot be read comes through as OSHI's fallback: 0 for memory and swap, -1 for load
 * averages. The logical CPU count is the host's (from sysRoot's CPU topology, else procRoot's
 * cpuinfo), not the agent's cgroup limit, and is read once, at {@link #create}.
 *
 * <p>Cost: one call reads six small files under procRoot through OSHI (stat, meminfo twice, uptime)
 * plus loadavg and the mount table, makes one stat and one statvfs per reported filesystem and
 * reads five small files per reported interface. Measured on a 2-core VM with 3 filesystems and 1
 * interface, each call after OSHI's cache expired (as at a 10 s interval): 2-3 ms and about 200 KB
 * allocated, three quarters of it in OSHI's line parsing (see {@code
 * HostSamplerTest#oneSampleIsCheap}). Nothing expensive in OSHI is touched: no process list, USB,
 * sensors, disks, or {@code lsblk}.
 *
 * <p>Thread-safe ({@link #sample()} is synchronized); meant to be called from one scheduler thread.
 * Holds no resources that need closing.
 */
public final class HostSampler {
  private static final Logger log = LoggerFactory.getLogger(HostSampler.class);

  private final Clock clock;
  private final Path loadavg;
  private final CentralProcessor cpu;
  private final GlobalMemory memory;
  private final VirtualMemory swap;
  private final OperatingSystem os;
  private final Filesystems filesystems;
  private final Interfaces interfaces;
  private final int cpus;
  private long[] previousTicks;
  private boolean warnedLoad;

  private HostSampler(HostConfig config, Clock clock, SystemInfo si) {
    this.clock = clock;
    this.loadavg = config.procRoot().resolve("loadavg");
    this.cpu = si.getHardware().getProcessor();
    this.memory = si.getHardware().getMemory();
    this.swap = memory.getVirtualMemory();
    this.os = si.getOperatingSystem();
    this.filesystems = new Filesystems(config.procRoot(), config.rootFs());
    this.interfaces = new Interfaces(config.sysRoot());
    this.cpus = cpu.getLogicalProcessorCount();
    this.previousTicks = cpu.getSystemCpuLoadTicks();
  }

  /**
   * Points OSHI at the configured roots and reads the CPU topology (a few ms, once). Must run
   * before anything else in the process uses OSHI: see {@link OshiPaths}.
   *
   * @throws io.swarmwatch.common.ConfigException if procRoot or sysRoot is not a directory
   * @throws IllegalStateException if OSHI was already initialized with other paths
   */
  public static HostSampler create(HostConfig config, Clock clock) {
    OshiPaths.apply(config);
    if (config.remapped() && config.rootFs().equals(HostConfig.DEFAULT_ROOT_FS)) {
      log.warn(
          "reading the host's /proc at {} but no host root filesystem is configured: filesystem"
              + " sizes will be those of the agent's own mount namespace, not the host's",
          config.procRoot());
    }
    return new HostSampler(config, clock, new SystemInfo());
  }

  /**
   * Blocking: a few milliseconds, but as long as statvfs takes on a hung local device, so call it
   * from a thread of its own. Never returns null.
   */
  public synchronized HostSample sample() {
    Instant now = clock.instant();
    long[] ticks = cpu.getSystemCpuLoadTicks();
    double cpuPercent = CpuBusy.percent(previousTicks, ticks);
    previousTicks = ticks;
    double[] load = loadAverages();
    HostSample.Builder b =
        HostSample.newBuilder()
            .setTimeUnixNanos(now.getEpochSecond() * 1_000_000_000L + now.getNano())
            .setCpus(cpus)
            .setCpuPercent(cpuPercent)
            .setLoad1(load[0])
            .setLoad5(load[1])
            .setLoad15(load[2])
            .setMemoryTotalBytes(memory.getTotal())
            .setMemoryAvailableBytes(memory.getAvailable())
            .setSwapTotalBytes(swap.getSwapTotal())
            .setSwapUsedBytes(swap.getSwapUsed())
            .setUptimeSeconds(os.getSystemUptime());
    filesystems.addTo(b);
    interfaces.addTo(b);
    return b.build();
  }

  /** {@code 0.52 0.58 0.59 2/1234 5678}: the first three fields; -1 each if unreadable. */
  private double[] loadAverages() {
    double[] load = {-1, -1, -1};
    try {
      String[] f = Files.readString(loadavg).trim().split(" ", 4);
      for (int i = 0; i < 3 && i < f.length; i++) {
        load[i] = Double.parseDouble(f[i]);
      }
    } catch (IOException | NumberFormatException e) {
      if (!warnedLoad) {
        warnedLoad = true;
        log.warn("cannot read load averages from {}: {}", loadavg, e.toString());
      }
    }
    return load;
  }
}
