package io.swarmwatch.collector.rules;

import java.time.Instant;
import java.util.Objects;

/**
 * One rule holding for one subject (a replica, a service or a node).
 *
 * @param rule the rule's name, e.g. {@code unhealthy}, {@code crash-loop}, {@code node-down}
 * @param severity how bad
 * @param since when the condition started to hold (the fact's own time, e.g. the Engine event's)
 * @param reason for a human: what is wrong and why, e.g. the probe's output and exit code
 */
public record Flag(String rule, Severity severity, Instant since, String reason) {
  public Flag {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(reason, "reason");
  }
}
