package io.swarmwatch.agent.ship;

import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The agent's on-disk spool of messages the collector has not acknowledged. Defaults:
 *
 * <ul>
 *   <li>{@code SWARMWATCH_SPOOL_DIR} = {@code ./spool}; the spool lives in its {@code outbox}
 *       subdirectory, next to the log checkpoints
 *   <li>{@code SWARMWATCH_SPOOL_MAX_BYTES} = 512 MiB: past it, the oldest log batches are dropped
 *       first, then samples (usage, host, agent stats, swarm views); events, container states and
 *       snapshots never
 *   <li>{@code SWARMWATCH_SPOOL_SEGMENT_BYTES} = 8 MiB: one file per segment; a segment is deleted
 *       once all its messages are acknowledged
 *   <li>{@code SWARMWATCH_SPOOL_FSYNC_INTERVAL} = 100ms: how often appended records are forced to
 *       disk (log checkpoints only advance past what was forced)
 *   <li>{@code SWARMWATCH_SPOOL_MEMORY_BYTES} = 16 MiB: while the spool cannot be written (disk
 *       full), messages wait in memory up to this many bytes, then the oldest log batches are
 *       dropped first, then samples; events, container states and snapshots never
 * </ul>
 */
public record SpoolConfig(
    Path dir, long maxBytes, long segmentBytes, Duration fsyncInterval, long memoryBytes) {
  public static final long DEFAULT_MEMORY_BYTES = 16L * 1024 * 1024;
  public static final long DEFAULT_MAX_BYTES = 512L * 1024 * 1024;
  public static final long DEFAULT_SEGMENT_BYTES = 8L * 1024 * 1024;

  public SpoolConfig {
    if (segmentBytes < 4096) {
      throw new ConfigException("SWARMWATCH_SPOOL_SEGMENT_BYTES must be at least 4 KiB");
    }
    if (maxBytes < 4 * segmentBytes) {
      throw new ConfigException(
          "SWARMWATCH_SPOOL_MAX_BYTES must be at least 4 x SWARMWATCH_SPOOL_SEGMENT_BYTES ("
              + 4 * segmentBytes
              + " bytes)");
    }
    if (fsyncInterval.isNegative() || fsyncInterval.isZero()) {
      throw new ConfigException("SWARMWATCH_SPOOL_FSYNC_INTERVAL must be positive");
    }
    if (memoryBytes < 64 * 1024) {
      throw new ConfigException("SWARMWATCH_SPOOL_MEMORY_BYTES must be at least 64 KiB");
    }
  }

  /** With the default memory bound. */
  public SpoolConfig(Path dir, long maxBytes, long segmentBytes, Duration fsyncInterval) {
    this(dir, maxBytes, segmentBytes, fsyncInterval, DEFAULT_MEMORY_BYTES);
  }

  public static SpoolConfig from(Env env) {
    Path spool = Path.of(env.string("SWARMWATCH_SPOOL_DIR", "./spool"));
    return new SpoolConfig(
        spool.resolve("outbox"),
        env.bytes("SWARMWATCH_SPOOL_MAX_BYTES", DEFAULT_MAX_BYTES),
        env.bytes("SWARMWATCH_SPOOL_SEGMENT_BYTES", DEFAULT_SEGMENT_BYTES),
        env.duration("SWARMWATCH_SPOOL_FSYNC_INTERVAL", Duration.ofMillis(100)),
        env.bytes("SWARMWATCH_SPOOL_MEMORY_BYTES", DEFAULT_MEMORY_BYTES));
  }
}
