package io.swarmwatch.cli.alerts;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A silence's matcher as written on the command line, the Alertmanager way: {@code name=value}
 * matches exactly, {@code name=~regex} by regular expression (checked here so a typo fails before
 * it reaches the collector).
 */
record Matcher(String name, String value, boolean isRegex) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");

  static Matcher parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "--matcher must be name=value or name=~regex, got '" + text + "'");
    }
    String name = text.substring(0, eq).strip();
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "--matcher name must be a label name such as service or rule, got '" + name + "'");
    }
    boolean regex = text.startsWith("~", eq + 1);
    String value = text.substring(eq + (regex ? 2 : 1));
    if (value.isEmpty()) {
      throw new IllegalArgumentException("--matcher " + name + " has an empty value");
    }
    if (regex) {
      try {
        Pattern.compile(value);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "--matcher " + name + ": not a regular expression: " + e.getDescription());
      }
    }
    return new Matcher(name, value, regex);
  }

  @Override
  public String toString() {
    return name + (isRegex ? "=~" : "=") + value;
  }
}
