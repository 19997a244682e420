package io.swarmwatch.agent.logs;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The timestamp the Engine puts before each log message with {@code timestamps=1}: RFC 3339 with
 * nanoseconds always nine digits ({@code 2026-12-03T19:07:22.694919806Z}, Go's {@code
 * RFC3339NanoFixed}), then one space. Parsed without allocating on the usual UTC form.
 */
final class DockerTimestamp {
  /** Length of the fixed UTC form, without the space. */
  static final int FIXED_LENGTH = 30;

  private DockerTimestamp() {}

  /** Where the space after the timestamp starting at {@code off} is; -1 if none within reach. */
  static int spaceAfter(byte[] b, int off, int len) {
    int end = Math.min(off + len, off + 40);
    for (int i = off; i < end; i++) {
      if (b[i] == ' ') {
        return i;
      }
    }
    return -1;
  }

  /**
   * Unix nanoseconds of the timestamp in {@code b[off, off+len)}.
   *
   * @throws IllegalArgumentException if it isn't one
   */
  static long parse(byte[] b, int off, int len) {
    if (len == FIXED_LENGTH && b[off + 29] == 'Z' && b[off + 10] == 'T' && b[off + 19] == '.') {
      int year = digits(b, off, 4);
      int month = digits(b, off + 5, 2);
      int day = digits(b, off + 8, 2);
      int hour = digits(b, off + 11, 2);
      int minute = digits(b, off + 14, 2);
      int second = digits(b, off + 17, 2);
      int nanos = digits(b, off + 20, 9);
      if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && nanos >= 0) {
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        long seconds = epochDay * 86_400 + hour * 3600L + minute * 60L + second;
        return seconds * 1_000_000_000L + nanos;
      }
    }
    String s = new String(b, off, len, StandardCharsets.US_ASCII);
    try {
      var t = OffsetDateTime.parse(s).toInstant();
      return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a log timestamp: '" + s + "'");
    }
  }

  /**
   * True when {@code b[off, off+len)} starts with a timestamp in the fixed UTC form and a space.
   */
  static boolean startsWithFixed(byte[] b, int off, int len) {
    return len > FIXED_LENGTH
        && b[off + FIXED_LENGTH] == ' '
        && b[off + 29] == 'Z'
        && b[off + 10] == 'T'
        && b[off + 4] == '-'
        && digits(b, off, 4) >= 0
        && digits(b, off + 20, 9) >= 0;
  }

  private static int digits(byte[] b, int off, int n) {
    int v = 0;
    for (int i = off; i < off + n; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }
}
