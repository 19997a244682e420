package io.swarmwatch.agent.docker;

import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerEvent;
import io.swarmwatch.proto.v1.ContainerRemoved;
import io.swarmwatch.proto.v1.Snapshot;

/**
 * Where {@link EngineWatcher} puts what it sees. Called from the watcher's threads; must not block
 * for long (implementations hand off to a bounded buffer).
 */
public interface EngineSink {
  void event(ContainerEvent event);

  /** A container's state after an event changed it. */
  void container(Container container);

  void removed(ContainerRemoved removed);

  /** The full re-list taken after the Engine connection came back. */
  void snapshot(Snapshot snapshot);
}
