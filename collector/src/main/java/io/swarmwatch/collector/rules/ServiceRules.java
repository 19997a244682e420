package io.swarmwatch.collector.rules;

import static io.swarmwatch.collector.rules.RuleSpec.ROLLBACK;
import static io.swarmwatch.collector.rules.RuleSpec.UNDER_REPLICATED;
import static io.swarmwatch.collector.rules.RuleSpec.UPDATE_PAUSED;

import io.swarmwatch.collector.model.ServiceView;
import io.swarmwatch.collector.rules.FlagChange.Subject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rules on a whole service: under-replicated (fewer healthy replicas than desired, past a grace
 * period, outside a rolling update), update-paused and rollback. Needs the swarm view (the desired
 * count and the update status come from it); without one, no service rule fires. Runs after the
 * replica rules so the under-replicated reason can say what is wrong with which replica. Rules
 * thread only.
 */
final class ServiceRules {
  /** Update states during which replicas are replaced on purpose. */
  private static final Set<String> UPDATING = Set.of("updating", "rollback_started");

  private final Overrides overrides;
  private final Conditions conditions;

  ServiceRules(Overrides overrides, Conditions conditions) {
    this.overrides = overrides;
    this.conditions = conditions;
  }

  void evaluate(Round round) {
    for (ServiceView s : round.services) {
      if (s.desired() == null) {
        continue;
      }
      Subject subject = Subjects.service(s);
      round.exists(subject);
      Map<String, String> labels = subject.labels();
      String state = s.update() == null || s.update().state() == null ? "" : s.update().state();
      underReplicated(
          round, subject, s, overrides.settings(UNDER_REPLICATED, s.name(), labels), state);
      update(round, subject, s, state, labels);
    }
  }

  private void underReplicated(
      Round round, Subject subject, ServiceView s, Settings settings, String updateState) {
    if (!settings.enabled()
        || s.desired() <= 0
        || s.healthy() >= s.desired()
        || UPDATING.contains(updateState)) {
      return;
    }
    Instant since = conditions.holds("under-replicated:" + s.id(), round.now);
    if (round.now.isBefore(since.plus(settings.duration("grace")))) {
      return;
    }
    StringBuilder reason =
        new StringBuilder()
            .append(s.name())
            .append(": ")
            .append(s.healthy())
            .append(" of ")
            .append(s.desired())
            .append(" replicas running and healthy");
    // What the replica rules found on this service's replicas, so the reason says why.
    Map<String, String> problems = new TreeMap<>();
    for (Round.Finding f : round.findings()) {
      if (f.subject().type().equals("replica")
          && f.subject().serviceId().equals(s.id())
          && f.severity() != Severity.INFO) {
        problems.merge(f.rule(), "1", (a, b) -> Integer.toString(Integer.parseInt(a) + 1));
      }
    }
    if (!problems.isEmpty()) {
      reason.append(" (");
      problems.forEach((rule, n) -> reason.append(n).append(' ').append(rule).append(", "));
      reason.setLength(reason.length() - 2);
      reason.append(')');
    }
    round.raise(
        subject,
        settings,
        s.healthy() == 0 ? Severity.CRITICAL : settings.severity(),
        since,
        reason.toString());
  }

  private void update(
      Round round, Subject subject, ServiceView s, String state, Map<String, String> labels) {
    String message =
        s.update() == null || s.update().message() == null ? "" : ": " + s.update().message();
    Instant started = s.update() == null ? null : Text.time(s.update().startedAt());
    Instant completed = s.update() == null ? null : Text.time(s.update().completedAt());
    Instant since = started == null ? round.now : started;
    if (state.equals("paused")) {
      Settings paused = overrides.settings(UPDATE_PAUSED, s.name(), labels);
      if (paused.enabled()) {
        round.raise(subject, paused, since, s.name() + ": rolling update paused" + message);
      }
      return;
    }
    Settings rollback = overrides.settings(ROLLBACK, s.name(), labels);
    if (!rollback.enabled()) {
      return;
    }
    switch (state) {
      case "rollback_started" ->
          round.raise(subject, rollback, since, s.name() + ": update rolling back" + message);
      case "rollback_paused" ->
          round.raise(
              subject,
              rollback,
              Severity.CRITICAL,
              since,
              s.name() + ": rollback paused" + message);
      case "rollback_completed" -> {
        Instant at = completed == null ? since : completed;
        if (round.now.isBefore(at.plus(rollback.duration("hold")))) {
          round.raise(subject, rollback, at, s.name() + ": update rolled back at " + at + message);
        }
      }
      default -> {}
    }
  }
}
