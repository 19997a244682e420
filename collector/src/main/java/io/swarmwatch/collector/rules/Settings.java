package io.swarmwatch.collector.rules;

import io.swarmwatch.common.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * One rule's effective parameters (defaults, then environment, then a service's labels), every
 * value already validated so rules read them without failing.
 *
 * @param values parameter → value as written ({@code 5m}, {@code 3}, {@code 90})
 */
public record Settings(String rule, Map<String, String> values) {
  public Settings {
    values = Map.copyOf(values);
    for (Map.Entry<String, String> e : values.entrySet()) {
      check(RuleSpec.named(rule), e.getKey(), e.getValue());
    }
  }

  public boolean enabled() {
    return Boolean.parseBoolean(values.get("enabled"));
  }

  public Severity severity() {
    return Severity.valueOf(values.get("severity").toUpperCase(Locale.ROOT));
  }

  public Duration clearAfter() {
    return duration("clear-after");
  }

  Duration duration(String param) {
    return Durations.parse(get(param));
  }

  int integer(String param) {
    return Integer.parseInt(get(param));
  }

  double percent(String param) {
    return Double.parseDouble(get(param));
  }

  private String get(String param) {
    String v = values.get(param);
    if (v == null) {
      throw new IllegalStateException("rule " + rule + " has no parameter " + param);
    }
    return v;
  }

  /**
   * Throws {@link IllegalArgumentException} saying what is wrong when {@code value} is not valid
   * for that parameter of that rule.
   */
  static void check(RuleSpec spec, String param, String value) {
    switch (param) {
      case "enabled" -> {
        if (!value.equals("true") && !value.equals("false")) {
          throw new IllegalArgumentException("must be true or false, got '" + value + "'");
        }
      }
      case "severity" -> {
        try {
          Severity.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "must be info, warning or critical, got '" + value + "'");
        }
      }
      case "clear-after" -> Durations.parse(value);
      default -> {
        RuleSpec.Param p =
            spec.params().stream()
                .filter(x -> x.name().equals(param))
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "rule "
                                + spec.name()
                                + " has no parameter '"
                                + param
                                + "' (it takes enabled, severity, clear-after"
                                + spec.params().stream()
                                    .map(x -> ", " + x.name())
                                    .reduce("", String::concat)
                                + ")"));
        switch (p.type()) {
          case DURATION -> Durations.parse(value);
          case INTEGER -> {
            int n;
            try {
              n = Integer.parseInt(value);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("must be an integer, got '" + value + "'");
            }
            if (n < 1) {
              throw new IllegalArgumentException("must be at least 1, got " + n);
            }
          }
          case PERCENT -> {
            double d;
            try {
              d = Double.parseDouble(value);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException(
                  "must be a percentage (0-100), got '" + value + "'");
            }
            if (!(d > 0 && d <= 100)) {
              throw new IllegalArgumentException("must be above 0 and at most 100, got " + value);
            }
          }
        }
      }
    }
  }
}
