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
final class Params {
  private final Map<String, List<String>> raw;
  private final Clock clock;

  Params(Map<String, List<String>> raw, Clock clock) {
    this.raw = raw;
    this.clock = clock;
  }

  /** Rejects parameters the route doesn't know, so a typo isn't silently ignored. */
  Params allow(Set<String> known) {
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

  Optional<String> string(String name) {
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

  int integer(String name, int fallback, int min, int max) {
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
  Optional<Instant> time(String name) {
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
