package io.swarmwatch.collector.rules;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Reason texts: durations and sizes as people read them, and times from the views. */
final class Text {
  static final int MAX_OUTPUT = 512;

  private Text() {}

  /** {@code 45s}, {@code 1m05s}, {@code 2h03m}. */
  static String duration(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }

  /** {@code 16 MiB}, {@code 1.5 GiB}, {@code 512 B}. */
  static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return (v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v))
        + " "
        + units[i];
  }

  /** A probe's output on one line, cut to a size that fits an alert. */
  static String output(String raw) {
    String s = raw.strip().replaceAll("\\s*\\R\\s*", " | ");
    return s.length() <= MAX_OUTPUT ? s : s.substring(0, MAX_OUTPUT) + "…";
  }

  /** An RFC 3339 time from a view, or null when absent or unreadable. */
  static Instant time(String rfc3339) {
    if (rfc3339 == null) {
      return null;
    }
    try {
      return Instant.parse(rfc3339);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
