package io.swarmwatch.collector.rules;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Since when each condition has held without a break, for rules with a duration ("for 1 min", "a
 * grace period"). A condition not reported as holding in a round is forgotten at the round's end,
 * so a break restarts the clock and nothing accumulates for subjects that are gone. Used by the
 * rules thread only.
 */
final class Conditions {
  private final Map<String, Instant> since = new HashMap<>();
  private final Set<String> seen = new HashSet<>();

  /** The condition holds now; returns since when (the first {@code start} given, kept after). */
  Instant holds(String key, Instant start) {
    seen.add(key);
    return since.computeIfAbsent(key, k -> start);
  }

  /** Ends a round: conditions not held in it are reset. */
  void endRound() {
    since.keySet().retainAll(seen);
    seen.clear();
  }

  int size() {
    return since.size();
  }
}
