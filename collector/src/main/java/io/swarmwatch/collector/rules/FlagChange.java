package io.swarmwatch.collector.rules;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A flag raised, changed (new reason or severity) or cleared: what the rules tell their subscribers
 * (alerts, the web page's live view). Delivered in the order decided.
 *
 * @param kind what happened to the flag
 * @param subject what the flag is on
 * @param flag the flag as of this change (for {@code CLEARED}, as it was last)
 * @param at when the change was decided
 */
public record FlagChange(Kind kind, Subject subject, Flag flag, Instant at) {
  public enum Kind {
    RAISED,
    UPDATED,
    CLEARED
  }

  /**
   * What a flag is on, with what alert routing and grouping need.
   *
   * @param type {@code replica}, {@code service} or {@code node}
   * @param id stable key: {@code <serviceId>/<slot>} or {@code <serviceId>/<nodeId>} for a replica,
   *     the service id, the node id
   * @param serviceId the service it belongs to; "" for a node
   * @param serviceName "" for a node
   * @param stack {@code com.docker.stack.namespace}, "" if none
   * @param node the node id ("" when not placed)
   * @param taskId the replica's current swarm task, "" if none (or not a replica)
   * @param containerId the replica's current container, "" if none
   * @param labels the service's labels (where {@code swarmwatch.*} overrides live); for a node, its
   *     node labels
   */
  public record Subject(
      String type,
      String id,
      String serviceId,
      String serviceName,
      String stack,
      String node,
      String taskId,
      String containerId,
      Map<String, String> labels) {
    public Subject {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(taskId, "taskId");
      labels = Map.copyOf(labels);
    }
  }

  public FlagChange {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(at, "at");
  }
}
