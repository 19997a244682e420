package io.swarmwatch.collector.rules;

import io.swarmwatch.collector.model.UsageView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Recent usage samples per container, for rules over a window (CFS throttling) and for counter
 * increases (OOM kills inside a running container). Fed from the replicas' latest samples each
 * round; a container not seen in a round is forgotten. Rules thread only. Bounded: samples older
 * than {@link #KEEP} are dropped.
 */
final class UsageHistory {
  static final Duration KEEP = Duration.ofHours(1);

  private record Sample(Instant time, long periods, long throttled) {}

  private static final class Entry {
    final Deque<Sample> samples = new ArrayDeque<>();
    long oomKills = -1;
    Instant lastOomKill;
  }

  /**
   * @param ratio throttled periods / periods over the window, 0..1
   * @param over the time actually covered (at least the window asked for)
   */
  record Throttling(double ratio, Duration over) {}

  private final Map<String, Entry> byContainer = new HashMap<>();
  private final Set<String> seen = new HashSet<>();

  void add(String containerId, UsageView u) {
    seen.add(containerId);
    Instant t = Text.time(u.time());
    if (t == null) {
      return;
    }
    Entry e = byContainer.computeIfAbsent(containerId, k -> new Entry());
    Sample last = e.samples.peekLast();
    if (last != null && !t.isAfter(last.time())) {
      return;
    }
    if (u.cpuPeriods() != null && u.cpuThrottledPeriods() != null) {
      e.samples.addLast(new Sample(t, u.cpuPeriods(), u.cpuThrottledPeriods()));
    }
    while (!e.samples.isEmpty() && e.samples.peekFirst().time().isBefore(t.minus(KEEP))) {
      e.samples.removeFirst();
    }
    if (u.oomKills() != null) {
      if (u.oomKills() > Math.max(0, e.oomKills)) {
        e.lastOomKill = t;
      }
      e.oomKills = u.oomKills();
    }
  }

  /**
   * Throttling between the latest sample and the newest one at least {@code window} older; empty
   * until the samples span the window (or when no CFS period ran in it).
   */
  java.util.Optional<Throttling> throttling(String containerId, Duration window) {
    Entry e = byContainer.get(containerId);
    if (e == null || e.samples.size() < 2) {
      return java.util.Optional.empty();
    }
    Sample last = e.samples.peekLast();
    Sample base = null;
    for (Sample s : e.samples) {
      if (!s.time().isAfter(last.time().minus(window))) {
        base = s;
      }
    }
    if (base == null) {
      return java.util.Optional.empty();
    }
    long periods = last.periods() - base.periods();
    long throttled = last.throttled() - base.throttled();
    if (periods <= 0 || throttled < 0) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new Throttling((double) throttled / periods, Duration.between(base.time(), last.time())));
  }

  /** When the container's OOM-kill counter last went up (a process in it was killed), or null. */
  Instant lastOomKill(String containerId) {
    Entry e = byContainer.get(containerId);
    return e == null ? null : e.lastOomKill;
  }

  long oomKills(String containerId) {
    Entry e = byContainer.get(containerId);
    return e == null ? 0 : Math.max(0, e.oomKills);
  }

  void endRound() {
    byContainer.keySet().retainAll(seen);
    seen.clear();
  }
}
