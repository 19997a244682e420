package io.swarmwatch.collector.alert.delivery;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code burst} messages at once, refilled at {@code perSecond}. Chat platforms
 * throttle webhooks (Slack about one message per second per channel); staying under their limit
 * avoids 429s instead of retrying them. One per receiver, used by its one delivery thread.
 */
final class RateLimiter {
  private final double perNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  RateLimiter(double perSecond, int burst, LongSupplier nanoTime) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("need perSecond > 0 and burst >= 1");
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  /** Nanoseconds to wait before the next message may go; 0 means now (and takes the token). */
  long reserve() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - tokens) / perNano);
  }
}
