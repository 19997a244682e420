package io.swarmwatch.collector.model;

import io.swarmwatch.common.SwarmNames;
import io.swarmwatch.common.Times;
import io.swarmwatch.proto.v1.ContainerEvent;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A bounded window of recent Engine events, newest last; the oldest fall out (counted) once {@code
 * capacity} is reached. Not thread-safe: {@link ClusterModel} guards it.
 */
final class EventLog {
  private final int capacity;
  private final ArrayDeque<StoredEvent> events = new ArrayDeque<>();
  private long nextId = 1;
  private long evicted;

  /** An event and its time in unix nanoseconds, for filtering without parsing. */
  private record StoredEvent(long nanos, EventView view) {}

  EventLog(int capacity) {
    this.capacity = capacity;
  }

  void add(String nodeId, ContainerEvent e) {
    Map<String, String> a = e.getAttributesMap();
    String action = e.getAction();
    int colon = action.indexOf(':');
    String type = colon < 0 ? action : action.substring(0, colon);
    boolean container = e.getType().equals("container");
    String taskName = a.get("com.docker.swarm.task.name");
    Integer slotNo = null;
    String serviceName = a.get("com.docker.swarm.service.name");
    if (taskName != null && serviceName != null) {
      int n = SwarmNames.slotOf(taskName, serviceName);
      slotNo = n > 0 ? n : null;
    }
    EventView v =
        new EventView(
            nextId++,
            Times.fromUnixNanos(e.getTimeUnixNanos()).toString(),
            type,
            action,
            e.getType(),
            nodeId,
            container ? e.getActorId() : null,
            container ? a.get("name") : null,
            serviceName,
            a.get("com.docker.swarm.service.id"),
            a.get("com.docker.swarm.task.id"),
            slotNo,
            a.get("com.docker.stack.namespace"),
            parseIntOrNull(a.get("exitCode")),
            Map.copyOf(a));
    events.addLast(new StoredEvent(e.getTimeUnixNanos(), v));
    if (events.size() > capacity) {
      events.pollFirst();
      evicted++;
    }
  }

  long evicted() {
    return evicted;
  }

  List<EventView> query(EventQuery q) {
    List<EventView> out = new ArrayList<>();
    long since = q.since().map(EventLog::saturatedNanos).orElse(Long.MIN_VALUE);
    long until = q.until().map(EventLog::saturatedNanos).orElse(Long.MAX_VALUE);
    Iterator<StoredEvent> it = events.descendingIterator();
    while (it.hasNext() && out.size() < q.limit()) {
      StoredEvent stored = it.next();
      if (stored.nanos() < since || stored.nanos() >= until) {
        continue;
      }
      EventView e = stored.view();
      if (q.service().isPresent()
          && !q.service().get().equals(e.service())
          && !q.service().get().equals(e.serviceId())) {
        continue;
      }
      if (q.container().isPresent() && !matchesContainer(q.container().get(), e)) {
        continue;
      }
      if (q.type().isPresent()
          && !q.type().get().equals(e.type())
          && !q.type().get().equals(e.action())) {
        continue;
      }
      out.add(e);
    }
    Collections.reverse(out);
    return out;
  }

  /** Bounds outside int64 nanoseconds (years 1677..2262) clamp instead of overflowing. */
  private static long saturatedNanos(Instant t) {
    try {
      return Times.toUnixNanos(t);
    } catch (ArithmeticException outOfRange) {
      return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static boolean matchesContainer(String want, EventView e) {
    if (e.containerId() == null) {
      return false;
    }
    return want.equals(e.containerName())
        || (want.length() >= 4 && e.containerId().startsWith(want));
  }

  private static Integer parseIntOrNull(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
