package io.swarmwatch.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * How values read in a terminal: short ids, ages, sizes, percentages. Every method takes what the
 * API sent, including nothing (an older collector may lack a field), and never throws on it.
 */
public final class Fmt {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Fmt() {}

  /** The field's text; null when it is missing, null or not a scalar. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
  }

  /** The field's text, or {@code fallback} when it is missing or blank. */
  public static String text(JsonNode node, String field, String fallback) {
    String t = text(node, field);
    return t == null || t.isBlank() ? fallback : t;
  }

  /** Ids as {@code docker ps} shows them: the first 12 characters. */
  public static String shortId(String id) {
    return id == null ? null : id.length() > 12 ? id.substring(0, 12) : id;
  }

  /** An RFC 3339 time, or null if the text is not one. */
  public static Instant instant(String time) {
    if (time == null || time.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(time).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** A time to the second, in UTC; what was sent if it is not RFC 3339. */
  public static String time(String time) {
    Instant i = instant(time);
    return i == null ? time : SECONDS.format(i.truncatedTo(ChronoUnit.SECONDS));
  }

  /** How long ago: {@code 45s}, {@code 3m}, {@code 2h5m}, {@code 4d3h}; null if not a time. */
  public static String age(String time, Clock clock) {
    Instant i = instant(time);
    return i == null ? null : duration(Duration.between(i, clock.instant()));
  }

  public static String duration(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m";
    }
    if (s < 86400) {
      long m = (s % 3600) / 60;
      return (s / 3600) + "h" + (m == 0 ? "" : m + "m");
    }
    long h = (s % 86400) / 3600;
    return (s / 86400) + "d" + (h == 0 ? "" : h + "h");
  }

  /** Binary sizes as Docker prints them: {@code 512B}, {@code 3.4MiB}, {@code 48MiB}. */
  public static String bytes(JsonNode n) {
    if (n == null || !n.isNumber()) {
      return null;
    }
    double b = n.asDouble();
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (b >= 1024 && u < units.length - 1) {
      b /= 1024;
      u++;
    }
    return (b == Math.rint(b) || u == 0
            ? String.format(Locale.ROOT, "%.0f", b)
            : String.format(Locale.ROOT, "%.1f", b))
        + units[u];
  }

  /** {@code 12.5%}; null if not a number. */
  public static String percent(JsonNode n) {
    return n == null || !n.isNumber() ? null : String.format(Locale.ROOT, "%.1f%%", n.asDouble());
  }

  /** CPUs from Docker's nano-CPUs: {@code 500000000} → {@code 0.5}. */
  public static String cpus(JsonNode nanoCpus) {
    if (nanoCpus == null || !nanoCpus.isNumber() || nanoCpus.asLong() <= 0) {
      return null;
    }
    return String.valueOf(nanoCpus.asLong() / 1e9).replaceAll("\\.0$", "");
  }
}
