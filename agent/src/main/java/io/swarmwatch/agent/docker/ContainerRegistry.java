package io.swarmwatch.agent.docker;

import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerEvent;
import io.swarmwatch.proto.v1.ContainerRemoved;
import io.swarmwatch.proto.v1.Snapshot;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's own picture of its node's containers, kept from what the watcher sees (newest
 * observation wins, as at the collector), passing everything on to the next sink. The usage sampler
 * asks it which containers run and under which PID.
 */
public final class ContainerRegistry implements EngineSink {
  private final EngineSink next;
  private final Map<String, Container> containers = new ConcurrentHashMap<>();

  public ContainerRegistry(EngineSink next) {
    this.next = next;
  }

  @Override
  public void event(ContainerEvent event) {
    next.event(event);
  }

  @Override
  public void container(Container c) {
    containers.merge(
        c.getId(),
        c,
        (old, neu) -> neu.getObservedUnixNanos() >= old.getObservedUnixNanos() ? neu : old);
    next.container(c);
  }

  @Override
  public void removed(ContainerRemoved removed) {
    containers.computeIfPresent(
        removed.getId(),
        (id, old) -> old.getObservedUnixNanos() <= removed.getObservedUnixNanos() ? null : old);
    next.removed(removed);
  }

  @Override
  public void snapshot(Snapshot s) {
    remember(s);
    next.snapshot(s);
  }

  /** Takes in a snapshot without passing it on (one the shipper sends itself). */
  public void remember(Snapshot s) {
    Set<String> present = new HashSet<>();
    for (Container c : s.getContainersList()) {
      present.add(c.getId());
      containers.merge(
          c.getId(),
          c,
          (old, neu) -> neu.getObservedUnixNanos() >= old.getObservedUnixNanos() ? neu : old);
    }
    containers
        .entrySet()
        .removeIf(
            e ->
                !present.contains(e.getKey())
                    && e.getValue().getObservedUnixNanos() < s.getTakenAtUnixNanos());
  }

  /** Running containers with a known PID. */
  public List<Container> running() {
    return containers.values().stream()
        .filter(c -> c.getState().equals("running") && c.getPid() > 0)
        .toList();
  }

  public int size() {
    return containers.size();
  }
}
