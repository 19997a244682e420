package io.swarmwatch.agent.health;

import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import java.time.Duration;

/**
 * The agent's health endpoint, which the container healthcheck asks ({@code GET /healthz}).
 *
 * @param bind {@code SWARMWATCH_HEALTH_BIND}, default {@code 127.0.0.1}: only the healthcheck,
 *     which runs inside the agent's container, needs to reach it
 * @param port {@code SWARMWATCH_HEALTH_PORT}, default 0 = no endpoint (two agents on one host would
 *     otherwise clash; the image sets 8081)
 * @param maxDisconnected {@code SWARMWATCH_HEALTH_MAX_DISCONNECTED}, default 5m: away from the
 *     collector longer than this makes the agent unhealthy (0 = never). Long, because swarm
 *     restarts an unhealthy task and a restart cannot bring a collector back.
 */
public record HealthConfig(String bind, int port, Duration maxDisconnected) {
  public static final Duration DEFAULT_MAX_DISCONNECTED = Duration.ofMinutes(5);

  public static HealthConfig from(Env env) {
    Duration max = env.duration("SWARMWATCH_HEALTH_MAX_DISCONNECTED", DEFAULT_MAX_DISCONNECTED);
    if (max.isNegative()) {
      throw new ConfigException("SWARMWATCH_HEALTH_MAX_DISCONNECTED must not be negative");
    }
    return new HealthConfig(
        env.string("SWARMWATCH_HEALTH_BIND", "127.0.0.1"),
        env.port("SWARMWATCH_HEALTH_PORT", 0),
        max);
  }

  public boolean enabled() {
    return port > 0;
  }
}
