package io.swarmwatch.agent.usage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the agent samples container usage.
 *
 * @param interval time between two sampling rounds; CPU percentages cover this interval. Default 10
 *     s.
 * @param cgroupRoot the host's cgroup tree. Default {@code /sys/fs/cgroup}; an agent in a container
 *     needs the host's mounted (read-only), e.g. at {@code /host/sys/fs/cgroup}. When no cgroup
 *     tree is found there, every container is read through the Engine's stats API instead (slower).
 * @param procRoot the host's {@code /proc}, through which a container's cgroup is found from its
 *     main process. Default {@code /proc}; in a container, the host's (e.g. {@code /host/proc}) or
 *     the container must share the host's pid namespace.
 */
public record UsageConfig(Duration interval, Path cgroupRoot, Path procRoot) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  public static final Path DEFAULT_CGROUP_ROOT = Path.of("/sys/fs/cgroup");
  public static final Path DEFAULT_PROC_ROOT = Path.of("/proc");

  public UsageConfig {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(cgroupRoot, "cgroupRoot");
    Objects.requireNonNull(procRoot, "procRoot");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the usage interval must be > 0, not " + interval);
    }
  }

  public static UsageConfig defaults() {
    return new UsageConfig(DEFAULT_INTERVAL, DEFAULT_CGROUP_ROOT, DEFAULT_PROC_ROOT);
  }
}
