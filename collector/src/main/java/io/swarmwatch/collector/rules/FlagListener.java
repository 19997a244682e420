package io.swarmwatch.collector.rules;

/**
 * Subscribes to flag changes. Called on the rules' thread, in order: must not block (hand off to a
 * bounded queue of its own).
 */
@FunctionalInterface
public interface FlagListener {
  void onChange(FlagChange change);
}
