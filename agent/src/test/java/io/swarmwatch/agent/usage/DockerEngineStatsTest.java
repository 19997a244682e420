package io.swarmwatch.agent.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.core.DockerClientConfig;
import io.swarmwatch.common.Times;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The Engine's stats answers, captured from Engine 20.10 on cgroup v1 ({@code GET
 * /containers/{id}/stats?stream=0}), read with docker-java's own ObjectMapper.
 */
class DockerEngineStatsTest {
  private static final ObjectMapper MAPPER = DockerClientConfig.getDefaultObjectMapper();

  /** MemTotal of the Engine the fixtures were captured on. */
  private static final long MEM_TOTAL = 25276063744L;

  private static Statistics fixture(String name) throws IOException {
    try (InputStream in = DockerEngineStatsTest.class.getResourceAsStream("/usage/" + name)) {
      return MAPPER.readValue(in, Statistics.class);
    }
  }

  @Test
  void mapsARunningContainerWithLimits() throws IOException {
    // docker run --memory 64m --cpus 0.5 swarmwatch-test/plain:1
    RawUsage u = DockerEngineStats.toRaw(fixture("engine-stats-v1.json"), MEM_TOTAL);
    assertThat(u)
        .isEqualTo(
            new RawUsage(
                "engine-stats",
                Times.parseRfc3339ToNanos("2026-11-22T06:08:19.447362383Z"),
                50556677,
                44,
                0,
                0,
                745472,
                745472,
                64 * FakeHost.MIB,
                -1,
                2,
                0));
  }

  @Test
  void theHostsMemoryAsLimitMeansUnlimited() throws IOException {
    // docker run swarmwatch-test/plain:1: the Engine reports MemTotal as the limit.
    Statistics s = fixture("engine-stats-v1-unlimited.json");
    assertThat(DockerEngineStats.toRaw(s, MEM_TOTAL).memoryLimitBytes()).isEqualTo(-1);
    assertThat(DockerEngineStats.toRaw(s, 0).memoryLimitBytes())
        .as("MemTotal unknown: passed through")
        .isEqualTo(MEM_TOTAL);
  }

  @Test
  void aStoppedContainerIsGone() throws IOException {
    // The Engine answers an exited container with zeros and Go's zero time.
    assertThat(DockerEngineStats.toRaw(fixture("engine-stats-exited.json"), MEM_TOTAL)).isNull();
  }

  @Test
  void workingSetSubtractsInactiveFileOfEitherCgroupVersion() throws IOException {
    String v2 =
        "{\"read\":\"2026-01-01T00:00:00Z\",\"pids_stats\":{\"current\":4},"
            + "\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":1000}},"
            + "\"memory_stats\":{\"usage\":1000000,\"limit\":2000000,"
            + "\"stats\":{\"anon\":600000,\"file\":400000,\"inactive_file\":300000}}}";
    RawUsage u = DockerEngineStats.toRaw(MAPPER.readValue(v2, Statistics.class), MEM_TOTAL);
    assertThat(u.memoryWorkingSetBytes()).isEqualTo(700000);
    assertThat(u.memoryLimitBytes()).isEqualTo(2000000);
    assertThat(u.cpuPeriods()).as("no throttling_data").isEqualTo(-1);
    assertThat(u.pids()).isEqualTo(4);

    String v1 =
        "{\"read\":\"2026-01-01T00:00:00Z\",\"memory_stats\":{\"usage\":1000000,"
            + "\"stats\":{\"inactive_file\":1,\"total_inactive_file\":250000}}}";
    u = DockerEngineStats.toRaw(MAPPER.readValue(v1, Statistics.class), MEM_TOTAL);
    assertThat(u.memoryWorkingSetBytes()).isEqualTo(750000);
    assertThat(u.memoryLimitBytes()).isEqualTo(-1);
    assertThat(u.cpuUsageNanos()).isEqualTo(-1);
  }
}
