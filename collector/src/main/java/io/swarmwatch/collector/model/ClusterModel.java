package io.swarmwatch.collector.model;

import io.swarmwatch.common.SwarmNames;
import io.swarmwatch.common.Times;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerEvent;
import io.swarmwatch.proto.v1.ContainerRemoved;
import io.swarmwatch.proto.v1.Limits;
import io.swarmwatch.proto.v1.Node;
import io.swarmwatch.proto.v1.Snapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The collector's picture of the cluster: nodes and their agents, every container the agents
 * report, and a bounded window of recent events. Agents' messages update it; the API reads it.
 *
 * <p>Container state is "newest observation wins": each update carries the time the agent inspected
 * the container, so a late-arriving stale update never overwrites a fresher one, and a removed
 * container is remembered (tombstone) so a stale update can't resurrect it.
 *
 * <p>Thread-safe: every method is synchronized; queries copy into immutable views.
 */
public final class ClusterModel {
  private static final int TOMBSTONES = 10_000;

  private final Clock clock;
  private final int eventCapacity;
  private final Map<String, NodeEntry> nodes = new LinkedHashMap<>();
  private final Map<String, Held> containers = new HashMap<>();
  private final Map<String, Long> tombstones =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > TOMBSTONES;
        }
      };
  private final ArrayDeque<StoredEvent> events = new ArrayDeque<>();
  private long nextEventId = 1;
  private long eventsEvicted;

  public ClusterModel(Clock clock, int eventCapacity) {
    this.clock = clock;
    this.eventCapacity = eventCapacity;
  }

  /** An event and its time in unix nanoseconds, for filtering without parsing. */
  private record StoredEvent(long nanos, EventView view) {}

  /** A container as last observed, and the node whose agent reported it. */
  private record Held(String nodeId, Container c) {}

  private static final class NodeEntry {
    Node node;
    boolean connected;
    long session;
    String version = "";
    Instant lastSeen;
  }

  /**
   * An agent opened a stream. Returns a session number: only the newest session's end marks the
   * agent disconnected (an agent that reconnects before its old stream dies stays connected).
   */
  public synchronized long agentConnected(Node node, String version) {
    NodeEntry e = nodes.computeIfAbsent(node.getId(), k -> new NodeEntry());
    e.node = node;
    e.connected = true;
    e.version = version;
    e.lastSeen = clock.instant();
    return ++e.session;
  }

  public synchronized void agentDisconnected(String nodeId, long session) {
    NodeEntry e = nodes.get(nodeId);
    if (e != null && e.session == session) {
      e.connected = false;
      e.lastSeen = clock.instant();
    }
  }

  public synchronized void agentSeen(String nodeId) {
    NodeEntry e = nodes.get(nodeId);
    if (e != null) {
      e.lastSeen = clock.instant();
    }
  }

  /** Replaces what is known of that node's containers with the snapshot. */
  public synchronized void applySnapshot(String nodeId, Snapshot s) {
    Set<String> present = new HashSet<>();
    for (Container c : s.getContainersList()) {
      present.add(c.getId());
      upsert(nodeId, c);
    }
    Iterator<Map.Entry<String, Held>> it = containers.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Held> e = it.next();
      Held h = e.getValue();
      if (h.nodeId().equals(nodeId)
          && !present.contains(e.getKey())
          && h.c().getObservedUnixNanos() < s.getTakenAtUnixNanos()) {
        it.remove();
        tombstones.put(e.getKey(), s.getTakenAtUnixNanos());
      }
    }
  }

  public synchronized void upsert(String nodeId, Container c) {
    Long removedAt = tombstones.get(c.getId());
    if (removedAt != null && removedAt >= c.getObservedUnixNanos()) {
      return;
    }
    Held old = containers.get(c.getId());
    if (old == null || old.c().getObservedUnixNanos() <= c.getObservedUnixNanos()) {
      containers.put(c.getId(), new Held(nodeId, c));
    }
  }

  public synchronized void remove(ContainerRemoved r) {
    Held old = containers.get(r.getId());
    if (old == null || old.c().getObservedUnixNanos() <= r.getObservedUnixNanos()) {
      containers.remove(r.getId());
      tombstones.put(r.getId(), r.getObservedUnixNanos());
    }
  }

  public synchronized void event(String nodeId, ContainerEvent e) {
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
            nextEventId++,
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
    if (events.size() > eventCapacity) {
      events.pollFirst();
      eventsEvicted++;
    }
  }

  /** Events that fell out of the in-memory window since start. */
  public synchronized long eventsEvicted() {
    return eventsEvicted;
  }

  public synchronized List<NodeView> nodes() {
    List<NodeView> out = new ArrayList<>(nodes.size());
    for (NodeEntry e : nodes.values()) {
      Node n = e.node;
      out.add(
          new NodeView(
              n.getId(),
              n.getHostname(),
              orUnknown(n.getRole()),
              orUnknown(n.getAvailability()),
              orUnknown(n.getStatus()),
              n.getEngineVersion(),
              n.getAddress(),
              n.getOs(),
              n.getArchitecture(),
              n.getCpus(),
              n.getMemoryBytes(),
              new NodeView.AgentView(
                  e.connected, e.version, e.lastSeen == null ? null : e.lastSeen.toString())));
    }
    out.sort(Comparator.comparing(NodeView::hostname).thenComparing(NodeView::id));
    return out;
  }

  public synchronized Optional<NodeView> node(String idOrHostname) {
    return nodes().stream()
        .filter(n -> n.id().equals(idOrHostname) || n.hostname().equals(idOrHostname))
        .findFirst();
  }

  public synchronized List<ReplicaView> replicas(ReplicaQuery q) {
    // The replica is the newest container of its (service, slot) or, for global services,
    // its (service, node): older ones are tasks swarm already replaced.
    Map<String, Held> newest = new HashMap<>();
    for (Held h : containers.values()) {
      var s = h.c().getSwarm();
      if (s.getServiceId().isEmpty()) {
        continue;
      }
      String key =
          s.getServiceId() + "/" + (s.getSlot() > 0 ? "slot:" + s.getSlot() : "node:" + nodeOf(h));
      Held cur = newest.get(key);
      if (cur == null || cur.c().getCreatedUnixNanos() < h.c().getCreatedUnixNanos()) {
        newest.put(key, h);
      }
    }
    List<ReplicaView> out = new ArrayList<>();
    for (Held h : newest.values()) {
      ReplicaView r = replica(h);
      if (q.service().isPresent()
          && !q.service().get().equals(r.service())
          && !q.service().get().equals(r.serviceId())) {
        continue;
      }
      if (q.node().isPresent()
          && !q.node().get().equals(r.node())
          && !q.node().get().equals(r.nodeHostname())) {
        continue;
      }
      out.add(r);
    }
    out.sort(
        Comparator.comparing(ReplicaView::service)
            .thenComparing(r -> r.slot() == null ? 0 : r.slot())
            .thenComparing(ReplicaView::node));
    return out;
  }

  public synchronized List<EventView> events(EventQuery q) {
    List<EventView> out = new ArrayList<>();
    long since = q.since().map(ClusterModel::saturatedNanos).orElse(Long.MIN_VALUE);
    long until = q.until().map(ClusterModel::saturatedNanos).orElse(Long.MAX_VALUE);
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

  private String nodeOf(Held h) {
    String fromLabel = h.c().getSwarm().getNodeId();
    return fromLabel.isEmpty() ? h.nodeId() : fromLabel;
  }

  private ReplicaView replica(Held h) {
    Container c = h.c();
    var s = c.getSwarm();
    String node = nodeOf(h);
    NodeEntry ne = nodes.get(node);
    boolean ended = c.getFinishedUnixNanos() > 0 && !c.getState().equals("running");
    return new ReplicaView(
        s.getServiceName(),
        s.getServiceId(),
        s.getStack().isEmpty() ? null : s.getStack(),
        s.getSlot() > 0 ? s.getSlot() : null,
        node,
        ne == null ? null : ne.node.getHostname(),
        s.getTaskId(),
        s.getTaskName(),
        c.getId(),
        c.getName(),
        c.getImage(),
        c.getState(),
        c.getHealthStatus().isEmpty() ? "none" : c.getHealthStatus(),
        ended ? c.getExitCode() : null,
        c.getOomKilled(),
        c.getRestartCount(),
        time(c.getCreatedUnixNanos()),
        time(c.getStartedUnixNanos()),
        ended ? time(c.getFinishedUnixNanos()) : null,
        limits(c.getLimits()));
  }

  private static ReplicaView.LimitsView limits(Limits l) {
    return new ReplicaView.LimitsView(
        positive(l.getNanoCpus()),
        positive(l.getCpuQuota()),
        positive(l.getCpuPeriod()),
        positive(l.getCpuShares()),
        l.getCpusetCpus().isEmpty() ? null : l.getCpusetCpus(),
        positive(l.getMemoryBytes()),
        positive(l.getMemoryReservationBytes()),
        // -1 means unlimited swap: keep it, it is a setting, not "unset".
        l.getMemorySwapBytes() == 0 ? null : l.getMemorySwapBytes(),
        positive(l.getPidsLimit()));
  }

  private static Long positive(long v) {
    return v > 0 ? v : null;
  }

  private static String time(long nanos) {
    return nanos == 0 ? null : Times.fromUnixNanos(nanos).toString();
  }

  private static String orUnknown(String s) {
    return s.isEmpty() ? "unknown" : s;
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
