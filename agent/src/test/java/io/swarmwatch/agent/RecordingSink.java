package io.swarmwatch.agent;

import io.swarmwatch.agent.docker.EngineSink;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerEvent;
import io.swarmwatch.proto.v1.ContainerRemoved;
import io.swarmwatch.proto.v1.Snapshot;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps everything an {@link io.swarmwatch.agent.docker.EngineWatcher} delivers, in order. */
public final class RecordingSink implements EngineSink {
  public final List<ContainerEvent> events = new CopyOnWriteArrayList<>();
  public final List<Container> states = new CopyOnWriteArrayList<>();
  public final List<ContainerRemoved> removed = new CopyOnWriteArrayList<>();
  public final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();

  @Override
  public void event(ContainerEvent e) {
    events.add(e);
  }

  @Override
  public void container(Container c) {
    states.add(c);
  }

  @Override
  public void removed(ContainerRemoved r) {
    removed.add(r);
  }

  @Override
  public void snapshot(Snapshot s) {
    snapshots.add(s);
  }

  public List<ContainerEvent> events(String actorId) {
    return events.stream().filter(e -> e.getActorId().equals(actorId)).toList();
  }

  public List<String> actions(String actorId) {
    return events(actorId).stream().map(ContainerEvent::getAction).toList();
  }

  public boolean hasEvent(String actorId, String action) {
    return actions(actorId).contains(action);
  }

  public boolean wasRemoved(String id) {
    return removed.stream().anyMatch(r -> r.getId().equals(id));
  }

  /** The first event of that container with that action; fails if there is none. */
  public ContainerEvent event(String actorId, String action) {
    return events(actorId).stream()
        .filter(e -> e.getAction().equals(action))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + action + " event for " + actorId));
  }

  /** The newest state delivered for that container, or null. */
  public Container lastState(String id) {
    Container last = null;
    for (Container c : states) {
      if (c.getId().equals(id)) {
        last = c;
      }
    }
    return last;
  }
}
