package io.swarmwatch.agent.docker;

import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerEvent;
import io.swarmwatch.proto.v1.ContainerRemoved;
import io.swarmwatch.proto.v1.Snapshot;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent's own picture of its node's containers, kept from what the watcher sees (newest
 * observation wins, as at the collector), passing everything on to the next sink. The usage sampler
 * asks it which containers run and under which PID.
 *
 * <p>Removed containers are remembered (bounded tombstones, as at the collector): the watcher's
 * snapshot is taken while events keep arriving, so a snapshot that listed a container can be handed
 * in after that container's destroy event, and must not bring it back. Thread-safe.
 */
public final class ContainerRegistry implements EngineSink {
  private static final int TOMBSTONES = 10_000;

  private final EngineSink next;
  private final Map<String, Container> containers = new HashMap<>();
  private final Map<String, Long> tombstones =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > TOMBSTONES;
        }
      };

  public ContainerRegistry(EngineSink next) {
    this.next = next;
  }

  @Override
  public void event(ContainerEvent event) {
    next.event(event);
  }

  @Override
  public void container(Container c) {
    synchronized (this) {
      observe(c);
    }
    next.container(c);
  }

  @Override
  public void removed(ContainerRemoved removed) {
    synchronized (this) {
      Container old = containers.get(removed.getId());
      if (old == null || old.getObservedUnixNanos() <= removed.getObservedUnixNanos()) {
        containers.remove(removed.getId());
        tombstones.merge(removed.getId(), removed.getObservedUnixNanos(), Math::max);
      }
    }
    next.removed(removed);
  }

  @Override
  public void snapshot(Snapshot s) {
    remember(s);
    next.snapshot(s);
  }

  /** Takes in a snapshot without passing it on (one the shipper sends itself). */
  public synchronized void remember(Snapshot s) {
    Set<String> present = new HashSet<>();
    for (Container c : s.getContainersList()) {
      present.add(c.getId());
      observe(c);
    }
    Iterator<Map.Entry<String, Container>> it = containers.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Container> e = it.next();
      if (!present.contains(e.getKey())
          && e.getValue().getObservedUnixNanos() < s.getTakenAtUnixNanos()) {
        it.remove();
        tombstones.merge(e.getKey(), s.getTakenAtUnixNanos(), Math::max);
      }
    }
  }

  private void observe(Container c) {
    Long removedAt = tombstones.get(c.getId());
    if (removedAt != null && removedAt >= c.getObservedUnixNanos()) {
      return; // observed before it was removed: stale
    }
    containers.merge(
        c.getId(),
        c,
        (old, neu) -> neu.getObservedUnixNanos() >= old.getObservedUnixNanos() ? neu : old);
  }

  /** Running containers with a known PID. */
  public synchronized List<Container> running() {
    return containers.values().stream()
        .filter(c -> c.getState().equals("running") && c.getPid() > 0)
        .toList();
  }

  /** Every known container, whatever its state. */
  public synchronized List<Container> all() {
    return List.copyOf(containers.values());
  }

  public synchronized int size() {
    return containers.size();
  }
}
