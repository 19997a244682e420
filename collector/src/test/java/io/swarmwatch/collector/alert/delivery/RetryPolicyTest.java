package io.swarmwatch.collector.alert.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.collector.alert.config.AlertRules;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private final AlertRules.Delivery policy =
      new AlertRules.Delivery(
          Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofHours(1), 10, 100);

  @Test
  void backoffDoublesWithJitterUpToTheCeiling() {
    RetryPolicy top = new RetryPolicy(policy, () -> 0.999_999);
    RetryPolicy bottom = new RetryPolicy(policy, () -> 0.0);
    assertThat(top.backoff(1)).isEqualTo(Duration.ofMillis(999));
    assertThat(bottom.backoff(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(top.backoff(2)).isEqualTo(Duration.ofMillis(1999));
    assertThat(bottom.backoff(4)).isEqualTo(Duration.ofMillis(4000));
    assertThat(top.backoff(10)).isEqualTo(Duration.ofMillis(59_999));
    assertThat(top.backoff(100)).isEqualTo(Duration.ofMillis(59_999));
  }

  @Test
  void statusDecidesRetryOrGiveUp() {
    RetryPolicy p = new RetryPolicy(policy, () -> 0.5);
    assertThat(p.decide(200, Optional.empty(), 1, T0, T0).outcome()).isEqualTo("delivered");
    assertThat(p.decide(204, Optional.empty(), 1, T0, T0).outcome()).isEqualTo("delivered");
    assertThat(p.decide(500, Optional.empty(), 1, T0, T0).outcome()).isEqualTo("retrying");
    assertThat(p.decide(0, Optional.empty(), 1, T0, T0).outcome()).isEqualTo("retrying");
    assertThat(p.decide(408, Optional.empty(), 1, T0, T0).outcome()).isEqualTo("retrying");
    assertThat(p.decide(400, Optional.empty(), 1, T0, T0).outcome()).isEqualTo("failed");
    assertThat(p.decide(404, Optional.empty(), 1, T0, T0).outcome()).isEqualTo("failed");
    // Past give_up_after from creation: failed, not retried.
    assertThat(
            p.decide(500, Optional.empty(), 9, T0, T0.plus(Duration.ofMinutes(59).plusSeconds(59)))
                .outcome())
        .isEqualTo("failed");
  }

  @Test
  void retryAfterIsHonouredInSecondsOrAsADate() {
    RetryPolicy p = new RetryPolicy(policy, () -> 0.5);
    assertThat(p.decide(429, Optional.of("7"), 1, T0, T0).delay()).isEqualTo(Duration.ofSeconds(7));
    assertThat(p.decide(429, Optional.of("0.25"), 1, T0, T0).delay())
        .isEqualTo(Duration.ofMillis(250));
    assertThat(p.decide(429, Optional.of("Wed, 01 May 2024 10:02:00 GMT"), 1, T0, T0).delay())
        .isEqualTo(Duration.ofMinutes(2));
    assertThat(p.decide(503, Optional.of("3"), 1, T0, T0).delay()).isEqualTo(Duration.ofSeconds(3));
    // Garbage: fall back to backoff.
    assertThat(p.decide(429, Optional.of("soon"), 1, T0, T0).delay())
        .isEqualTo(Duration.ofMillis(750));
    // Absurd: capped at an hour.
    assertThat(p.decide(429, Optional.of("999999"), 1, T0, T0).delay())
        .isEqualTo(Duration.ofHours(1));
    // A wait that ends past give_up_after: failed now rather than later.
    assertThat(p.decide(429, Optional.of("120"), 1, T0, T0.plus(Duration.ofMinutes(59))).outcome())
        .isEqualTo("failed");
  }

  @Test
  void rateLimiterSpacesMessagesAfterTheBurst() {
    AtomicLong now = new AtomicLong(0);
    RateLimiter r = new RateLimiter(2.0, 2, now::get);
    assertThat(r.reserve()).isZero();
    assertThat(r.reserve()).isZero();
    long wait = r.reserve();
    assertThat(wait).isEqualTo(500_000_000L);
    now.addAndGet(wait);
    assertThat(r.reserve()).isZero();
    now.addAndGet(10_000_000_000L);
    assertThat(r.reserve()).isZero();
    assertThat(r.reserve()).isZero();
    assertThat(r.reserve()).isPositive();
  }
}
