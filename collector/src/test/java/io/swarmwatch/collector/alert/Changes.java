package io.swarmwatch.collector.alert;

import io.swarmwatch.collector.rules.Flag;
import io.swarmwatch.collector.rules.FlagChange;
import io.swarmwatch.collector.rules.FlagChange.Kind;
import io.swarmwatch.collector.rules.FlagChange.Subject;
import io.swarmwatch.collector.rules.Severity;
import java.time.Instant;
import java.util.Map;

/** FlagChanges as the rule engine will emit them, for feeding alerting directly. */
final class Changes {
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  private Changes() {}

  static Subject replica(String service, int slot, String node) {
    return replica(service, slot, node, Map.of());
  }

  static Subject replica(String service, int slot, String node, Map<String, String> labels) {
    return new Subject(
        "replica",
        "svc-" + service + "/" + slot,
        "svc-" + service,
        service,
        service.contains("_") ? service.substring(0, service.indexOf('_')) : "",
        node,
        "task" + slot + "abcdefghijklmnopqrstu",
        "c0ffee" + slot + "0000000000000000000000000000000000000000000000000000000000",
        labels);
  }

  static Subject node(String id) {
    return new Subject("node", id, "", "", "", id, "", "", Map.of());
  }

  static FlagChange raised(Subject s, String rule, String reason, Instant at) {
    return new FlagChange(Kind.RAISED, s, new Flag(rule, Severity.CRITICAL, at, reason), at);
  }

  static FlagChange raised(Subject s, String rule, Severity sev, String reason, Instant at) {
    return new FlagChange(Kind.RAISED, s, new Flag(rule, sev, at, reason), at);
  }

  static FlagChange cleared(Subject s, String rule, Instant at) {
    return new FlagChange(Kind.CLEARED, s, new Flag(rule, Severity.CRITICAL, at, ""), at);
  }
}
