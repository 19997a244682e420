package io.swarmwatch.collector.rules;

/** How bad a flag is; alert routes and the API filter on it. Ordered from least to most severe. */
public enum Severity {
  INFO,
  WARNING,
  CRITICAL;

  /** The lower-case name used in the API, in labels and in alert payloads. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
