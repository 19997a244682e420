package io.swarmwatch.collector.model;

import io.swarmwatch.proto.v1.Container;
import java.util.List;

/**
 * Told after each change the model applies (the rule engine's trigger). Called on the ingesting
 * thread while the model's lock is held, so changes arrive in the order they were applied: must not
 * block and must not call back into the model (hand off to a bounded queue).
 */
@FunctionalInterface
public interface ModelListener {
  void changed(Change change);

  /** What changed. */
  enum Kind {
    /** Containers were added, updated or removed (a snapshot, an update, a removal). */
    CONTAINERS,
    /** An Engine event arrived. */
    EVENT,
    /** Usage samples arrived. */
    USAGE,
    /** The swarm's view of services, tasks and nodes was replaced. */
    SWARM,
    /** An agent connected or disconnected. */
    AGENT
  }

  /**
   * @param kind what changed
   * @param nodeId the node whose agent sent it ("" for the swarm view)
   * @param containers the containers as applied, for {@code CONTAINERS} (removals not listed)
   * @param eventTimeUnixNanos the Engine's time of the event, for {@code EVENT}; else 0
   */
  record Change(Kind kind, String nodeId, List<Container> containers, long eventTimeUnixNanos) {
    public Change {
      containers = List.copyOf(containers);
    }
  }
}
