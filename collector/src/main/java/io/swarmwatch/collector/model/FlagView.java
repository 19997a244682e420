package io.swarmwatch.collector.model;

/**
 * A flag as the API shows it on a replica or service.
 *
 * @param rule the rule's name, e.g. {@code unhealthy}
 * @param severity {@code info}, {@code warning} or {@code critical}
 * @param since RFC 3339, when the condition started to hold
 * @param reason what is wrong, for a human
 */
public record FlagView(String rule, String severity, String since, String reason) {}
