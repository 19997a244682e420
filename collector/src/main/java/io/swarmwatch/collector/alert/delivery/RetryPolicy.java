package io.swarmwatch.collector.alert.delivery;

import io.swarmwatch.collector.alert.config.AlertRules;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * What to do after an attempt. 2xx: delivered. 429: wait what {@code Retry-After} says (seconds or
 * an HTTP date), else back off. 408, 5xx, timeouts and connection errors: retry with exponential
 * backoff (doubling from backoffMin to backoffMax, "equal jitter"). Any other 4xx is permanent: the
 * URL or the payload is wrong and repeating it would only spam the receiver's error log. Nothing is
 * retried past giveUpAfter from when the notification was queued.
 */
final class RetryPolicy {
  /** Never wait longer than this for one Retry-After, whatever the receiver asks. */
  static final Duration RETRY_AFTER_CAP = Duration.ofHours(1);

  record Decision(String outcome, Duration delay) {
    static final Decision DELIVERED = new Decision("delivered", Duration.ZERO);
    static final Decision FAILED = new Decision("failed", Duration.ZERO);

    static Decision retry(Duration d) {
      return new Decision("retrying", d);
    }
  }

  private final AlertRules.Delivery policy;
  private final DoubleSupplier random;

  RetryPolicy(AlertRules.Delivery policy, DoubleSupplier random) {
    this.policy = policy;
    this.random = random;
  }

  /**
   * @param status the HTTP status, or 0 when no answer came (timeout, refused, reset)
   * @param retryAfter the response's Retry-After header, if any
   * @param attempt the attempt just made, 1-based
   */
  Decision decide(
      int status, Optional<String> retryAfter, int attempt, Instant createdAt, Instant now) {
    if (status >= 200 && status < 300) {
      return Decision.DELIVERED;
    }
    boolean retryable = status == 0 || status == 408 || status == 429 || status >= 500;
    if (!retryable) {
      return Decision.FAILED;
    }
    Duration delay = backoff(attempt);
    if (status == 429 || status == 503) {
      Optional<Duration> asked = retryAfter.flatMap(v -> parseRetryAfter(v, now));
      if (asked.isPresent()) {
        delay = asked.get().compareTo(RETRY_AFTER_CAP) > 0 ? RETRY_AFTER_CAP : asked.get();
      }
    }
    if (now.plus(delay).isAfter(createdAt.plus(policy.giveUpAfter()))) {
      return Decision.FAILED;
    }
    return Decision.retry(delay);
  }

  /** Attempt n (1-based) waits between half and all of min·2ⁿ⁻¹, capped at max. */
  Duration backoff(int attempt) {
    long min = policy.backoffMin().toMillis();
    long max = policy.backoffMax().toMillis();
    long ceiling = min << Math.min(Math.max(attempt - 1, 0), 30);
    if (ceiling <= 0 || ceiling > max) {
      ceiling = max;
    }
    long half = ceiling / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (ceiling - half)));
  }

  /** {@code 120} (seconds) or {@code Wed, 21 Oct 2015 07:28:00 GMT}; empty if neither. */
  static Optional<Duration> parseRetryAfter(String value, Instant now) {
    String v = value.trim();
    try {
      double seconds = Double.parseDouble(v);
      return seconds < 0
          ? Optional.empty()
          : Optional.of(Duration.ofMillis((long) Math.ceil(seconds * 1000)));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }
}
