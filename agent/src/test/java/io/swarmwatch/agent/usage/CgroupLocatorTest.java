package io.swarmwatch.agent.usage;

import static io.swarmwatch.agent.usage.FakeHost.mkdirs;
import static io.swarmwatch.agent.usage.FakeHost.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.agent.usage.CgroupLocator.Version;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupLocatorTest {
  static final String ID = "91e7ce608f5d31b911513162db2da25c776b1078b02d5fa2debf24652871bd15";

  @TempDir Path dir;

  @Test
  void detectsTheVersion() {
    assertThat(CgroupLocator.detect(FakeHost.v2(dir.resolve("a")).cgroup)).isEqualTo(Version.V2);
    // Hybrid (controllers on v1, an empty unified hierarchy at unified/): the data is in v1.
    assertThat(CgroupLocator.detect(FakeHost.v1(dir.resolve("b")).cgroup)).isEqualTo(Version.V1);
    mkdirs(dir.resolve("empty"));
    assertThat(CgroupLocator.detect(dir.resolve("empty"))).isEqualTo(Version.NONE);
    assertThat(CgroupLocator.detect(dir.resolve("missing"))).isEqualTo(Version.NONE);
    // cpu and cpuacct co-mounted, as systemd does.
    mkdirs(dir.resolve("c/memory"));
    mkdirs(dir.resolve("c/cpu,cpuacct"));
    assertThat(CgroupLocator.detect(dir.resolve("c"))).isEqualTo(Version.V1);
  }

  @Test
  void v1FollowsTheProcessToANonDefaultParent() {
    FakeHost h = FakeHost.v1(dir);
    String p = "/my-parent/" + ID;
    write(
        h.proc.resolve("77/cgroup"),
        "8:pids:" + p + "\n4:memory:" + p + "\n2:cpuacct:" + p + "\n1:cpu:" + p + "\n0::/\n");
    for (String c : new String[] {"pids", "memory", "cpuacct", "cpu"}) {
      mkdirs(h.cgroup.resolve(c + p));
    }
    var paths = (CgroupPaths.V1) new CgroupLocator(h.cgroup, h.proc).locate(ID, 77);
    assertThat(paths.dir()).isEqualTo(h.cgroup.resolve("memory" + p));
    assertThat(paths.memoryUsage())
        .isEqualTo(h.cgroup.resolve("memory" + p + "/memory.usage_in_bytes"));
    assertThat(paths.cpuacctUsage()).isEqualTo(h.cgroup.resolve("cpuacct" + p + "/cpuacct.usage"));
    assertThat(paths.cpuStat()).isEqualTo(h.cgroup.resolve("cpu" + p + "/cpu.stat"));
    assertThat(paths.pidsCurrent()).isEqualTo(h.cgroup.resolve("pids" + p + "/pids.current"));
  }

  @Test
  void v1CoMountedControllersWithoutSymlinks() {
    Path root = dir.resolve("cg");
    mkdirs(root.resolve("memory/docker/" + ID));
    mkdirs(root.resolve("cpu,cpuacct/docker/" + ID));
    write(
        dir.resolve("proc/5/cgroup"),
        "4:memory:/docker/" + ID + "\n3:cpu,cpuacct:/docker/" + ID + "\n");
    var paths = (CgroupPaths.V1) new CgroupLocator(root, dir.resolve("proc")).locate(ID, 5);
    assertThat(paths.cpuacctUsage())
        .isEqualTo(root.resolve("cpu,cpuacct/docker/" + ID + "/cpuacct.usage"));
    assertThat(paths.cpuStat()).isEqualTo(root.resolve("cpu,cpuacct/docker/" + ID + "/cpu.stat"));
    assertThat(paths.pidsCurrent()).as("no pids controller").isNull();
  }

  @Test
  void v1DistrustsAProcessInAnotherCgroupAndUsesTheLayout() {
    FakeHost h = FakeHost.v1(dir);
    h.container(ID, 10);
    // The pid was reused by a process elsewhere (or this /proc isn't the host's).
    write(h.proc.resolve("10/cgroup"), "4:memory:/user.slice\n2:cpuacct:/user.slice\n");
    mkdirs(h.cgroup.resolve("memory/user.slice"));
    var paths = new CgroupLocator(h.cgroup, h.proc).locate(ID, 10);
    assertThat(paths.dir()).isEqualTo(h.cgroup.resolve("memory/docker/" + ID));
  }

  @Test
  void v1SystemdLayoutWithoutAProcess() {
    FakeHost h = FakeHost.v1(dir);
    String scope = "system.slice/docker-" + ID + ".scope";
    for (String c : new String[] {"memory", "cpuacct", "cpu", "pids"}) {
      mkdirs(h.cgroup.resolve(c).resolve(scope));
    }
    var paths = (CgroupPaths.V1) new CgroupLocator(h.cgroup, h.proc).locate(ID, 0);
    assertThat(paths.dir()).isEqualTo(h.cgroup.resolve("memory").resolve(scope));
    assertThat(paths.cfsQuota())
        .isEqualTo(h.cgroup.resolve("cpu").resolve(scope).resolve("cpu.cfs_quota_us"));
  }

  @Test
  void v2FollowsTheProcess() {
    FakeHost h = FakeHost.v2(dir);
    String scope = "system.slice/docker-" + ID + ".scope";
    mkdirs(h.cgroup.resolve(scope));
    write(h.proc.resolve("42/cgroup"), "0::/" + scope + "\n");
    var paths = (CgroupPaths.V2) new CgroupLocator(h.cgroup, h.proc).locate(ID, 42);
    assertThat(paths.dir()).isEqualTo(h.cgroup.resolve(scope));
    assertThat(paths.memoryCurrent()).isEqualTo(h.cgroup.resolve(scope).resolve("memory.current"));
    assertThat(paths.memoryEvents()).isEqualTo(h.cgroup.resolve(scope).resolve("memory.events"));
  }

  @Test
  void v2InAPrivateCgroupNamespaceFallsBackToTheLayout() {
    FakeHost h = FakeHost.v2(dir);
    h.container(ID, 42);
    // What an agent in its own cgroup namespace reads for another container's process.
    write(h.proc.resolve("42/cgroup"), "0::/../../docker/" + ID + "\n");
    var paths = new CgroupLocator(h.cgroup, h.proc).locate(ID, 42);
    assertThat(paths.dir()).isEqualTo(h.v2Dir(ID));
  }

  @Test
  void nothingFoundIsNull() {
    FakeHost h = FakeHost.v1(dir);
    assertThat(new CgroupLocator(h.cgroup, h.proc).locate(ID, 123)).isNull();
    FakeHost h2 = FakeHost.v2(dir.resolve("two"));
    assertThat(new CgroupLocator(h2.cgroup, h2.proc).locate(ID, 123)).isNull();
    assertThat(new CgroupLocator(dir.resolve("none"), h.proc).locate(ID, 123)).isNull();
  }

  @Test
  void v1WithoutMemoryControllerDirIsNotFound() {
    FakeHost h = FakeHost.v1(dir);
    h.procFor(ID, 9);
    mkdirs(h.cgroup.resolve("cpuacct/docker/" + ID));
    assertThat(new CgroupLocator(h.cgroup, h.proc).locate(ID, 9)).isNull();
  }

  @Test
  void trustsOnlyPathsNamingTheContainer() {
    assertThat(CgroupLocator.trusted("/docker/" + ID, ID)).isTrue();
    assertThat(CgroupLocator.trusted("/system.slice/docker-" + ID + ".scope", ID)).isTrue();
    assertThat(CgroupLocator.trusted("/", ID)).isFalse();
    assertThat(CgroupLocator.trusted("/../docker/" + ID, ID)).isFalse();
    assertThat(CgroupLocator.trusted("/docker/" + ID + "/..", ID)).isFalse();
    assertThat(CgroupLocator.trusted("docker/" + ID, ID)).isFalse();
  }

  @Test
  void parsesProcLines() {
    var m =
        CgroupLocator.parse(
            java.util.List.of(
                "9:name=systemd:/docker/x", "3:cpu,cpuacct:/docker/x", "0::/docker/x", "garbage"));
    assertThat(m.get("cpu")).isEqualTo(new CgroupLocator.Entry("cpu,cpuacct", "/docker/x"));
    assertThat(m.get("cpuacct")).isEqualTo(new CgroupLocator.Entry("cpu,cpuacct", "/docker/x"));
    assertThat(m.get("")).isEqualTo(new CgroupLocator.Entry("", "/docker/x"));
    assertThat(m.get("name=systemd").path()).isEqualTo("/docker/x");
  }
}
