package io.swarmwatch.agent.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Whether the agent is doing its job, as the container healthcheck sees it: its Engine answers a
 * ping now, and it has not been away from the collector for longer than {@code maxDisconnected}.
 *
 * <p>A collector that is merely down for a while does not make agents unhealthy: swarm replaces
 * unhealthy tasks, and restarting every agent in the cluster would not bring the collector back.
 * Thread-safe; called from the health endpoint's single thread.
 */
public final class AgentHealth {
  private final Runnable enginePing;
  private final BooleanSupplier connected;
  private final Duration maxDisconnected;
  private final Clock clock;
  private Instant disconnectedSince;

  /**
   * @param enginePing returns normally if the Engine answered, throws with the reason otherwise
   * @param connected whether the stream to the collector is up now
   */
  public AgentHealth(
      Runnable enginePing, BooleanSupplier connected, Duration maxDisconnected, Clock clock) {
    this.enginePing = enginePing;
    this.connected = connected;
    this.maxDisconnected = maxDisconnected;
    this.clock = clock;
    // Counted from start: an agent that never reaches its collector is as stuck as one that lost
    // it.
    this.disconnectedSince = clock.instant();
  }

  /** The verdict and its reasons, as the endpoint returns it. */
  public record Status(boolean healthy, String engine, String collector) {}

  public synchronized Status check() {
    String engine;
    boolean engineOk;
    try {
      enginePing.run();
      engine = "ok";
      engineOk = true;
    } catch (RuntimeException e) {
      engine = "not answering: " + e.getMessage();
      engineOk = false;
    }
    Instant now = clock.instant();
    String collector;
    boolean collectorOk;
    if (connected.getAsBoolean()) {
      disconnectedSince = null;
      collector = "connected";
      collectorOk = true;
    } else {
      if (disconnectedSince == null) {
        disconnectedSince = now;
      }
      Duration away = Duration.between(disconnectedSince, now);
      collector = "disconnected for " + away.toSeconds() + "s";
      collectorOk = maxDisconnected.isZero() || away.compareTo(maxDisconnected) <= 0;
    }
    return new Status(engineOk && collectorOk, engine, collector);
  }
}
