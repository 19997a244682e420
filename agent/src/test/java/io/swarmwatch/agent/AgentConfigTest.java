package io.swarmwatch.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmwatch.agent.health.HealthConfig;
import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  @Test
  void defaultsReadTheHostTheAgentRunsOn() {
    AgentConfig c = AgentConfig.from(new Env(Map.of()));
    assertThat(c.dockerHost()).isEqualTo("unix:///var/run/docker.sock");
    assertThat(c.shipper().target()).isEqualTo("localhost:7070");
    assertThat(c.usage().interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.usage().cgroupRoot()).isEqualTo(Path.of("/sys/fs/cgroup"));
    assertThat(c.usage().procRoot()).isEqualTo(Path.of("/proc"));
    assertThat(c.host().procRoot()).isEqualTo(Path.of("/proc"));
    assertThat(c.host().sysRoot()).isEqualTo(Path.of("/sys"));
    assertThat(c.host().rootFs()).isEqualTo(Path.of("/"));
    assertThat(c.hostInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.statsInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.health()).isEqualTo(new HealthConfig("127.0.0.1", 0, Duration.ofMinutes(5)));
  }

  @Test
  void aMountedHostMovesTheCgroupTreeWithItsSys() {
    AgentConfig c =
        AgentConfig.from(
            new Env(
                Map.of(
                    "SWARMWATCH_HOST_PROC", "/host/proc",
                    "SWARMWATCH_HOST_SYS", "/host/sys/",
                    "SWARMWATCH_HOST_ROOTFS", "/host/root",
                    "SWARMWATCH_USAGE_INTERVAL", "15s")));
    assertThat(c.usage().cgroupRoot()).isEqualTo(Path.of("/host/sys/fs/cgroup"));
    assertThat(c.usage().procRoot()).isEqualTo(Path.of("/host/proc"));
    assertThat(c.host().sysRoot()).isEqualTo(Path.of("/host/sys"));
    assertThat(c.host().rootFs()).isEqualTo(Path.of("/host/root"));
    assertThat(c.usage().interval()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void anExplicitCgroupRootWins() {
    AgentConfig c =
        AgentConfig.from(
            new Env(
                Map.of(
                    "SWARMWATCH_HOST_SYS", "/host/sys",
                    "SWARMWATCH_CGROUP_ROOT", "/cg")));
    assertThat(c.usage().cgroupRoot()).isEqualTo(Path.of("/cg"));
  }

  @Test
  void relativePathsAndTooShortIntervalsAreRejectedByName() {
    assertThatThrownBy(() -> AgentConfig.from(new Env(Map.of("SWARMWATCH_HOST_PROC", "proc"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SWARMWATCH_HOST_PROC");
    assertThatThrownBy(
            () -> AgentConfig.from(new Env(Map.of("SWARMWATCH_USAGE_INTERVAL", "100ms"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SWARMWATCH_USAGE_INTERVAL");
    assertThatThrownBy(() -> AgentConfig.from(new Env(Map.of("SWARMWATCH_HOST_INTERVAL", "soon"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SWARMWATCH_HOST_INTERVAL");
  }
}
