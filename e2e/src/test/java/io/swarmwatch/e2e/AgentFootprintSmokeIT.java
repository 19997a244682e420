package io.swarmwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.testing.Cmd;
import io.swarmwatch.testing.TestEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Smoke run of the agent footprint benchmark (bench/agent-footprint.sh) with tiny sizes, so the
 * script keeps working: the agent run the way the image runs it (unpacked classes, the image's
 * options file) against the real Engine, two containers, a 5-second window. The figures themselves
 * are BENCHMARKS.md's business; this checks the script produces a sane row.
 */
class AgentFootprintSmokeIT {
  private static final Pattern ROW =
      Pattern.compile(
          "\\| 2 \\| ([0-9.]+) / ([0-9.]+) / ([0-9.]+) \\| ([0-9.]+) \\| (\\d+) \\| (\\d+) \\|");

  @Test
  void theScriptMeasuresAnAgentWatchingTwoContainers() {
    String host = TestEngine.require();
    Path repo = Path.of(System.getProperty("swarmwatch.repo", "..")).toAbsolutePath().normalize();
    String out =
        Cmd.ok(
            Map.of(
                "DOCKER_HOST", host,
                "FP_WARMUP", "3",
                "FP_WINDOW", "5",
                "FP_GRPC_PORT", "27171",
                "FP_HTTP_PORT", "28181"),
            Duration.ofMinutes(4),
            List.of(repo.resolve("bench/agent-footprint.sh").toString(), "2"));
    Matcher m = ROW.matcher(out);
    assertThat(m.find()).as("a row for 2 containers in:\n" + out).isTrue();
    double rssMedian = Double.parseDouble(m.group(2));
    // A JVM with the agent's classes loaded: tens of MiB, never 0, never the 64 MiB heap cap x 4.
    assertThat(rssMedian).as("agent RSS MiB").isBetween(30.0, 256.0);
    assertThat(Integer.parseInt(m.group(5))).as("agent threads").isPositive();
    assertThat(Integer.parseInt(m.group(6)))
        .as("containers on the Engine")
        .isGreaterThanOrEqualTo(2);
  }
}
