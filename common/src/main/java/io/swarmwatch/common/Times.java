package io.swarmwatch.common;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Conversions between the wire's unix nanoseconds and {@link Instant}. */
public final class Times {
  private static final long NANOS = 1_000_000_000L;

  private Times() {}

  public static long toUnixNanos(Instant t) {
    long seconds = t.getEpochSecond();
    int nanos = t.getNano();
    if (seconds < 0 && nanos > 0) {
      // Keep the intermediate product in range for times just after Long.MIN_VALUE nanos.
      return Math.addExact(Math.multiplyExact(seconds + 1, NANOS), nanos - NANOS);
    }
    return Math.addExact(Math.multiplyExact(seconds, NANOS), nanos);
  }

  public static Instant fromUnixNanos(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS), Math.floorMod(nanos, NANOS));
  }

  /**
   * Parses a Docker/RFC 3339 timestamp ({@code 2024-05-01T10:00:00.123456789Z} or with an offset).
   * Docker's "zero time" ({@code 0001-01-01T00:00:00Z}) and blanks give 0.
   *
   * @throws IllegalArgumentException if the text is not such a timestamp
   */
  public static long parseRfc3339ToNanos(String text) {
    if (text == null || text.isBlank() || text.startsWith("0001-01-01")) {
      return 0;
    }
    try {
      return toUnixNanos(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an RFC 3339 timestamp: '" + text + "'", e);
    }
  }
}
