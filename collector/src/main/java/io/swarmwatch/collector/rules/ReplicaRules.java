package io.swarmwatch.collector.rules;

import static io.swarmwatch.collector.rules.RuleSpec.CPU_THROTTLED;
import static io.swarmwatch.collector.rules.RuleSpec.CRASH_LOOP;
import static io.swarmwatch.collector.rules.RuleSpec.MEMORY_PRESSURE;
import static io.swarmwatch.collector.rules.RuleSpec.NODE_DOWN;
import static io.swarmwatch.collector.rules.RuleSpec.NO_LIMITS;
import static io.swarmwatch.collector.rules.RuleSpec.OOM_KILLED;
import static io.swarmwatch.collector.rules.RuleSpec.PENDING;
import static io.swarmwatch.collector.rules.RuleSpec.TASK_REJECTED;
import static io.swarmwatch.collector.rules.RuleSpec.UNHEALTHY;

import io.swarmwatch.collector.model.HealthView;
import io.swarmwatch.collector.model.ReplicaView;
import io.swarmwatch.collector.rules.FailureHistory.Failure;
import io.swarmwatch.collector.rules.FlagChange.Subject;
import io.swarmwatch.proto.v1.SwarmTask;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rules on one replica: node-down (its node), unhealthy, crash-loop, oom-killed, the usage
 * rules (memory-pressure, cpu-throttled, in {@link UsageRules}), pending, task-rejected and
 * no-limits. Only replicas the swarm still wants are evaluated (the model's view leaves out slots
 * being shut down and removed services), so a rolling update or {@code stack rm} flags nothing.
 * Rules thread only.
 */
final class ReplicaRules {
  /** Task states swarm gives a task it stopped on purpose: not a failure of the task. */
  private static final Set<String> STOPPED_ON_PURPOSE = Set.of("shutdown", "complete", "remove");

  private final Overrides overrides;
  private final Conditions conditions;
  private final FailureHistory failures;
  private final UsageRules usage;

  ReplicaRules(
      Overrides overrides, Conditions conditions, FailureHistory failures, UsageHistory usage) {
    this.overrides = overrides;
    this.conditions = conditions;
    this.failures = failures;
    this.usage = new UsageRules(conditions, usage);
  }

  void evaluate(Round round) {
    Map<String, String> taskStates = new HashMap<>();
    round.swarm.ifPresent(v -> v.getTasksList().forEach(t -> taskStates.put(t.getId(), state(t))));
    for (ReplicaView r : round.replicas) {
      Map<String, String> labels = round.serviceLabels(r.serviceId());
      overrides.checkRuleNames(r.service(), labels);
      Subject subject = Subjects.replica(r, round.servicesById.get(r.serviceId()));
      round.exists(subject);
      String down = r.node() == null ? null : round.downNodes.get(r.node());
      if (down != null) {
        Settings s = settings(NODE_DOWN, r, labels);
        if (s.enabled()) {
          round.raise(
              subject,
              s,
              round.now,
              down + "; last known state of " + Subjects.name(r) + ": " + r.state());
        }
        continue; // what we hold about it is stale: no other rule can judge it
      }
      unhealthy(round, subject, r, settings(UNHEALTHY, r, labels));
      usage.evaluate(
          round,
          subject,
          r,
          settings(MEMORY_PRESSURE, r, labels),
          settings(CPU_THROTTLED, r, labels));
      failures(round, subject, r, labels, taskStates);
      task(round, subject, r, settings(PENDING, r, labels), settings(TASK_REJECTED, r, labels));
      Settings noLimits = settings(NO_LIMITS, r, labels);
      if (noLimits.enabled()
          && "running".equals(r.state())
          && r.startedAt() != null // a container seen, not just swarm's word that it runs
          && (r.limits() == null || r.limits().memoryBytes() == null)) {
        Instant since = Text.time(r.startedAt());
        round.raise(
            subject,
            noLimits,
            since == null ? round.now : since,
            Subjects.name(r) + " runs without a memory limit (set deploy.resources.limits.memory)");
      }
    }
  }

  private Settings settings(String rule, ReplicaView r, Map<String, String> labels) {
    return overrides.settings(rule, r.service(), labels);
  }

  private static String state(SwarmTask t) {
    return t.getState();
  }

