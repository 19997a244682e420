package io.swarmwatch.agent.host;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the host's pseudo-filesystems and root filesystem are visible to the agent. On a bare host
 * the defaults are right; an agent in a container needs the host's mounted read-only, e.g. {@code
 * /proc:/host/proc:ro}, {@code /sys:/host/sys:ro} and {@code /:/host/root:ro} (with {@code
 * bind-propagation=rslave}, so that disks mounted on the host later show up too).
 *
 * @param procRoot the host's {@code /proc}. Default {@code /proc}. CPU, memory, swap, load, uptime
 *     and the mount table are read from here (the mount table as {@code <procRoot>/1/mounts}: the
 *     host's init, so the host's mounts, not the agent's).
 * @param sysRoot the host's {@code /sys}. Default {@code /sys}. Network interfaces and their
 *     counters are read from {@code <sysRoot>/class/net}; a {@code /sys} mounted from the host
 *     lists the host's interfaces even when the agent has its own network namespace.
 * @param rootFs where the host's root filesystem is visible. Default {@code /}. Sizes of the mounts
 *     listed in the host's mount table are taken at {@code <rootFs>/<mount point>}; with the
 *     default in a container they would be the container's own filesystems, not the host's.
 */
public record HostConfig(Path procRoot, Path sysRoot, Path rootFs) {
  public static final Path DEFAULT_PROC_ROOT = Path.of("/proc");
  public static final Path DEFAULT_SYS_ROOT = Path.of("/sys");
  public static final Path DEFAULT_ROOT_FS = Path.of("/");

  public HostConfig {
    procRoot = absolute(procRoot, "procRoot");
    sysRoot = absolute(sysRoot, "sysRoot");
    rootFs = absolute(rootFs, "rootFs");
  }

  public static HostConfig defaults() {
    return new HostConfig(DEFAULT_PROC_ROOT, DEFAULT_SYS_ROOT, DEFAULT_ROOT_FS);
  }

  /** True when the agent reads a host mounted elsewhere rather than the one it runs on directly. */
  boolean remapped() {
    return !procRoot.equals(DEFAULT_PROC_ROOT) || !sysRoot.equals(DEFAULT_SYS_ROOT);
  }

  private static Path absolute(Path p, String name) {
    Objects.requireNonNull(p, name);
    if (!p.isAbsolute()) {
      throw new IllegalArgumentException(name + " must be an absolute path, not " + p);
    }
    return p.normalize();
  }
}
