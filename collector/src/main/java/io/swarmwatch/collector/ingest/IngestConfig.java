package io.swarmwatch.collector.ingest;

import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where ingest keeps its durable state, and how often it makes applied messages durable. Defaults:
 *
 * <ul>
 *   <li>{@code SWARMWATCH_DATA_DIR} = {@code ./data}: the per-stream high-water marks live in
 *       {@code <dir>/ingest/high-water-marks}
 *   <li>{@code SWARMWATCH_ACK_INTERVAL} = 5s (the log store's own commit interval): how often the
 *       log store is committed and the marks written, after which agents are acknowledged (and may
 *       delete what they spooled)
 * </ul>
 */
public record IngestConfig(Path dir, Duration ackInterval) {
  public IngestConfig {
    if (ackInterval.toMillis() < 10 || ackInterval.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new ConfigException("SWARMWATCH_ACK_INTERVAL must be between 10ms and 60s");
    }
  }

  public static IngestConfig from(Env env) {
    return new IngestConfig(
        Path.of(env.string("SWARMWATCH_DATA_DIR", "./data")).resolve("ingest"),
        env.duration("SWARMWATCH_ACK_INTERVAL", Duration.ofSeconds(5)));
  }
}
