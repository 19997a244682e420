package io.swarmwatch.common;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go-style durations as operators write them for Docker: {@code 500ms}, {@code 10s}, {@code 1h30m}.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  public static Duration parse(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    Matcher m = PART.matcher(s);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      try {
        long n = Long.parseLong(m.group(1));
        total =
            total.plus(
                switch (m.group(2)) {
                  case "ms" -> Duration.ofMillis(n);
                  case "s" -> Duration.ofSeconds(n);
                  case "m" -> Duration.ofMinutes(n);
                  case "h" -> Duration.ofHours(n);
                  default -> Duration.ofDays(n);
                });
      } catch (ArithmeticException | NumberFormatException tooLarge) {
        // Callers turn IllegalArgumentException into a config or request error; overflow is one.
        throw new IllegalArgumentException("'" + text + "' is too large a duration");
      }
      end = m.end();
    }
    if (end != s.length()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (examples: 500ms, 10s, 5m, 1h30m, 7d)");
    }
    return total;
  }

  /** For log lines: {@code 0.3 s}, {@code 12.0 s}. */
  public static String format(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
