package io.swarmwatch.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;

class TimesTest {

  @Test
  void unixNanosRoundTrip() {
    for (long nanos :
        new long[] {
          0L,
          1L,
          -1L,
          999_999_999L,
          1_000_000_000L,
          -1_000_000_000L,
          -1_000_000_001L,
          1_714_557_600_123_456_789L,
          -2_000_000_000_123_456_789L,
          Long.MAX_VALUE,
          Long.MIN_VALUE
        }) {
      assertThat(Times.toUnixNanos(Times.fromUnixNanos(nanos))).as("%d", nanos).isEqualTo(nanos);
    }
  }

  @Test
  void negativeNanosAreBeforeTheEpoch() {
    assertThat(Times.fromUnixNanos(-1)).isEqualTo(Instant.parse("1969-12-31T23:59:59.999999999Z"));
    assertThat(Times.fromUnixNanos(-1_500_000_000L))
        .isEqualTo(Instant.parse("1969-12-31T23:59:58.500Z"));
    assertThat(Times.toUnixNanos(Instant.parse("1969-12-31T23:59:58.500Z")))
        .isEqualTo(-1_500_000_000L);
  }

  @Test
  void toUnixNanosMatchesInstant() {
    Instant t = Instant.parse("2024-05-01T10:00:00.123456789Z");
    assertThat(Times.toUnixNanos(t)).isEqualTo(1_714_557_600_123_456_789L);
    assertThat(Times.fromUnixNanos(1_714_557_600_123_456_789L)).isEqualTo(t);
  }

  @Test
  void toUnixNanosOutsideTheRangeOfALongFails() {
    // int64 nanoseconds cover 1677..2262: outside, failing beats silently wrapping.
    assertThatThrownBy(() -> Times.toUnixNanos(Instant.parse("3000-01-01T00:00:00Z")))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void parsesRfc3339WithNanoseconds() {
    assertThat(Times.parseRfc3339ToNanos("2024-05-01T10:00:00.123456789Z"))
        .isEqualTo(1_714_557_600_123_456_789L);
    assertThat(Times.parseRfc3339ToNanos("2024-05-01T10:00:00Z"))
        .isEqualTo(1_714_557_600_000_000_000L);
    assertThat(Times.parseRfc3339ToNanos("2024-05-01T10:00:00.5Z"))
        .isEqualTo(1_714_557_600_500_000_000L);
  }

  @Test
  void parsesOffsetsToTheSameInstant() {
    long utc = Times.parseRfc3339ToNanos("2024-05-01T10:00:00.000000001Z");
    assertThat(Times.parseRfc3339ToNanos("2024-05-01T12:00:00.000000001+02:00")).isEqualTo(utc);
    assertThat(Times.parseRfc3339ToNanos("2024-05-01T04:30:00.000000001-05:30")).isEqualTo(utc);
    assertThat(Times.parseRfc3339ToNanos("2024-05-01T10:00:00.000000001+00:00")).isEqualTo(utc);
  }

  @Test
  void dockerZeroTimeAndBlanksAreZero() {
    assertThat(Times.parseRfc3339ToNanos("0001-01-01T00:00:00Z")).isZero();
    assertThat(Times.parseRfc3339ToNanos("")).isZero();
    assertThat(Times.parseRfc3339ToNanos("  ")).isZero();
    assertThat(Times.parseRfc3339ToNanos(null)).isZero();
  }

  @Test
  void rejectsMalformedTimestamps() {
    for (String bad :
        new String[] {
          "yesterday", "2024-05-01", "2024-05-01T10:00:00", "2024-13-01T10:00:00Z", "1714557600"
        }) {
      assertThatThrownBy(() -> Times.parseRfc3339ToNanos(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not an RFC 3339 timestamp")
          .hasMessageContaining("'" + bad + "'")
          .hasCauseInstanceOf(DateTimeParseException.class);
    }
  }
}
