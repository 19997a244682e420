package io.swarmwatch.agent.usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A host's cgroup tree and /proc as real files in a temporary directory, laid out the way the
 * kernel and dockerd (cgroupfs driver) lay them out. File contents mimic the kernel's formats (the
 * v1 ones are copied from the test machine, kernel 6.18).
 */
final class FakeHost {
  static final long V1_UNLIMITED = 9223372036854771712L;
  static final long MIB = 1024 * 1024;

  final Path cgroup;
  final Path proc;
  final boolean v2;

  private FakeHost(Path dir, boolean v2) {
    this.cgroup = dir.resolve("sys/fs/cgroup");
    this.proc = dir.resolve("proc");
    this.v2 = v2;
    mkdirs(proc);
    if (v2) {
      write(cgroup.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
    } else {
      for (String c : new String[] {"cpu", "cpuacct", "memory", "pids", "cpuset", "blkio"}) {
        mkdirs(cgroup.resolve(c));
      }
      // A hybrid host also mounts an (empty) unified hierarchy.
      write(cgroup.resolve("unified/cgroup.controllers"), "");
    }
  }

  static FakeHost v1(Path dir) {
    return new FakeHost(dir, false);
  }

  static FakeHost v2(Path dir) {
    return new FakeHost(dir, true);
  }

  UsageConfig config() {
    return new UsageConfig(UsageConfig.DEFAULT_INTERVAL, cgroup, proc);
  }

  /** /proc/<pid>/cgroup as dockerd's cgroupfs driver leaves it for a container. */
  void procFor(String id, long pid) {
    String p = "/docker/" + id;
    String text =
        v2
            ? "0::" + p + "\n"
            : "9:name=systemd:"
                + p
                + "\n8:pids:"
                + p
                + "\n4:memory:"
                + p
                + "\n2:cpuacct:"
                + p
                + "\n1:cpu:"
                + p
                + "\n0::"
                + p
                + "\n";
    write(proc.resolve(pid + "/cgroup"), text);
  }

  /**
   * A running container with usual values: 5 s of CPU, 100 MiB used of which 30 MiB inactive file
   * cache, no limits, 3 pids.
   */
  void container(String id, long pid) {
    procFor(id, pid);
    if (v2) {
      Path d = cgroup.resolve("docker").resolve(id);
      write(
          d.resolve("cpu.stat"),
          "usage_usec 5000000\nuser_usec 4000000\nsystem_usec 1000000\nnr_periods 0\n"
              + "nr_throttled 0\nthrottled_usec 0\nnr_bursts 0\nburst_usec 0\n");
      write(d.resolve("cpu.max"), "max 100000\n");
      write(d.resolve("memory.current"), (100 * MIB) + "\n");
      write(d.resolve("memory.stat"), v2MemoryStat(30 * MIB));
      write(d.resolve("memory.max"), "max\n");
      write(
          d.resolve("memory.events"),
          "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
      write(d.resolve("pids.current"), "3\n");
    } else {
      write(v1("cpuacct", id).resolve("cpuacct.usage"), "5000000000\n");
      Path cpu = v1("cpu", id);
      write(
          cpu.resolve("cpu.stat"),
          "nr_periods 0\nnr_throttled 0\nthrottled_time 0\nnr_bursts 0\nburst_time 0\n");
      write(cpu.resolve("cpu.cfs_quota_us"), "-1\n");
      write(cpu.resolve("cpu.cfs_period_us"), "100000\n");
      Path mem = v1("memory", id);
      write(mem.resolve("memory.usage_in_bytes"), (100 * MIB) + "\n");
      write(mem.resolve("memory.stat"), v1MemoryStat(30 * MIB, true));
      write(mem.resolve("memory.limit_in_bytes"), V1_UNLIMITED + "\n");
      write(mem.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
      write(v1("pids", id).resolve("pids.current"), "3\n");
    }
  }

  /** The container's directory of a v1 controller (or the v2 directory for any controller). */
  Path v1(String controller, String id) {
    Path d =
        v2
            ? cgroup.resolve("docker").resolve(id)
            : cgroup.resolve(controller).resolve("docker").resolve(id);
    mkdirs(d);
    return d;
  }

  Path v2Dir(String id) {
    return cgroup.resolve("docker").resolve(id);
  }

  /** What the kernel and runc do when a container exits: its cgroups and its process go away. */
  void exit(String id, long pid) {
    delete(proc.resolve(Long.toString(pid)));
    if (v2) {
      delete(v2Dir(id));
    } else {
      for (String c : new String[] {"cpu", "cpuacct", "memory", "pids"}) {
        delete(cgroup.resolve(c).resolve("docker").resolve(id));
      }
    }
  }

  static String v1MemoryStat(long inactiveFile, boolean hierarchical) {
    String own =
        "cache 0\nrss 106496\nrss_huge 0\nshmem 0\nmapped_file 0\ndirty 0\nwriteback 0\n"
            + "swap 0\npgpgin 854\npgpgout 828\npgfault 1210\npgmajfault 0\n"
            + "inactive_anon 98304\nactive_anon 8192\ninactive_file "
            + (hierarchical ? 1 : inactiveFile)
            + "\nactive_file 0\nunevictable 0\nhierarchical_memory_limit 67108864\n"
            + "hierarchical_memsw_limit 134217728\n";
    if (!hierarchical) {
      return own;
    }
    return own
        + "total_cache 0\ntotal_rss 106496\ntotal_rss_huge 0\ntotal_shmem 0\n"
        + "total_inactive_anon 98304\ntotal_active_anon 8192\ntotal_inactive_file "
        + inactiveFile
        + "\ntotal_active_file 0\ntotal_unevictable 0\n";
  }

  static String v2MemoryStat(long inactiveFile) {
    return "anon 1048576\nfile 73400320\nkernel 196608\nkernel_stack 16384\nsock 0\nshmem 0\n"
        + "file_mapped 0\nfile_dirty 0\nfile_writeback 0\nanon_thp 0\ninactive_anon 1048576\n"
        + "active_anon 0\ninactive_file "
        + inactiveFile
        + "\nactive_file 0\nunevictable 0\npgfault 900\npgmajfault 0\n";
  }

  static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
