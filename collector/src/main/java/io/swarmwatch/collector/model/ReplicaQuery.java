package io.swarmwatch.collector.model;

import java.util.Optional;

/**
 * Filters for replicas; empty matches all.
 *
 * @param service service name or id
 * @param node node id or hostname
 */
public record ReplicaQuery(Optional<String> service, Optional<String> node) {
  public static final ReplicaQuery ALL = new ReplicaQuery(Optional.empty(), Optional.empty());
}
