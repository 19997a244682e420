package io.swarmwatch.collector.alert;

import io.swarmwatch.collector.alert.format.Notice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What routes and silences match an incident on: {@code rule}, {@code severity}, {@code service},
 * {@code stack}, {@code node} (every affected replica's node: a matcher matches if any does) and
 * {@code label.<key>} for the service's labels.
 */
record Labels(Map<String, List<String>> values) {
  Labels {
    values = Map.copyOf(values);
  }

  List<String> values(String name) {
    return values.getOrDefault(name, List.of());
  }

  static Labels of(
      String rule,
      String severity,
      String service,
      String stack,
      List<Notice.Replica> replicas,
      Map<String, String> serviceLabels) {
    Map<String, List<String>> v = new HashMap<>();
    v.put("rule", List.of(rule));
    v.put("severity", List.of(severity));
    v.put("service", service.isEmpty() ? List.of() : List.of(service));
    v.put("stack", stack.isEmpty() ? List.of() : List.of(stack));
    List<String> nodes = new ArrayList<>();
    for (Notice.Replica r : replicas) {
      if (!r.node().isEmpty() && !nodes.contains(r.node())) {
        nodes.add(r.node());
      }
    }
    v.put("node", nodes);
    serviceLabels.forEach((k, val) -> v.put("label." + k, List.of(val)));
    return new Labels(v);
  }

  static Labels of(Notice n) {
    return of(n.rule(), n.severity().label(), n.service(), n.stack(), n.replicas(), n.labels());
  }
}