  private void unhealthy(Round round, Subject subject, ReplicaView r, Settings s) {
    if (!s.enabled() || !"running".equals(r.state()) || !"unhealthy".equals(r.health())) {
      return;
    }
    HealthView h = round.container(r.containerId()).map(c -> c.health()).orElse(null);
    StringBuilder reason = new StringBuilder("health check failing");
    Instant probeEnd = null;
    // The streak count is left out: it grows every probe, and a reason that changes every second
    // would be an UPDATED change every second.
    if (h != null) {
      if (!h.log().isEmpty()) {
        HealthView.Probe last = h.log().get(h.log().size() - 1);
        probeEnd = Text.time(last.end());
        reason.append(": exit ").append(last.exitCode());
        String out = Text.output(last.output());
        reason.append(out.isEmpty() ? ", no output" : ": " + out);
      }
    }
    Instant since =
        conditions.holds("unhealthy:" + r.containerId(), probeEnd == null ? round.now : probeEnd);
    round.raise(subject, s, since, reason.toString());
  }

  private void failures(
      Round round,
      Subject subject,
      ReplicaView r,
      Map<String, String> labels,
      Map<String, String> taskStates) {
    Settings loop = settings(CRASH_LOOP, r, labels);
    Settings oom = settings(OOM_KILLED, r, labels);
    Duration look =
        loop.duration("window").compareTo(oom.duration("hold")) > 0
            ? loop.duration("window")
            : oom.duration("hold");
    List<Failure> all =
        failures.since(subject.id(), round.now.minus(look)).stream()
            .filter(f -> !STOPPED_ON_PURPOSE.contains(taskStates.getOrDefault(f.taskId(), "")))
            .toList();
    if (loop.enabled()) {
      Instant from = round.now.minus(loop.duration("window"));
      List<Failure> inWindow = all.stream().filter(f -> !f.finishedAt().isBefore(from)).toList();
      if (inWindow.size() >= loop.integer("count")) {
        round.raise(
            subject,
            loop,
            inWindow.get(0).finishedAt(),
            Subjects.name(r)
                + " failed "
                + inWindow.size()
                + " times in "
                + Text.duration(loop.duration("window"))
                + " (exit codes "
                + inWindow.stream()
                    .map(
                        f -> f.oomKilled() ? f.exitCode() + " OOM" : Integer.toString(f.exitCode()))
                    .collect(Collectors.joining(", "))
                + "); last at "
                + inWindow.get(inWindow.size() - 1).finishedAt());
      }
    }
    if (!oom.enabled()) {
      return;
    }
    Instant from = round.now.minus(oom.duration("hold"));
    List<Failure> killed =
        all.stream().filter(f -> f.oomKilled() && !f.finishedAt().isBefore(from)).toList();
    if (!killed.isEmpty()) {
      Failure last = killed.get(killed.size() - 1);
      round.raise(
          subject,
          oom,
          killed.get(0).finishedAt(),
          Subjects.name(r)
              + " was OOM-killed"
              + (killed.size() > 1 ? " " + killed.size() + " times, last" : "")
              + " at "
              + last.finishedAt()
              + " (memory limit "
              + (last.memoryLimitBytes() > 0 ? Text.bytes(last.memoryLimitBytes()) : "none")
              + ", exit code "
              + last.exitCode()
              + ")");
      return;
    }
    usage.oomInside(round, subject, r, oom);
  }

  private void task(
      Round round, Subject subject, ReplicaView r, Settings pending, Settings rejected) {
    ReplicaView.Task t = r.task();
    if (t == null || t.state() == null) {
      return;
    }
    Instant at = Text.time(t.timestamp());
    String swarmSays = t.error() != null ? t.error() : t.message() != null ? t.message() : "";
    if (t.state().equals("rejected") && rejected.enabled()) {
      round.raise(
          subject,
          rejected,
          at == null ? round.now : at,
          "task " + r.taskId() + " of " + Subjects.name(r) + " rejected: " + swarmSays);
    } else if (t.state().equals("pending") && pending.enabled()) {
      Instant since = at == null ? conditions.holds("pending:" + r.taskId(), round.now) : at;
      boolean stuck = !round.now.isBefore(since.plus(pending.duration("after")));
      if (t.error() != null || stuck) {
        round.raise(
            subject,
            pending,
            since,
            "task "
                + r.taskId()
                + " of "
                + Subjects.name(r)
                + " pending since "
                + since
                + (swarmSays.isEmpty() ? "" : ": " + swarmSays.strip()));
      }
    }
  }
}
