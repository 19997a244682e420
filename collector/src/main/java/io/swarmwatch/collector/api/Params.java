package io.swarmwatch.collector.api;

import io.swarmwatch.common.Durations;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Query parameters of one request, validated: unknown parameters, repeated parameters and malformed
 * values are 400s that name the parameter.
 */
public final class Params {
  private final Map<String, List<String>> raw;
  private final Clock clock;

  public Params(Map<String, List<String>> raw, Clock clock) {
    this.raw = raw;
    this.clock = clock;
  }

  /** Rejects parameters the route doesn't know, so a typo isn't silently ignored. */
  public Params allow(Set<String> known) {
    for (String name : raw.keySet()) {
      if (!known.contains(name)) {
        throw ApiException.badRequest(
            "unknown parameter '"
                + name
                + "' (this route takes: "
                + String.join(", ", known.stream().sorted().toList())
                + ")");
      }
    }
    return this;
  }

  public Optional<String> string(String name) {
    List<String> v = raw.get(name);
    if (v == null || v.isEmpty()) {
      return Optional.empty();
    }
    if (v.size() > 1) {
      throw ApiException.badRequest("parameter '" + name + "' given more than once");
    }
    String s = v.get(0).trim();
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  /** {@code true}/{@code false} (also 1/0, yes/no); {@code fallback} when absent. */
  public boolean bool(String name, boolean fallback) {
    Optional<String> v = string(name);
    if (v.isEmpty()) {
      return fallback;
    }
    return switch (v.get().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default ->
          throw ApiException.badRequest(
              "parameter '" + name + "' must be true or false, got '" + v.get() + "'");
    };
  }

  public int integer(String name, int fallback, int min, int max) {
    Optional<String> v = string(name);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.get());
      if (n < min || n > max) {
        throw ApiException.badRequest(
            "parameter '" + name + "' must be between " + min + " and " + max + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "parameter '" + name + "' must be an integer, got '" + v.get() + "'");
    }
  }

  /** An RFC 3339 time ({@code 2024-05-01T10:00:00Z}) or a duration ago ({@code 10m}). */
  public Optional<Instant> time(String name) {
    Optional<String> v = string(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String s = v.get();
    try {
      return Optional.of(OffsetDateTime.parse(s).toInstant());
    } catch (DateTimeParseException notRfc3339) {
      try {
        return Optional.of(clock.instant().minus(Durations.parse(s)));
      } catch (IllegalArgumentException | DateTimeException notDuration) {
        // DateTimeException: a duration reaching before Instant.MIN.
        throw ApiException.badRequest(
            "parameter '"
                + name
                + "' must be an RFC 3339 time (2024-05-01T10:00:00Z) or a duration ago (10m), got '"
                + s
                + "'");
      }
    }
  }
}
