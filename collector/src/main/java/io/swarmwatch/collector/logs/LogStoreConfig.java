package io.swarmwatch.collector.logs;

import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The embedded log store, from the environment. Defaults:
 *
 * <ul>
 *   <li>{@code SWARMWATCH_DATA_DIR} = {@code ./data}: lines live under {@code <dir>/logs}, one
 *       Lucene index per hour (UTC)
 *   <li>{@code SWARMWATCH_LOGS_RETENTION} = 7d: hours older than this are deleted whole
 *   <li>{@code SWARMWATCH_LOGS_MAX_BYTES} = 10GiB: beyond this on disk, the oldest hours are
 *       deleted (the current one never)
 *   <li>{@code SWARMWATCH_LOGS_REFRESH} = 250ms: new lines are searchable within this
 *   <li>{@code SWARMWATCH_LOGS_COMMIT} = 5s: how often lines are made durable on disk
 *   <li>{@code SWARMWATCH_LOGS_FOLLOW_BUFFER} = 10000: lines held per {@code follow=true} client
 *       that reads slower than they come (beyond it, lines are skipped and the client told how
 *       many)
 * </ul>
 */
public record LogStoreConfig(
    Path dir,
    Duration retention,
    long maxBytes,
    Duration refresh,
    Duration commit,
    int followBuffer) {

  public static LogStoreConfig from(Env env) {
    Path data = Path.of(env.string("SWARMWATCH_DATA_DIR", "./data"));
    Duration retention = env.duration("SWARMWATCH_LOGS_RETENTION", Duration.ofDays(7));
    if (retention.compareTo(Duration.ofHours(1)) < 0) {
      throw new ConfigException("SWARMWATCH_LOGS_RETENTION must be at least 1h");
    }
    long maxBytes = env.bytes("SWARMWATCH_LOGS_MAX_BYTES", 10L << 30);
    if (maxBytes < 1 << 20) {
      throw new ConfigException("SWARMWATCH_LOGS_MAX_BYTES must be at least 1MiB");
    }
    Duration refresh = env.duration("SWARMWATCH_LOGS_REFRESH", Duration.ofMillis(250));
    if (refresh.toMillis() < 10 || refresh.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new ConfigException("SWARMWATCH_LOGS_REFRESH must be between 10ms and 60s");
    }
    Duration commit = env.duration("SWARMWATCH_LOGS_COMMIT", Duration.ofSeconds(5));
    if (commit.toMillis() < 100) {
      throw new ConfigException("SWARMWATCH_LOGS_COMMIT must be at least 100ms");
    }
    int follow = env.integer("SWARMWATCH_LOGS_FOLLOW_BUFFER", 10_000);
    if (follow < 100) {
      throw new ConfigException("SWARMWATCH_LOGS_FOLLOW_BUFFER must be at least 100");
    }
    return new LogStoreConfig(data.resolve("logs"), retention, maxBytes, refresh, commit, follow);
  }
}
