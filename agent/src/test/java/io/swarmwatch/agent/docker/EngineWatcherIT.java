package io.swarmwatch.agent.docker;

import static io.swarmwatch.testing.TestEngine.docker;
import static io.swarmwatch.testing.TestEngine.dockerQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.swarmwatch.agent.RecordingSink;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.Node;
import io.swarmwatch.proto.v1.Snapshot;
import io.swarmwatch.testing.TestEngine;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** EngineWatcher and NodeReader against the real test Engine. */
class EngineWatcherIT {
  private final List<String> containers = new ArrayList<>();
  private final List<String> services = new ArrayList<>();
  private final RecordingSink sink = new RecordingSink();
  private DockerClient client;
  private EngineWatcher watcher;

  @BeforeEach
  void connect() {
    String host = TestEngine.require();
    client =
        DockerClientImpl.getInstance(
            DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build(),
            new ApacheDockerHttpClient.Builder().dockerHost(URI.create(host)).build());
    watcher =
        new EngineWatcher(
            client,
            new WatchConfig(host, false, Duration.ofMillis(100), Duration.ofSeconds(1)),
            sink,
            Clock.systemUTC());
  }

  @AfterEach
  void cleanUp() throws Exception {
    watcher.close();
    for (String s : services) {
      dockerQuietly("service", "rm", s);
    }
    for (String c : containers) {
      dockerQuietly("rm", "-f", c);
    }
    client.close();
  }

  @Test
  void snapshotListsRunningAndStoppedContainersWithLabelsAndLimits() {
    String running =
        run("--label", "team=core", "--memory", "48m", "--cpus", "0.5", "swarmwatch-test/plain:1");
    String exited = run("-e", "EXIT_CODE=4", "-e", "EXIT_AFTER=0", "swarmwatch-test/exit:1");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> docker("inspect", "-f", "{{.State.Status}}", exited).equals("exited"));

    Snapshot s = watcher.snapshot();

    Container r = find(s, running);
    assertThat(r.getState()).isEqualTo("running");
    assertThat(r.getLabelsMap()).containsEntry("team", "core");
    assertThat(r.getLimits().getMemoryBytes()).isEqualTo(48L << 20);
    assertThat(r.getLimits().getNanoCpus()).isEqualTo(500_000_000L);
    assertThat(r.getImage()).isEqualTo("swarmwatch-test/plain:1");
    assertThat(r.getStartedUnixNanos()).isPositive();
    Container x = find(s, exited);
    assertThat(x.getState()).isEqualTo("exited");
    assertThat(x.getExitCode()).isEqualTo(4);
    // Not compared with StartedAt: for a process that exits at once the Engine can record
    // FinishedAt a little before StartedAt (seen here: by 0.6 ms).
    assertThat(x.getFinishedUnixNanos()).isPositive();
  }

  /**
   * A swarm task whose service limits it to 16 MiB and a quarter core allocates 256 MiB: the agent
   * sees the limits exactly as set on the service, the kernel's kill ({@code oom} event, {@code
   * die} with exit code 137) and the inspect after it says OOM-killed.
   */
  @Test
  void aServiceTaskPastItsMemoryLimitIsReportedOomKilledWithItsLimits() {
    watcher.start();
    String probe = run("swarmwatch-test/plain:1");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.hasEvent(probe, "start"));

    String service = TestEngine.uniqueName("swarmwatch-oom");
    services.add(service);
    docker(
        "service",
        "create",
        "--detach",
        "--no-resolve-image",
        "--stop-grace-period",
        "1s",
        "--restart-condition",
        "none",
        "--limit-memory",
        "16M",
        "--limit-cpu",
        "0.25",
        "--name",
        service,
        "swarmwatch-test/memhog:1");

    await("the task container's oom and die events")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              String c = taskContainer(service);
              assertThat(c).isNotEmpty();
              assertThat(sink.actions(c)).contains("oom", "die");
              assertThat(sink.event(c, "die").getAttributesMap()).containsEntry("exitCode", "137");
            });
    String c = taskContainer(service);
    await("an inspect after the kill says OOM-killed")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Container last = sink.lastState(c);
              assertThat(last).isNotNull();
              assertThat(last.getState()).isEqualTo("exited");
              assertThat(last.getOomKilled()).isTrue();
              assertThat(last.getExitCode()).isEqualTo(137);
            });
    Container last = sink.lastState(c);
    assertThat(last.getLimits().getMemoryBytes()).isEqualTo(16L << 20);
    assertThat(last.getLimits().getNanoCpus()).isEqualTo(250_000_000L);
    assertThat(last.getLabelsMap()).containsEntry("com.docker.swarm.service.name", service);
  }

  private static String taskContainer(String service) {
    return docker(
        "ps", "-aq", "--no-trunc", "--filter", "label=com.docker.swarm.service.name=" + service);
  }

  @Test
  void eventsCarryExitCodesAndTriggerFreshInspects() {
    watcher.start();
    // Make sure the event stream is established before acting on the Engine.
    String probe = run("swarmwatch-test/plain:1");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.hasEvent(probe, "start"));

    String c = run("-e", "EXIT_CODE=7", "-e", "EXIT_AFTER=0", "swarmwatch-test/exit:1");

    await("create, start and die events")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(sink.actions(c)).contains("create", "start", "die");
              assertThat(sink.event(c, "die").getAttributesMap()).containsEntry("exitCode", "7");
            });
    await("an inspect after die shows the exit")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Container last = sink.lastState(c);
              assertThat(last).isNotNull();
              assertThat(last.getState()).isEqualTo("exited");
              assertThat(last.getExitCode()).isEqualTo(7);
            });

    docker("rm", c);
    containers.remove(c);
    await("destroy becomes a removal")
        .atMost(Duration.ofSeconds(10))
        .until(() -> sink.removed.stream().anyMatch(r -> r.getId().equals(c)));
  }

  @Test
  void healthTransitionsReachTheSinkWithoutProbeExecNoise() {
    watcher.start();
    String c = run("swarmwatch-test/healthy:1");
    await("healthy")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                sink.lastState(c) != null && sink.lastState(c).getHealthStatus().equals("healthy"));

    docker("exec", c, "sh", "-c", "echo 'db unreachable' > /tmp/unhealthy");

    await("unhealthy event and state")
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(sink.actions(c)).contains("health_status: unhealthy");
              assertThat(sink.lastState(c).getHealthStatus()).isEqualTo("unhealthy");
            });
    // Health probes are execs; they must not flood the stream.
    assertThat(sink.actions(c)).noneMatch(a -> a.startsWith("exec_"));
  }

  @Test
  void nodeReaderReportsTheSwarmManager() {
    Node n = new NodeReader(client).read();
    assertThat(n.getId()).isEqualTo(TestEngine.nodeId());
    assertThat(n.getRole()).isEqualTo("manager");
    assertThat(n.getStatus()).isEqualTo("ready");
    assertThat(n.getAvailability()).isEqualTo("active");
    assertThat(n.getHostname()).isEqualTo(docker("info", "--format", "{{.Name}}"));
    assertThat(n.getCpus()).isPositive();
  }

  private String run(String... args) {
    List<String> cmd = new ArrayList<>(List.of("run", "-d", "--stop-timeout", "1"));
    cmd.addAll(List.of(args));
    String id = docker(cmd.toArray(String[]::new));
    containers.add(id);
    return id;
  }

  private static Container find(Snapshot s, String id) {
    return s.getContainersList().stream()
        .filter(c -> c.getId().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("container " + id + " missing from snapshot"));
  }
}
