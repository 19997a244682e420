package io.swarmwatch.agent.usage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a container's cgroup under the host's cgroup tree.
 *
 * <p>First through its main process: {@code <proc>/<pid>/cgroup} names the cgroup whatever the
 * cgroup driver or {@code --cgroup-parent} (v1 lines {@code 4:memory:/docker/<id>}, the v2 line
 * {@code 0::/system.slice/docker-<id>.scope}). A path is trusted only if it contains the container
 * id: a reused pid, or a {@code /proc} that is not the host's, names some other cgroup. Then the
 * layouts dockerd uses by default: {@code docker/<id>} (cgroupfs driver) and {@code
 * system.slice/docker-<id>.scope} (systemd driver), under each v1 controller or the v2 root.
 *
 * <p>Paths in {@code /proc/<pid>/cgroup} are relative to the reader's cgroup namespace: an agent in
 * a private cgroup namespace (the default for containers on cgroup v2) sees {@code /../..} paths,
 * rejects them and relies on the layouts.
 */
final class CgroupLocator {
  enum Version {
    V1,
    V2,
    /** No cgroup tree at the configured root: usage comes from the Engine. */
    NONE
  }

  private final Path root;
  private final Path proc;
  private final Version version;

  CgroupLocator(Path cgroupRoot, Path procRoot) {
    this.root = cgroupRoot;
    this.proc = procRoot;
    this.version = detect(cgroupRoot);
  }

  Version version() {
    return version;
  }

  /**
   * v2 when the root is a unified hierarchy ({@code cgroup.controllers} at its top); v1 when the
   * memory and cpuacct controllers are mounted below it (a hybrid host, with an empty unified
   * hierarchy at {@code unified/}, counts as v1: that is where the controllers are).
   */
  static Version detect(Path root) {
    if (Files.isRegularFile(root.resolve("cgroup.controllers"))) {
      return Version.V2;
    }
    if (Files.isDirectory(root.resolve("memory"))
        && (Files.isDirectory(root.resolve("cpuacct"))
            || Files.isDirectory(root.resolve("cpu,cpuacct")))) {
      return Version.V1;
    }
    return Version.NONE;
  }

  /**
   * The container's cgroup files, or null if its cgroup can't be found (it is gone, or this tree is
   * not the one its Engine uses). Blocking file system reads; called once per container.
   */
  CgroupPaths locate(String containerId, long pid) {
    Map<String, Entry> lines = pid > 0 ? readProc(pid) : Map.of();
    switch (version) {
      case V2:
        {
          Path dir = find("", "", lines.get(""), containerId);
          return dir == null ? null : CgroupPaths.V2.of(dir);
        }
      case V1:
        {
          Path memory = find("memory", lines, containerId);
          Path cpuacct = find("cpuacct", lines, containerId);
          if (memory == null || cpuacct == null) {
            return null;
          }
          return CgroupPaths.V1.of(
              memory, cpuacct, find("cpu", lines, containerId), find("pids", lines, containerId));
        }
      default:
        return null;
    }
  }

  private Path find(String controller, Map<String, Entry> lines, String id) {
    Entry e = lines.get(controller);
    return find(controller, e == null ? controller : e.mount(), e, id);
  }

  /**
   * @param controller the v1 controller, "" for v2
   * @param mount the directory name its hierarchy is mounted at ({@code cpu,cpuacct} when
   *     co-mounted without the usual symlinks)
   */
  private Path find(String controller, String mount, Entry e, String id) {
    if (e != null && trusted(e.path(), id)) {
      String rel = e.path().substring(1);
      Path d = root.resolve(controller).resolve(rel);
      if (Files.isDirectory(d)) {
        return d;
      }
      if (!mount.equals(controller)) {
        d = root.resolve(mount).resolve(rel);
        if (Files.isDirectory(d)) {
          return d;
        }
      }
    }
    for (String layout : List.of("docker/" + id, "system.slice/docker-" + id + ".scope")) {
      Path d = root.resolve(controller).resolve(layout);
      if (Files.isDirectory(d)) {
        return d;
      }
    }
    return null;
  }

  static boolean trusted(String path, String id) {
    return path.startsWith("/")
        && path.contains(id)
        && !path.contains("/../")
        && !path.endsWith("/..");
  }

  record Entry(String mount, String path) {}

  /** Controller → (hierarchy mount name, path); the v2 line under "". Empty if unreadable. */
  private Map<String, Entry> readProc(long pid) {
    List<String> text;
    try {
      text =
          Files.readAllLines(
              proc.resolve(Long.toString(pid)).resolve("cgroup"), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return parse(text);
  }

  static Map<String, Entry> parse(List<String> lines) {
    Map<String, Entry> out = new HashMap<>();
    for (String line : lines) {
      int a = line.indexOf(':');
      int b = a < 0 ? -1 : line.indexOf(':', a + 1);
      if (b < 0) {
        continue;
      }
      String controllers = line.substring(a + 1, b);
      String path = line.substring(b + 1);
      if (controllers.isEmpty()) {
        out.put("", new Entry("", path));
        continue;
      }
      for (String c : controllers.split(",")) {
        out.put(c, new Entry(controllers, path));
      }
    }
    return out;
  }
}
