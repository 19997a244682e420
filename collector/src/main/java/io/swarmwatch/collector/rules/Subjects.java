package io.swarmwatch.collector.rules;

import io.swarmwatch.collector.model.FlagSource;
import io.swarmwatch.collector.model.NodeView;
import io.swarmwatch.collector.model.ReplicaView;
import io.swarmwatch.collector.model.ServiceView;
import io.swarmwatch.collector.rules.FlagChange.Subject;
import java.util.Map;

/** The {@link Subject} of a replica, a service or a node, as alerts route and group on it. */
final class Subjects {
  private Subjects() {}

  /** {@code service} is the swarm's view of its service, null without one. */
  static Subject replica(ReplicaView r, ServiceView service) {
    Map<String, String> labels =
        service == null || service.labels() == null ? Map.of() : service.labels();
    String stack = r.stack() != null ? r.stack() : service == null ? null : service.stack();
    return new Subject(
        "replica",
        FlagSource.replicaKey(r.serviceId(), r.slot(), r.node()),
        r.serviceId(),
        nz(r.service()),
        nz(stack),
        nz(r.node()),
        nz(r.taskId()),
        nz(r.containerId()),
        labels);
  }

  static Subject service(ServiceView s) {
    return new Subject(
        "service",
        s.id(),
        s.id(),
        nz(s.name()),
        nz(s.stack()),
        "",
        "",
        "",
        s.labels() == null ? Map.of() : s.labels());
  }

  static Subject node(NodeView n) {
    return new Subject("node", n.id(), "", "", "", n.id(), "", "", n.labels());
  }

  /** How a replica is named in reasons: {@code web.2} or {@code agent@node-1}. */
  static String name(ReplicaView r) {
    return r.slot() != null
        ? r.service() + "." + r.slot()
        : r.service() + "@" + (r.nodeHostname() != null ? r.nodeHostname() : r.node());
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
