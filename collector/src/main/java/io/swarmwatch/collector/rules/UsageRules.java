package io.swarmwatch.collector.rules;

import io.swarmwatch.collector.model.ReplicaView;
import io.swarmwatch.collector.model.UsageView;
import io.swarmwatch.collector.rules.FlagChange.Subject;
import java.time.Instant;
import java.util.Locale;

/**
 * The rules on a replica's resource use: memory-pressure (working set near the limit for a while),
 * cpu-throttled (CFS throttling over a window) and OOM kills inside a running container. Rules
 * thread only.
 */
final class UsageRules {
  private final Conditions conditions;
  private final UsageHistory history;

  UsageRules(Conditions conditions, UsageHistory history) {
    this.conditions = conditions;
    this.history = history;
  }

  void evaluate(Round round, Subject subject, ReplicaView r, Settings memory, Settings cpu) {
    UsageView u = r.usage();
    if (u == null || r.containerId() == null || !"running".equals(r.state())) {
      return;
    }
    history.add(r.containerId(), u);
    if (memory.enabled()
        && u.memoryPercentOfLimit() != null
        && u.memoryPercentOfLimit() >= memory.percent("percent")) {
      Instant sampled = Text.time(u.time());
      Instant since =
          conditions.holds(
              "memory-pressure:" + r.containerId(), sampled == null ? round.now : sampled);
      if (!round.now.isBefore(since.plus(memory.duration("for")))) {
        // The numbers move with every sample; the reason says the threshold, not the reading, so
        // it stays one flag without an update per sample (the readings are on the replica).
        round.raise(
            subject,
            memory,
            since,
            String.format(
                Locale.ROOT,
                "%s: memory working set at or above %s%% of its %s limit for %s",
                Subjects.name(r),
                fmt(memory.percent("percent")),
                Text.bytes(u.memoryLimitBytes()),
                Text.duration(memory.duration("for"))));
      }
    }
    if (cpu.enabled()) {
      history
          .throttling(r.containerId(), cpu.duration("window"))
          .filter(t -> t.ratio() * 100 >= cpu.percent("percent"))
          .ifPresent(
              t -> {
                Instant since = conditions.holds("cpu-throttled:" + r.containerId(), round.now);
                round.raise(
                    subject,
                    cpu,
                    since,
                    String.format(
                        Locale.ROOT,
                        "%s: throttled in at least %s%% of CFS periods over %s (CPU limit %s)",
                        Subjects.name(r),
                        fmt(cpu.percent("percent")),
                        Text.duration(cpu.duration("window")),
                        cpuLimit(r)));
              });
    }
  }

  /** A process inside a running container was OOM-killed (the container lives on). */
  void oomInside(Round round, Subject subject, ReplicaView r, Settings oom) {
    if (r.containerId() == null) {
      return;
    }
    Instant last = history.lastOomKill(r.containerId());
    if (last != null && round.now.isBefore(last.plus(oom.duration("hold")))) {
      Long limit = r.limits() == null ? null : r.limits().memoryBytes();
      round.raise(
          subject,
          oom,
          last,
          Subjects.name(r)
              + ": a process in the container was OOM-killed ("
              + history.oomKills(r.containerId())
              + " kills so far; memory limit "
              + (limit == null ? "none" : Text.bytes(limit))
              + ")");
    }
  }

  private static String cpuLimit(ReplicaView r) {
    if (r.limits() != null && r.limits().nanoCpus() != null) {
      return fmt(r.limits().nanoCpus() / 1e9) + " CPUs";
    }
    if (r.limits() != null && r.limits().cpuQuota() != null && r.limits().cpuPeriod() != null) {
      return fmt((double) r.limits().cpuQuota() / r.limits().cpuPeriod()) + " CPUs";
    }
    return "set by quota";
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.2f", d);
  }
}
