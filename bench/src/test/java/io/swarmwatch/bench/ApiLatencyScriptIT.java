package io.swarmwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Smoke run of bench/api-latency.sh with tiny sizes (10 agents x 5 containers, 2 s per route, 4
 * connections), so the script keeps working: the packaged collector with a model loaded by
 * CollectorLoad, wrk against each route. Every route must answer 2xx under the load.
 */
class ApiLatencyScriptIT {
  @Test
  void everyRouteAnswersUnderWrk() throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    ProcessBuilder pb =
        new ProcessBuilder(repo.resolve("bench/api-latency.sh").toString())
            .redirectErrorStream(true);
    pb.environment().put("AL_AGENTS", "10");
    pb.environment().put("AL_CONTAINERS", "5");
    pb.environment().put("AL_SECONDS", "2");
    pb.environment().put("AL_CONNECTIONS", "4");
    pb.environment().put("AL_HEAP", "256m");
    pb.environment().put("AL_GRPC_PORT", "37471");
    pb.environment().put("AL_HTTP_PORT", "38481");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the script finished").isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("model loaded: 50 replicas");
    for (String route :
        new String[] {
          "/api/v1/replicas?status=unhealthy", "/api/v1/services", "/api/v1/nodes", "/metrics"
        }) {
      assertThat(out).as(out).contains("== GET " + route);
    }
    assertThat(out)
        .as(out)
        .contains("Requests/sec")
        .doesNotContain("Non-2xx")
        .doesNotContain("Socket errors");
  }
}
