package io.swarmwatch.collector.rules;

/**
 * A flag holding now, on its subject.
 *
 * @param clearing its condition is clear, but not yet for the rule's {@code clear-after}
 */
public record CurrentFlag(FlagChange.Subject subject, Flag flag, boolean clearing) {}
