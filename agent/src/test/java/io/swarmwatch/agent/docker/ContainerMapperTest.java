package io.swarmwatch.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.HostConfig;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.Health;
import io.swarmwatch.proto.v1.HealthProbe;
import io.swarmwatch.proto.v1.Limits;
import io.swarmwatch.proto.v1.SwarmIdentity;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ContainerMapper on inspect results as the Engine sends them (fixtures in resources/docker). */
class ContainerMapperTest {
  private static final long OBSERVED = 1_714_600_000_000_000_123L;

  private static Container map(String fixture) {
    return ContainerMapper.toProto(
        DockerJson.resource(fixture, InspectContainerResponse.class), OBSERVED);
  }

  @Test
  void replicatedSwarmTaskMapsEveryField() {
    Container c = map("inspect-swarm-replicated-task.json");

    assertThat(c.getId())
        .isEqualTo("3f9c2a71be04d5c6e8a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b");
    assertThat(c.getName()).isEqualTo("shop_web.2.k3x9v0q1w2e3r4t5y6u7i8o9p");
    assertThat(c.getImage())
        .isEqualTo(
            "nginx:1.25.5@sha256:a484819eb60211f5299034ac80f6a681b06f89e65866ce91f356ed7c72af059c");
    assertThat(c.getState()).isEqualTo("running");
    // 2024-05-01T10:00:00.123456789Z
    assertThat(c.getCreatedUnixNanos()).isEqualTo(1_714_557_600_123_456_789L);
    // 2024-05-01T10:00:01.98765432Z: Go trims trailing zeros of the fraction.
    assertThat(c.getStartedUnixNanos()).isEqualTo(1_714_557_601_987_654_320L);
    // 0001-01-01T00:00:00Z is the Engine's "never".
    assertThat(c.getFinishedUnixNanos()).isZero();
    assertThat(c.getExitCode()).isZero();
    assertThat(c.getOomKilled()).isFalse();
    assertThat(c.getHealthStatus()).isEqualTo("healthy");
    assertThat(c.getRestartCount()).isZero();
    assertThat(c.getObservedUnixNanos()).isEqualTo(OBSERVED);
    assertThat(c.getLabelsMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "com.docker.stack.namespace", "shop",
                "com.docker.swarm.node.id", "n8d0s1a2b3c4d5e6f7g8h9i0j",
                "com.docker.swarm.service.id", "s5v1c2e3i4d5a6b7c8d9e0f1g",
                "com.docker.swarm.service.name", "shop_web",
                "com.docker.swarm.task", "",
                "com.docker.swarm.task.id", "k3x9v0q1w2e3r4t5y6u7i8o9p",
                "com.docker.swarm.task.name", "shop_web.2.k3x9v0q1w2e3r4t5y6u7i8o9p",
                "maintainer", "NGINX Docker Maintainers <docker-maint@nginx.com>"));
    assertThat(c.getSwarm())
        .isEqualTo(
            SwarmIdentity.newBuilder()
                .setNodeId("n8d0s1a2b3c4d5e6f7g8h9i0j")
                .setServiceId("s5v1c2e3i4d5a6b7c8d9e0f1g")
                .setServiceName("shop_web")
                .setTaskId("k3x9v0q1w2e3r4t5y6u7i8o9p")
                .setTaskName("shop_web.2.k3x9v0q1w2e3r4t5y6u7i8o9p")
                .setStack("shop")
                .setSlot(2)
                .build());
    assertThat(c.getLimits())
        .isEqualTo(
            Limits.newBuilder()
                .setNanoCpus(500_000_000L)
                .setMemoryBytes(256L << 20)
                .setMemoryReservationBytes(128L << 20)
                .setMemorySwapBytes(512L << 20)
                .setPidsLimit(200)
                .build());
  }

  @Test
  void oomKilledContainerKeepsExitStateHealthRestartsAndCpuLimits() {
    Container c = map("inspect-oom-killed.json");

    assertThat(c.getName()).isEqualTo("batch-import");
    assertThat(c.getImage()).isEqualTo("registry.example.com/acme/importer:1.4.2");
    assertThat(c.getState()).isEqualTo("exited");
    // 2024-05-02T08:15:30.5Z
    assertThat(c.getCreatedUnixNanos()).isEqualTo(1_714_637_730_500_000_000L);
    // 2024-05-02T08:20:11.000123Z
    assertThat(c.getStartedUnixNanos()).isEqualTo(1_714_638_011_000_123_000L);
    // 2024-05-02T08:21:00.999999999Z
    assertThat(c.getFinishedUnixNanos()).isEqualTo(1_714_638_060_999_999_999L);
    assertThat(c.getExitCode()).isEqualTo(137);
    assertThat(c.getOomKilled()).isTrue();
    assertThat(c.getHealthStatus()).isEqualTo("unhealthy");
    assertThat(c.getRestartCount()).isEqualTo(3);
    assertThat(c.getLabelsMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("org.opencontainers.image.version", "1.4.2", "team", "data"));
    assertThat(c.getSwarm()).isEqualTo(SwarmIdentity.getDefaultInstance());
    assertThat(c.getLimits())
        .isEqualTo(
            Limits.newBuilder()
                .setCpuQuota(50_000)
                .setCpuPeriod(100_000)
                .setCpuShares(512)
                .setCpusetCpus("0,1")
                .setMemoryBytes(64L << 20)
                .setMemoryReservationBytes(32L << 20)
                .setMemorySwapBytes(128L << 20)
                .setPidsLimit(64)
                .build());
  }

  @Test
  void plainContainerHasEmptyIdentityNoHealthAndZeroLimits() {
    Container c = map("inspect-plain.json");

    assertThat(c.getName()).isEqualTo("cache");
    assertThat(c.getImage()).isEqualTo("redis:7.2");
    assertThat(c.getState()).isEqualTo("running");
    assertThat(c.getCreatedUnixNanos()).isEqualTo(1_714_557_598_000_000_001L);
    assertThat(c.getStartedUnixNanos()).isEqualTo(1_714_557_598_500_000_000L);
    assertThat(c.getFinishedUnixNanos()).isZero();
    assertThat(c.getHealthStatus()).isEmpty();
    assertThat(c.getLabelsMap()).isEmpty();
    assertThat(c.getSwarm()).isEqualTo(SwarmIdentity.getDefaultInstance());
    assertThat(c.getSwarm().getSlot()).isZero();
    assertThat(c.getLimits()).isEqualTo(Limits.getDefaultInstance());
  }

  @Test
  void globalServiceTaskHasSlotZeroButFullIdentity() {
    Container c = map("inspect-swarm-global-task.json");

    assertThat(c.getName())
        .isEqualTo("monitoring_node-exporter.n8d0s1a2b3c4d5e6f7g8h9i0j.t1a2s3k4i5d6x7y8z9w0v1u2q");
    assertThat(c.getSwarm())
        .isEqualTo(
            SwarmIdentity.newBuilder()
                .setNodeId("n8d0s1a2b3c4d5e6f7g8h9i0j")
                .setServiceId("g1o2b3a4l5s6e7r8v9i0c1e2d")
                .setServiceName("monitoring_node-exporter")
                .setTaskId("t1a2s3k4i5d6x7y8z9w0v1u2q")
                .setTaskName(
                    "monitoring_node-exporter.n8d0s1a2b3c4d5e6f7g8h9i0j.t1a2s3k4i5d6x7y8z9w0v1u2q")
                .setStack("monitoring")
                .setSlot(0)
                .build());
    assertThat(c.getHealthStatus()).isEmpty();
    // "PidsLimit": null and zeros everywhere else: nothing set.
    assertThat(c.getLimits()).isEqualTo(Limits.getDefaultInstance());
    assertThat(c.getStartedUnixNanos()).isEqualTo(1_714_557_900_400_000_000L);
  }

  @Test
  void healthyTaskCarriesItsProbeLogAndPid() {
    Container c = map("inspect-swarm-replicated-task.json");

    assertThat(c.getPid()).isEqualTo(48213);
    assertThat(c.getHealth())
        .isEqualTo(
            Health.newBuilder()
                .setStatus("healthy")
                .setFailingStreak(0)
                .addLog(
                    HealthProbe.newBuilder()
                        // 2024-05-01T10:00:31.002113245Z .. 10:00:31.061540021Z
                        .setStartUnixNanos(1_714_557_631_002_113_245L)
                        .setEndUnixNanos(1_714_557_631_061_540_021L)
                        .setExitCode(0)
                        .setOutput(
                            "  % Total    % Received % Xferd\n100   615  100   615    0     0   600k"
                                + "      0 --:--:-- --:--:-- --:--:--  600k\n"))
                .addLog(
                    HealthProbe.newBuilder()
                        // 2024-05-01T10:01:01.070315908Z .. 10:01:01.128760117Z
                        .setStartUnixNanos(1_714_557_661_070_315_908L)
                        .setEndUnixNanos(1_714_557_661_128_760_117L)
                        .setExitCode(0)
                        .setOutput("ok\n"))
                .build());
  }

  @Test
  void unhealthyContainerKeepsItsFailingStreakTimeoutAndFailedProbes() {
    Container c = map("inspect-oom-killed.json");

    // Exited: the Engine reports Pid 0.
    assertThat(c.getPid()).isZero();
    Health h = c.getHealth();
    assertThat(h.getStatus()).isEqualTo("unhealthy").isEqualTo(c.getHealthStatus());
    assertThat(h.getFailingStreak()).isEqualTo(3);
    assertThat(h.getLogList())
        .containsExactly(
            HealthProbe.newBuilder()
                // 2024-05-02T08:20:21.101Z .. 08:20:26.101Z; -1: the probe timed out
                .setStartUnixNanos(1_714_638_021_101_000_000L)
                .setEndUnixNanos(1_714_638_026_101_000_000L)
                .setExitCode(-1)
                .setOutput("Health check exceeded timeout (5s)")
                .build(),
            HealthProbe.newBuilder()
                // 2024-05-02T08:20:31.2Z .. 08:20:31.25Z
                .setStartUnixNanos(1_714_638_031_200_000_000L)
                .setEndUnixNanos(1_714_638_031_250_000_000L)
                .setExitCode(1)
                .setOutput("importer not ready\n")
                .build());
  }

  @Test
  void containersWithoutAHealthCheckHaveNoHealthButAPid() {
    Container plain = map("inspect-plain.json");
    Container global = map("inspect-swarm-global-task.json");

    assertThat(plain.hasHealth()).isFalse();
    assertThat(plain.getPid()).isEqualTo(3121);
    assertThat(global.hasHealth()).isFalse();
    assertThat(global.getPid()).isEqualTo(51877);
  }

  @Test
  void startingHealthWithoutProbesYetHasAnEmptyLog() {
    InspectContainerResponse r =
        DockerJson.parse(
            """
            {"Id":"abc123","Name":"/h","Created":"2024-05-01T10:00:00Z",
             "State":{"Status":"running","Pid":7,
                      "Health":{"Status":"starting","FailingStreak":0,"Log":null}}}
            """,
            InspectContainerResponse.class);

    Container c = ContainerMapper.toProto(r, OBSERVED);

    assertThat(c.getHealthStatus()).isEqualTo("starting");
    assertThat(c.getHealth())
        .isEqualTo(Health.newBuilder().setStatus("starting").setFailingStreak(0).build());
    assertThat(c.getPid()).isEqualTo(7);
  }

  @Test
  void probeStillRunningHasNoEndTime() {
    InspectContainerResponse r =
        DockerJson.parse(
            """
            {"Id":"abc123","Name":"/h","Created":"2024-05-01T10:00:00Z",
             "State":{"Status":"running","Pid":7,
                      "Health":{"Status":"healthy","FailingStreak":0,"Log":[
                        {"Start":"2024-05-01T10:00:05Z","End":"0001-01-01T00:00:00Z",
                         "ExitCode":0,"Output":""}]}}}
            """,
            InspectContainerResponse.class);

    HealthProbe p = ContainerMapper.toProto(r, OBSERVED).getHealth().getLog(0);

    assertThat(p.getStartUnixNanos()).isEqualTo(1_714_557_605_000_000_000L);
    assertThat(p.getEndUnixNanos()).isZero();
    assertThat(p.getOutput()).isEmpty();
  }

  @Test
  void sparseInspectResultWithoutStateConfigLabelsOrHostConfigStillMaps() {
    InspectContainerResponse r =
        DockerJson.parse(
            """
            {"Id":"abc123","Name":"/lonely","Created":"2024-05-01T10:00:00Z",
             "Config":{"Image":"busybox:1.36","Labels":null}}
            """,
            InspectContainerResponse.class);

    Container c = ContainerMapper.toProto(r, OBSERVED);

    assertThat(c.getId()).isEqualTo("abc123");
    assertThat(c.getName()).isEqualTo("lonely");
    assertThat(c.getImage()).isEqualTo("busybox:1.36");
    assertThat(c.getCreatedUnixNanos()).isEqualTo(1_714_557_600_000_000_000L);
    assertThat(c.getState()).isEmpty();
    assertThat(c.getLabelsMap()).isEmpty();
    assertThat(c.getSwarm()).isEqualTo(SwarmIdentity.getDefaultInstance());
    assertThat(c.hasLimits()).isFalse();
    assertThat(c.getObservedUnixNanos()).isEqualTo(OBSERVED);
  }

  @Test
  void unparseableCreatedTimeIsRejectedNotSilentlyZeroed() {
    InspectContainerResponse r =
        DockerJson.parse(
            """
            {"Id":"abc123","Name":"/x","Created":"yesterday"}
            """,
            InspectContainerResponse.class);

    assertThatThrownBy(() -> ContainerMapper.toProto(r, OBSERVED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("yesterday");
  }

  @Test
  void limitsTakesEachHostConfigFieldIndependently() {
    HostConfig h =
        HostConfig.newHostConfig()
            .withNanoCPUs(1_500_000_000L)
            .withMemory(1L << 30)
            .withPidsLimit(-1L);

    assertThat(ContainerMapper.limits(h))
        .isEqualTo(
            Limits.newBuilder()
                .setNanoCpus(1_500_000_000L)
                .setMemoryBytes(1L << 30)
                .setPidsLimit(-1)
                .build());
    assertThat(ContainerMapper.limits(HostConfig.newHostConfig()))
        .isEqualTo(Limits.getDefaultInstance());
  }

  @Test
  void swarmIdentityDerivesSlotFromTaskName() {
    assertThat(
            ContainerMapper.swarmIdentity(
                    Map.of(
                        ContainerMapper.SERVICE_NAME, "web",
                        ContainerMapper.TASK_NAME, "web.12.abcdefghijklmnopqrstuvwxy"))
                .getSlot())
        .isEqualTo(12);
    assertThat(
            ContainerMapper.swarmIdentity(
                    Map.of(
                        ContainerMapper.SERVICE_NAME, "agent",
                        ContainerMapper.TASK_NAME,
                            "agent.n8d0s1a2b3c4d5e6f7g8h9i0j.abcdefghijklmnopqrstuvwxy"))
                .getSlot())
        .isZero();
    // A task name that does not start with the service name (should not happen) gives no slot.
    assertThat(
            ContainerMapper.swarmIdentity(
                    Map.of(
                        ContainerMapper.SERVICE_NAME, "web",
                        ContainerMapper.TASK_NAME, "api.3.abcdefghijklmnopqrstuvwxy"))
                .getSlot())
        .isZero();
    assertThat(ContainerMapper.swarmIdentity(Map.of()))
        .isEqualTo(SwarmIdentity.getDefaultInstance());
  }
}
