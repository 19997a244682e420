package io.swarmwatch.agent.usage;

import static io.swarmwatch.testing.TestEngine.docker;
import static io.swarmwatch.testing.TestEngine.dockerQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.swarmwatch.proto.v1.ContainerUsage;
import io.swarmwatch.proto.v1.UsageBatch;
import io.swarmwatch.testing.TestEngine;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sampler against real containers of the test Engine: the host's cgroup files (this machine:
 * cgroup v1, cgroupfs driver) and the Engine's stats API.
 */
class UsageSamplerIT {
  static final long MIB = 1024 * 1024;
  static final String CGROUP_PARENT = "swarmwatch-usage-it";

  private final List<String> containers = new ArrayList<>();
  private final List<UsageTarget> targets = new CopyOnWriteArrayList<>();
  private final List<UsageBatch> batches = new CopyOnWriteArrayList<>();
  private DockerClient client;
  private UsageSampler sampler;

  @BeforeEach
  void connect() {
    String host = TestEngine.require();
    client =
        DockerClientImpl.getInstance(
            DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build(),
            new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(host))
                .maxConnections(8)
                .build());
  }

  @AfterEach
  void cleanUp() throws IOException {
    if (sampler != null) {
      sampler.close();
    }
    for (String c : containers) {
      dockerQuietly("rm", "-f", c);
    }
    client.close();
    // docker leaves a --cgroup-parent behind, in every hierarchy; an empty cgroup goes with rmdir.
    Path root = UsageConfig.DEFAULT_CGROUP_ROOT;
    List<Path> hierarchies = new ArrayList<>(List.of(root));
    try (Stream<Path> s = Files.list(root)) {
      s.forEach(hierarchies::add);
    }
    for (Path h : hierarchies) {
      try {
        Files.deleteIfExists(h.resolve(CGROUP_PARENT));
      } catch (IOException e) {
        // Best effort: an empty cgroup left behind harms nothing.
      }
    }
  }

  private UsageSampler sampler(UsageConfig config) {
    sampler =
        new UsageSampler(
            config, () -> List.copyOf(targets), batches::add, client, Clock.systemUTC());
    return sampler;
  }

  private String run(String... args) {
    List<String> cmd = new ArrayList<>(List.of("run", "-d"));
    cmd.addAll(List.of(args));
    String id = docker(cmd.toArray(String[]::new));
    containers.add(id);
    return id;
  }

  private static long pid(String id) {
    return Long.parseLong(docker("inspect", "-f", "{{.State.Pid}}", id));
  }

  private static ContainerUsage of(UsageBatch b, String id) {
    assertThat(b).as("a batch").isNotNull();
    return b.getContainersList().stream()
        .filter(u -> u.getContainerId().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError(id + " not in " + b));
  }

  /** What this host's tree is: the data of the hybrid v1 layout is in v1. */
  private static String cgroupSource() {
    return Files.exists(UsageConfig.DEFAULT_CGROUP_ROOT.resolve("cgroup.controllers"))
        ? "cgroup-v2"
        : "cgroup-v1";
  }

  @Test
  void limitsAndGaugesFromTheCgroupFiles() {
    String id = run("--memory", "64m", "--cpus", "0.5", "swarmwatch-test/plain:1");
    long pid = pid(id);
    targets.add(new UsageTarget(id, pid, 0.5));
    sampler(UsageConfig.defaults());

    ContainerUsage first = of(sampler.sampleNow(), id);
    assertThat(first.getSource()).isEqualTo(cgroupSource());
    assertThat(first.getMemoryLimitBytes()).isEqualTo(64 * MIB);
    assertThat(first.getMemoryUsageBytes()).isPositive();
    assertThat(first.getMemoryWorkingSetBytes())
        .isPositive()
        .isLessThanOrEqualTo(first.getMemoryUsageBytes());
    assertThat(first.getPids()).isGreaterThanOrEqualTo(1);
    assertThat(first.getCpuUsageNanos()).isPositive();
    assertThat(first.getCpuPeriods()).isGreaterThanOrEqualTo(0);
    assertThat(first.getOomKills()).as("counted by this kernel, none yet").isZero();
    assertThat(first.getCpuPercentOfHostCore()).as("first sample").isEqualTo(-1);

    // Without a limit on the target, the cgroup's CFS quota (50000/100000) is the limit.
    targets.set(0, new UsageTarget(id, pid, 0));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              ContainerUsage u = of(sampler.sampleNow(), id);
              assertThat(u.getCpuPercentOfHostCore()).isGreaterThanOrEqualTo(0);
              assertThat(u.getCpuPercentOfLimit())
                  .isCloseTo(u.getCpuPercentOfHostCore() / 0.5, within(1e-9));
            });
    assertThat(sampler.errors()).isZero();
    assertThat(sampler.fallbacks()).isZero();
  }

  @Test
  void aBusyContainerRunsAtItsLimitAndIsThrottled() {
    String id = run("--cpus", "0.5", "swarmwatch-test/plain:1");
    docker("exec", "-d", id, "sh", "-c", "while :; do :; done");
    targets.add(new UsageTarget(id, pid(id), 0.5));
    sampler(
            new UsageConfig(
                Duration.ofSeconds(1),
                UsageConfig.DEFAULT_CGROUP_ROOT,
                UsageConfig.DEFAULT_PROC_ROOT))
        .start();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(batches).hasSizeGreaterThanOrEqualTo(3);
              ContainerUsage first = of(batches.get(0), id);
              ContainerUsage last = of(batches.get(batches.size() - 1), id);
              // A busy loop uses all it may: half a core. Others' builds share this host's two
              // cores, so the band is wide; the throttling is what proves the limit bites (on a
              // contended host the loop may not use up its quota every period, so it is
              // compared with the first sample, not the previous one).
              assertThat(last.getCpuPercentOfLimit()).isBetween(60.0, 115.0);
              assertThat(last.getCpuPercentOfHostCore()).isBetween(30.0, 57.5);
              assertThat(last.getCpuPeriods()).isGreaterThan(first.getCpuPeriods());
              assertThat(last.getCpuThrottledPeriods())
                  .isGreaterThan(first.getCpuThrottledPeriods());
              assertThat(last.getCpuThrottledNanos()).isGreaterThan(first.getCpuThrottledNanos());
            });
    assertThat(sampler.errors()).isZero();
  }

  @Test
  void anOomKillInsideTheContainerIsCounted() {
    String id = run("--memory", "32m", "--memory-swap", "32m", "swarmwatch-test/plain:1");
    targets.add(new UsageTarget(id, pid(id), 0));
    sampler(UsageConfig.defaults());
    assertThat(of(sampler.sampleNow(), id).getOomKills()).isZero();

    // dd's 64 MiB buffer can't fit in 32 MiB: the kernel kills dd, the container keeps running.
    dockerQuietly("exec", id, "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(of(sampler.sampleNow(), id).getOomKills()).isGreaterThanOrEqualTo(1));
    assertThat(docker("inspect", "-f", "{{.State.Status}}", id)).isEqualTo("running");
  }

  @Test
  void theEngineStatsApiStandsInWithoutACgroupTree() {
    String limited = run("--memory", "64m", "--cpus", "0.5", "swarmwatch-test/plain:1");
    String unlimited = run("swarmwatch-test/plain:1");
    targets.add(new UsageTarget(limited, pid(limited), 0.5));
    targets.add(new UsageTarget(unlimited, pid(unlimited), 0));
    sampler(
        new UsageConfig(
            Duration.ofSeconds(10), Path.of("/nonexistent/cgroup"), UsageConfig.DEFAULT_PROC_ROOT));

    UsageBatch first = sampler.sampleNow();
    ContainerUsage u = of(first, limited);
    assertThat(u.getSource()).isEqualTo("engine-stats");
    assertThat(u.getMemoryLimitBytes()).isEqualTo(64 * MIB);
    assertThat(u.getMemoryUsageBytes()).isPositive().isLessThan(64 * MIB);
    assertThat(u.getMemoryWorkingSetBytes())
        .isPositive()
        .isLessThanOrEqualTo(u.getMemoryUsageBytes());
    assertThat(u.getPids()).isGreaterThanOrEqualTo(1);
    assertThat(u.getCpuUsageNanos()).isPositive();
    assertThat(u.getCpuPeriods()).isGreaterThanOrEqualTo(0);
    assertThat(u.getOomKills()).as("the Engine doesn't count them").isEqualTo(-1);
    assertThat(of(first, unlimited).getMemoryLimitBytes()).as("no --memory").isEqualTo(-1);

    // The Engine collects once a second: a second call soon after gives a later reading.
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              ContainerUsage v = of(sampler.sampleNow(), limited);
              assertThat(v.getCpuPercentOfHostCore()).isGreaterThanOrEqualTo(0);
              assertThat(v.getCpuPercentOfLimit())
                  .isCloseTo(v.getCpuPercentOfHostCore() / 0.5, within(1e-9));
            });
    assertThat(sampler.fallbacks()).isGreaterThanOrEqualTo(4);
    assertThat(sampler.errors()).isZero();
  }

  @Test
  void containersThatStoppedOrWereRemovedAreLeftOutQuietly() {
    String stopped = run("swarmwatch-test/plain:1");
    String removed = run("swarmwatch-test/plain:1");
    String running = run("swarmwatch-test/plain:1");
    // Listed while running, gone by the time they are read.
    targets.add(new UsageTarget(stopped, pid(stopped), 0));
    targets.add(new UsageTarget(removed, pid(removed), 0));
    targets.add(new UsageTarget(running, pid(running), 0));
    docker("stop", "-t", "1", stopped);
    docker("rm", "-f", removed);
    sampler(UsageConfig.defaults());

    UsageBatch b = sampler.sampleNow();

    assertThat(b.getContainersList())
        .extracting(ContainerUsage::getContainerId)
        .containsExactly(running);
    assertThat(sampler.gone()).isEqualTo(2);
    assertThat(sampler.errors()).isZero();
  }

  @Test
  void findsTheCgroupOfACustomParentThroughTheProcess() {
    String id =
        run("--cgroup-parent", "/" + CGROUP_PARENT, "--memory", "48m", "swarmwatch-test/plain:1");
    targets.add(new UsageTarget(id, pid(id), 0));
    sampler(UsageConfig.defaults());
    ContainerUsage u = of(sampler.sampleNow(), id);
    assertThat(u.getSource()).isEqualTo(cgroupSource());
    assertThat(u.getMemoryLimitBytes()).isEqualTo(48 * MIB);
    assertThat(sampler.fallbacks()).as("not from the Engine").isZero();
  }
}
