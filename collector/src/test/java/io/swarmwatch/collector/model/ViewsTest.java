package io.swarmwatch.collector.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.proto.v1.ContainerUsage;
import io.swarmwatch.proto.v1.Resources;
import io.swarmwatch.proto.v1.SwarmService;
import io.swarmwatch.proto.v1.UpdateStatus;
import org.junit.jupiter.api.Test;

/** Wire messages to API views: units, "not available" as null. */
class ViewsTest {
  private static final long T0_NANOS = 1_714_557_600_000_000_000L;

  @Test
  void usageWithEveryCounter() {
    ContainerUsage u =
        ContainerUsage.newBuilder()
            .setContainerId("c1")
            .setSource("cgroup-v1")
            .setCpuUsageNanos(9_000_000_000L)
            .setCpuPercentOfHostCore(150.0)
            .setCpuPercentOfLimit(75.0)
            .setCpuPeriods(1000)
            .setCpuThrottledPeriods(40)
            .setCpuThrottledNanos(1_250_000_000L)
            .setMemoryUsageBytes(300L << 20)
            .setMemoryWorkingSetBytes(200L << 20)
            .setMemoryLimitBytes(800L << 20)
            .setOomKills(1)
            .setPids(12)
            .build();

    assertThat(Views.usage(T0_NANOS, u))
        .isEqualTo(
            new UsageView(
                "2024-05-01T10:00:00Z",
                "cgroup-v1",
                150.0,
                75.0,
                200L << 20,
                300L << 20,
                800L << 20,
                25.0,
                1000L,
                40L,
                1.25,
                1L,
                12L));
  }

  @Test
  void minusOneMeansNotAvailableAndShowsAsNull() {
    ContainerUsage u =
        ContainerUsage.newBuilder()
            .setSource("engine-stats")
            .setCpuPercentOfHostCore(-1)
            .setCpuPercentOfLimit(-1)
            .setCpuPeriods(-1)
            .setCpuThrottledPeriods(-1)
            .setCpuThrottledNanos(-1)
            .setMemoryUsageBytes(-1)
            .setMemoryWorkingSetBytes(-1)
            .setMemoryLimitBytes(-1)
            .setOomKills(-1)
            .setPids(-1)
            .build();

    assertThat(Views.usage(T0_NANOS, u))
        .isEqualTo(
            new UsageView(
                "2024-05-01T10:00:00Z",
                "engine-stats",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null));
  }

  @Test
  void unlimitedMemoryHasNoPercentOfLimit() {
    ContainerUsage u =
        ContainerUsage.newBuilder()
            .setMemoryWorkingSetBytes(10L << 20)
            .setMemoryLimitBytes(-1)
            .build();

    UsageView v = Views.usage(T0_NANOS, u);

    assertThat(v.memoryBytes()).isEqualTo(10L << 20);
    assertThat(v.memoryLimitBytes()).isNull();
    assertThat(v.memoryPercentOfLimit()).isNull();
  }

  @Test
  void zeroCountersAreZeroNotNull() {
    UsageView v = Views.usage(T0_NANOS, ContainerUsage.newBuilder().setMemoryLimitBytes(1).build());

    assertThat(v.cpuPercent()).isZero();
    assertThat(v.cpuThrottledSeconds()).isZero();
    assertThat(v.memoryPercentOfLimit()).isZero();
    assertThat(v.pids()).isZero();
  }

  @Test
  void resourcesWithNothingSetAreNull() {
    assertThat(Views.resources(Resources.getDefaultInstance())).isNull();
    assertThat(Views.resources(Resources.newBuilder().setNanoCpus(250_000_000).build()))
        .isEqualTo(new ServiceView.Resources(250_000_000L, null));
  }

  @Test
  void updateStatusOnlyWhenTheEngineSentOne() {
    assertThat(Views.update(SwarmService.getDefaultInstance())).isNull();
    assertThat(
            Views.update(
                SwarmService.newBuilder()
                    .setUpdateStatus(
                        UpdateStatus.newBuilder()
                            .setState("completed")
                            .setStartedUnixNanos(T0_NANOS)
                            .setCompletedUnixNanos(T0_NANOS + 2_000_000_000L))
                    .build()))
        .isEqualTo(
            new ServiceView.Update(
                "completed", null, "2024-05-01T10:00:00Z", "2024-05-01T10:00:02Z"));
  }
}
