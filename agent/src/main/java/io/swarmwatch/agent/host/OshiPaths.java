package io.swarmwatch.agent.host;

import io.swarmwatch.common.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import oshi.util.GlobalConfig;
import oshi.util.linux.ProcPath;
import oshi.util.linux.SysPath;

/**
 * Points OSHI at the host's {@code /proc} and {@code /sys}.
 *
 * <p>OSHI's configuration is process-global and is read once, in static initializers: {@code
 * ProcPath} and {@code SysPath} turn {@code oshi.util.proc.path} / {@code oshi.util.sys.path} into
 * constants the first time either class is touched, and {@code LinuxOperatingSystemJNA} reads
 * {@code oshi.os.linux.allowudev} the same way. So {@link #apply} must run before anything in the
 * process uses OSHI (any {@code new SystemInfo()}); afterwards {@code GlobalConfig.set} is silently
 * ignored. {@link #apply} checks that its values took effect and throws if OSHI was initialized
 * first.
 *
 * <p>Keys (OSHI 6.12.0, {@code oshi.util.GlobalConfig}; also settable as {@code -D} system
 * properties, which OSHI copies at its own initialization):
 *
 * <ul>
 *   <li>{@code oshi.util.proc.path}: every {@code /proc} file OSHI reads ({@code stat}, {@code
 *       meminfo}, {@code vmstat}, {@code loadavg}, {@code uptime}, {@code cpuinfo}, {@code mounts},
 *       {@code self/auxv}, ...). The path must exist, else OSHI fails its class initialization.
 *   <li>{@code oshi.util.sys.path}: the {@code /sys} files OSHI reads directly (CPU topology under
 *       {@code devices/system/cpu}, {@code class/net}, ...). It does not reach what OSHI asks
 *       libudev for: libudev always reads the real {@code /sys}.
 *   <li>{@code oshi.os.linux.allowudev=false}: so that OSHI takes the CPU topology (the logical
 *       processor count) from {@code sysRoot}, falling back to {@code <procRoot>/cpuinfo}, instead
 *       of from libudev.
 * </ul>
 *
 * {@code oshi.util.dev.path} (for {@code /dev}) exists too; it only matters to OSHI's file-store
 * and disk code, which the sampler does not use.
 */
final class OshiPaths {
  private static HostConfig applied;

  private OshiPaths() {}

  /**
   * Idempotent for the same roots.
   *
   * @throws ConfigException if a root is not a directory
   * @throws IllegalStateException if OSHI was already initialized with other paths (by an earlier
   *     call with other roots, or by code that used OSHI first)
   */
  static synchronized void apply(HostConfig config) {
    requireDirectory(config.procRoot(), "the host's /proc");
    requireDirectory(config.sysRoot(), "the host's /sys");
    if (applied != null) {
      if (!sameOshiRoots(applied, config)) {
        throw new IllegalStateException(
            "OSHI is already set to "
                + applied.procRoot()
                + " and "
                + applied.sysRoot()
                + "; it cannot be pointed at "
                + config.procRoot()
                + " and "
                + config.sysRoot()
                + " in the same process");
      }
      return;
    }
    GlobalConfig.set(GlobalConfig.OSHI_UTIL_PROC_PATH, config.procRoot().toString());
    GlobalConfig.set(GlobalConfig.OSHI_UTIL_SYS_PATH, config.sysRoot().toString());
    GlobalConfig.set(GlobalConfig.OSHI_OS_LINUX_ALLOWUDEV, false);
    // Reading the constants runs the static initializers now, with the values just set, unless
    // something ran them before us: then they hold whatever was configured at that time.
    if (!ProcPath.PROC.equals(oshiForm(config.procRoot(), ""))
        || !SysPath.SYS.equals(oshiForm(config.sysRoot(), "/"))) {
      throw new IllegalStateException(
          "OSHI was initialized before its paths were set (it reads "
              + ProcPath.PROC
              + " and "
              + SysPath.SYS
              + "): create the HostSampler before anything else uses OSHI");
    }
    applied = config;
  }

  private static boolean sameOshiRoots(HostConfig a, HostConfig b) {
    return a.procRoot().equals(b.procRoot()) && a.sysRoot().equals(b.sysRoot());
  }

  /** The form OSHI gives a configured path: one leading slash, none trailing, plus a suffix. */
  private static String oshiForm(Path root, String suffix) {
    String s = root.toString().replaceAll("/$|^/", "");
    return "/" + s + suffix;
  }

  private static void requireDirectory(Path p, String what) {
    if (!Files.isDirectory(p)) {
      throw new ConfigException(what + " is not at " + p + " (mount it read-only there)");
    }
  }
}
