package io.swarmwatch.collector.alert;

import io.swarmwatch.collector.alert.config.AlertRules;
import io.swarmwatch.collector.alert.config.Matcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which receivers an incident goes to. A service label {@code swarmwatch.alert.route=a,b} wins
 * (names receivers directly; {@code none} sends nothing). Otherwise routes are tried in order: a
 * route matches when all its matchers do; the first match ends the search unless it says {@code
 * continue}. No match: the default receivers.
 */
final class Routing {
  static final String ROUTE_LABEL = "swarmwatch.alert.route";

  private final AlertRules rules;

  Routing(AlertRules rules) {
    this.rules = rules;
  }

  List<String> receivers(Labels labels, Map<String, String> serviceLabels) {
    String override = serviceLabels.get(ROUTE_LABEL);
    if (override != null && !override.isBlank()) {
      List<String> names = new ArrayList<>();
      for (String n : override.split(",")) {
        String name = n.strip();
        if (!name.isEmpty() && !name.equals("none") && !names.contains(name)) {
          names.add(name);
        }
      }
      return names;
    }
    Set<String> out = new LinkedHashSet<>();
    boolean matched = false;
    for (AlertRules.Route r : rules.routes()) {
      if (matches(r.matchers(), labels)) {
        matched = true;
        out.addAll(r.receivers());
        if (!r.continueMatching()) {
          break;
        }
      }
    }
    if (!matched) {
      out.addAll(rules.defaultReceivers());
    }
    return List.copyOf(out);
  }

  private static boolean matches(List<Matcher> matchers, Labels labels) {
    for (Matcher m : matchers) {
      if (!m.matches(labels.values(m.name()))) {
        return false;
      }
    }
    return true;
  }
}
