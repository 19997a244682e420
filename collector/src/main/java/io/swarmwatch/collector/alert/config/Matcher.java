package io.swarmwatch.collector.alert.config;

import java.util.Collection;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label condition, shared by routes and silences: {@code name} equals {@code value}, or, with
 * {@code isRegex}, the whole value matches the regular expression. A label with several values (an
 * incident's replicas on several nodes) matches when any value does.
 */
public record Matcher(String name, String value, boolean isRegex, Pattern pattern) {
  public Matcher {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  /**
   * @throws IllegalArgumentException naming the problem when the name is empty or the regex bad
   */
  public static Matcher of(String name, String value, boolean isRegex) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("matcher name must not be empty");
    }
    if (value == null) {
      throw new IllegalArgumentException("matcher '" + name + "' needs a value");
    }
    Pattern p = null;
    if (isRegex) {
      try {
        p = Pattern.compile(value);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "matcher '" + name + "': bad regular expression: " + e.getDescription());
      }
    }
    return new Matcher(name, value, isRegex, p);
  }

  public boolean matches(Collection<String> values) {
    for (String v : values) {
      if (isRegex ? pattern.matcher(v).matches() : value.equals(v)) {
        return true;
      }
    }
    // An absent label equals "" so that {name: ""} can select "not set".
    return values.isEmpty() && (isRegex ? pattern.matcher("").matches() : value.isEmpty());
  }

  @Override
  public String toString() {
    return name + (isRegex ? "=~" : "=") + value;
  }
}
