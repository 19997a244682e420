package io.swarmwatch.agent.logs;

import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Log capture settings, from the environment. Defaults:
 *
 * <ul>
 *   <li>{@code SWARMWATCH_LOGS} = true (capture container logs at all)
 *   <li>{@code SWARMWATCH_SPOOL_DIR} = {@code ./spool} (the checkpoint file lives there)
 *   <li>{@code SWARMWATCH_LOG_MAX_LINE} = 64KiB (longer lines are cut and marked truncated)
 *   <li>{@code SWARMWATCH_LOG_BATCH_LINES} = 5000, {@code SWARMWATCH_LOG_BATCH_BYTES} = 1MiB,
 *       {@code SWARMWATCH_LOG_BATCH_DELAY} = 200ms: a batch leaves at whichever comes first
 *   <li>{@code SWARMWATCH_LOG_IN_FLIGHT} = 8MiB: unacknowledged log bytes; beyond it the agent
 *       stops reading from the Engine until the collector catches up
 * </ul>
 *
 * @param engine the Engine's socket, from {@code DOCKER_HOST}; empty when it can't be read without
 *     TLS (log capture is then off, and the agent says so)
 */
public record LogsConfig(
    boolean enabled,
    Optional<SocketAddress> engine,
    Path spoolDir,
    int maxLineBytes,
    int batchLines,
    int batchBytes,
    Duration batchDelay,
    long inFlightBytes) {

  public static final String OPT_OUT_LABEL = "swarmwatch.logs";

  public static LogsConfig from(Env env, String dockerHost) {
    long maxLine = env.bytes("SWARMWATCH_LOG_MAX_LINE", 64 * 1024);
    if (maxLine < 1024 || maxLine > 8L << 20) {
      throw new ConfigException("SWARMWATCH_LOG_MAX_LINE must be between 1KiB and 8MiB");
    }
    int lines = env.integer("SWARMWATCH_LOG_BATCH_LINES", 5000);
    if (lines < 1) {
      throw new ConfigException("SWARMWATCH_LOG_BATCH_LINES must be >= 1");
    }
    long bytes = env.bytes("SWARMWATCH_LOG_BATCH_BYTES", 1 << 20);
    if (bytes < 1024 || bytes > 8L << 20) {
      throw new ConfigException("SWARMWATCH_LOG_BATCH_BYTES must be between 1KiB and 8MiB");
    }
    Duration delay = env.duration("SWARMWATCH_LOG_BATCH_DELAY", Duration.ofMillis(200));
    if (delay.isNegative() || delay.isZero() || delay.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new ConfigException("SWARMWATCH_LOG_BATCH_DELAY must be between 1ms and 10s");
    }
    long inFlight = env.bytes("SWARMWATCH_LOG_IN_FLIGHT", 8L << 20);
    if (inFlight < bytes) {
      throw new ConfigException(
          "SWARMWATCH_LOG_IN_FLIGHT must be at least SWARMWATCH_LOG_BATCH_BYTES");
    }
    boolean tls = env.bool("DOCKER_TLS_VERIFY", false);
    return new LogsConfig(
        env.bool("SWARMWATCH_LOGS", true),
        tls ? Optional.empty() : Optional.of(address(dockerHost)),
        Path.of(env.string("SWARMWATCH_SPOOL_DIR", "./spool")),
        (int) maxLine,
        lines,
        (int) bytes,
        delay,
        inFlight);
  }

  /** {@code unix:///path} or {@code tcp://host:port}, as docker's own clients take them. */
  static SocketAddress address(String dockerHost) {
    URI uri;
    try {
      uri = URI.create(dockerHost);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("DOCKER_HOST is not a URI: " + dockerHost);
    }
    String scheme = String.valueOf(uri.getScheme());
    return switch (scheme) {
      case "unix" -> UnixDomainSocketAddress.of(uri.getPath());
      case "tcp", "http" -> {
        if (uri.getHost() == null) {
          throw new ConfigException("DOCKER_HOST has no host: " + dockerHost);
        }
        yield InetSocketAddress.createUnresolved(
            uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 2375);
      }
      default ->
          throw new ConfigException(
              "DOCKER_HOST must be unix:// or tcp:// for log capture, not " + dockerHost);
    };
  }
}
