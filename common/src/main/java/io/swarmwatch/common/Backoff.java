package io.swarmwatch.common;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of min·2ⁿ, capped
 * at max. Jitter keeps a fleet of agents from reconnecting in lock-step after the collector
 * restarts. Not thread-safe: one instance per retry loop.
 */
public final class Backoff {
  private final Duration min;
  private final Duration max;
  private final DoubleSupplier random;
  private int attempt;

  public Backoff(Duration min, Duration max, DoubleSupplier random) {
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("need 0 < min <= max, got " + min + ", " + max);
    }
    this.min = min;
    this.max = max;
    this.random = random;
  }

  public Backoff(Duration min, Duration max) {
    this(min, max, Math::random);
  }

  /** The wait before the next attempt; each call doubles the ceiling until max. */
  public Duration next() {
    long ceiling = min.toMillis() << Math.min(attempt, 30);
    if (ceiling <= 0 || ceiling > max.toMillis()) {
      ceiling = max.toMillis();
    }
    attempt++;
    long half = ceiling / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (ceiling - half)));
  }

  /** Call after a success, so the next failure starts again from min. */
  public void reset() {
    attempt = 0;
  }
}
