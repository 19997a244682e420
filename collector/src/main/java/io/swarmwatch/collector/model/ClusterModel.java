package io.swarmwatch.collector.model;

import io.swarmwatch.common.Times;
import io.swarmwatch.proto.v1.AgentStats;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerEvent;
import io.swarmwatch.proto.v1.ContainerRemoved;
import io.swarmwatch.proto.v1.ContainerUsage;
import io.swarmwatch.proto.v1.HostSample;
import io.swarmwatch.proto.v1.Metric;
import io.swarmwatch.proto.v1.Node;
import io.swarmwatch.proto.v1.Snapshot;
import io.swarmwatch.proto.v1.SpoolDrops;
import io.swarmwatch.proto.v1.SwarmNode;
import io.swarmwatch.proto.v1.SwarmView;
import io.swarmwatch.proto.v1.UsageBatch;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The collector's picture of the cluster: nodes and their agents, every container the agents report
 * with its latest usage, each node's host metrics, the swarm's own view of services, tasks and
 * nodes (from the one manager agent reporting it), and a bounded window of recent events. Agents'
 * messages update it; the API reads it.
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
  private final Map<String, Sampled> usage = new HashMap<>();
  private final Map<String, HostSample> hosts = new HashMap<>();
  private final EventLog events;
  private final List<ModelListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile FlagSource flags = FlagSource.NONE;
  private SwarmView swarm;
  // Bumped by every change; volatile so watchers poll it without taking the model's lock.
  private volatile long version;

  public ClusterModel(Clock clock, int eventCapacity) {
    this.clock = clock;
    this.events = new EventLog(eventCapacity);
  }

  /** Adds a listener told of every change from now on (see {@link ModelListener}'s contract). */
  public void addListener(ModelListener listener) {
    listeners.add(listener);
  }

  public void removeListener(ModelListener listener) {
    listeners.remove(listener);
  }

  /** Where replica and service views get their flags; {@link FlagSource#NONE} until set. */
  public void flagSource(FlagSource source) {
    this.flags = source;
  }

  private void notify(ModelListener.Kind kind, String nodeId, List<Container> cs, long eventTime) {
    if (listeners.isEmpty()) {
      return;
    }
    ModelListener.Change change = new ModelListener.Change(kind, nodeId, cs, eventTime);
    for (ModelListener l : listeners) {
      l.changed(change);
    }
  }

  /** A container as last observed, and the node whose agent reported it. */
  record Held(String nodeId, Container c) {}

  /** A container's latest usage and when it was sampled. */
  record Sampled(long timeNanos, ContainerUsage u) {}

  private static final class NodeEntry {
    Node node;
    boolean connected;
    long session;
    String version = "";
    Instant lastSeen;
    Map<String, Double> metrics;
    NodeView.SpoolDropsView spoolDrops;
  }

  /**
   * An agent opened a stream. Returns a session number: only the newest session's end marks the
   * agent disconnected (an agent that reconnects before its old stream dies stays connected).
   */
  public synchronized long agentConnected(Node node, String version) {
    this.version++;
    NodeEntry e = nodes.computeIfAbsent(node.getId(), k -> new NodeEntry());
    e.node = node;
    e.connected = true;
    e.version = version;
    e.lastSeen = clock.instant();
    long session = ++e.session;
    notify(ModelListener.Kind.AGENT, node.getId(), List.of(), 0);
    return session;
  }

  public synchronized void agentDisconnected(String nodeId, long session) {
    this.version++;
    NodeEntry e = nodes.get(nodeId);
    if (e != null && e.session == session) {
      e.connected = false;
      e.lastSeen = clock.instant();
      notify(ModelListener.Kind.AGENT, nodeId, List.of(), 0);
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
    this.version++;
    Set<String> present = new HashSet<>();
    List<Container> applied = new ArrayList<>();
    for (Container c : s.getContainersList()) {
      present.add(c.getId());
      if (put(nodeId, c)) {
        applied.add(c);
      }
    }
    Iterator<Map.Entry<String, Held>> it = containers.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Held> e = it.next();
      Held h = e.getValue();
      if (h.nodeId().equals(nodeId)
          && !present.contains(e.getKey())
          && h.c().getObservedUnixNanos() < s.getTakenAtUnixNanos()) {
        it.remove();
        usage.remove(e.getKey());
        tombstones.put(e.getKey(), s.getTakenAtUnixNanos());
      }
    }
    notify(ModelListener.Kind.CONTAINERS, nodeId, applied, 0);
  }

  public synchronized void upsert(String nodeId, Container c) {
    this.version++;
    if (put(nodeId, c)) {
      notify(ModelListener.Kind.CONTAINERS, nodeId, List.of(c), 0);
    }
  }

  /** Returns whether the update was newer than what is held, and so applied. */
  private boolean put(String nodeId, Container c) {
    Long removedAt = tombstones.get(c.getId());
    if (removedAt != null && removedAt >= c.getObservedUnixNanos()) {
      return false;
    }
    Held old = containers.get(c.getId());
    if (old == null || old.c().getObservedUnixNanos() <= c.getObservedUnixNanos()) {
      containers.put(c.getId(), new Held(nodeId, c));
      return true;
    }
    return false;
  }

  public synchronized void remove(ContainerRemoved r) {
    this.version++;
    Held old = containers.get(r.getId());
    if (old == null || old.c().getObservedUnixNanos() <= r.getObservedUnixNanos()) {
      containers.remove(r.getId());
      usage.remove(r.getId());
      tombstones.put(r.getId(), r.getObservedUnixNanos());
      notify(ModelListener.Kind.CONTAINERS, old == null ? "" : old.nodeId(), List.of(), 0);
    }
  }

  /** Latest usage of each sampled container; samples of unknown containers are kept too. */
  public synchronized void usage(UsageBatch batch) {
    this.version++;
    for (ContainerUsage u : batch.getContainersList()) {
      if (!tombstones.containsKey(u.getContainerId())) {
        usage.put(u.getContainerId(), new Sampled(batch.getTimeUnixNanos(), u));
      }
    }
    notify(ModelListener.Kind.USAGE, "", List.of(), 0);
  }

  /** What the agent's spool dropped when full (cumulative for its stream). */
  public synchronized void spoolDrops(String nodeId, SpoolDrops d) {
    this.version++;
    NodeEntry e = nodes.get(nodeId);
    if (e != null) {
      e.spoolDrops =
          new NodeView.SpoolDropsView(
              d.getLogLines(), d.getLogBytes(), d.getLogBatches(), d.getSamples());
    }
  }

  /** The agent's own metrics, flattened to {@code name{k=v,…}} → value. */
  public synchronized void agentStats(String nodeId, AgentStats stats) {
    this.version++;
    NodeEntry e = nodes.get(nodeId);
    if (e == null) {
      return;
    }
    Map<String, Double> m = new TreeMap<>();
    for (Metric metric : stats.getMetricsList()) {
      StringBuilder key = new StringBuilder(metric.getName());
      if (metric.getTagsCount() > 0) {
        key.append('{');
        new TreeMap<>(metric.getTagsMap())
            .forEach((k, v) -> key.append(k).append('=').append(v).append(','));
        key.setCharAt(key.length() - 1, '}');
      }
      m.put(key.toString(), metric.getValue());
    }
    e.metrics = Collections.unmodifiableMap(m);
  }

  public synchronized void host(String nodeId, HostSample sample) {
    this.version++;
    hosts.put(nodeId, sample);
  }

  /**
   * The swarm view replaces the previous one whole. Not ordered by its time: the caller applies
   * only the chosen reporter's views, in stream order, and after a change of reporter the new
   * manager's clock may be behind the old one's.
   */
  public synchronized void swarmView(SwarmView view) {
    this.version++;
    swarm = view;
    notify(ModelListener.Kind.SWARM, "", List.of(), 0);
  }

  public synchronized void event(String nodeId, ContainerEvent e) {
    this.version++;
    events.add(nodeId, e);
    notify(ModelListener.Kind.EVENT, nodeId, List.of(), e.getTimeUnixNanos());
  }

  /** Events that fell out of the in-memory window since start. */
  /**
   * A number that changes whenever the model does (not a count of changes: a watcher that sees the
   * same number twice knows nothing changed in between). Lock-free.
   */
  public long version() {
    return version;
  }

  public synchronized long eventsEvicted() {
    return events.evicted();
  }

  public synchronized List<EventView> events(EventQuery q) {
    return events.query(q);
  }

  public synchronized List<NodeView> nodes() {
    Map<String, SwarmNode> swarmNodes = new LinkedHashMap<>();
    if (swarm != null) {
      for (SwarmNode n : swarm.getNodesList()) {
        swarmNodes.put(n.getId(), n);
      }
    }
    Set<String> ids = new LinkedHashSet<>(swarmNodes.keySet());
    ids.addAll(nodes.keySet());
    List<NodeView> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      out.add(node(id, swarmNodes.get(id), nodes.get(id)));
    }
    out.sort(Comparator.comparing(NodeView::hostname).thenComparing(NodeView::id));
    return out;
  }

  private NodeView node(String id, SwarmNode sw, NodeEntry e) {
    Node a = e == null ? Node.getDefaultInstance() : e.node;
    HostSample h = hosts.get(id);
    return new NodeView(
        id,
        sw != null && !sw.getHostname().isEmpty() ? sw.getHostname() : a.getHostname(),
        Views.orUnknown(sw != null ? sw.getRole() : a.getRole()),
        Views.orUnknown(sw != null ? sw.getAvailability() : a.getAvailability()),
        Views.orUnknown(sw != null ? sw.getStatus() : a.getStatus()),
        !a.getEngineVersion().isEmpty()
            ? a.getEngineVersion()
            : sw == null ? "" : sw.getEngineVersion(),
        !a.getAddress().isEmpty() ? a.getAddress() : sw == null ? "" : sw.getAddress(),
        a.getOs(),
        a.getArchitecture(),
        a.getCpus() > 0 ? a.getCpus() : sw == null ? 0 : sw.getCpus(),
        a.getMemoryBytes() > 0 ? a.getMemoryBytes() : sw == null ? 0 : sw.getMemoryBytes(),
        sw == null ? Map.of() : Map.copyOf(sw.getLabelsMap()),
        sw != null && sw.getLeader(),
        sw == null ? null : Views.emptyToNull(sw.getManagerReachability()),
        new NodeView.AgentView(
            e != null && e.connected,
            e == null ? null : e.version,
            e == null || e.lastSeen == null ? null : e.lastSeen.toString(),
            e == null ? null : e.metrics,
            e == null ? null : e.spoolDrops),
        h == null ? null : Views.host(h));
  }

  public synchronized Optional<NodeView> node(String idOrHostname) {
    return nodes().stream()
        .filter(n -> n.id().equals(idOrHostname) || n.hostname().equals(idOrHostname))
        .findFirst();
  }

  /** Exact: built from the model as of now (the rule engine judges these). */
  public List<ReplicaView> replicas(ReplicaQuery q) {
    return snapshot(flags).replicas(q);
  }

  /** Exact: built from the model as of now (the rule engine judges these). */
  public List<ServiceView> services() {
    return snapshot(flags).services();
  }

  /**
   * What readers (the API, the web page, /metrics) see. The replica views are built without flags
   * once for all readers, reused while the model is unchanged and for at most {@link
   * #READ_VIEW_MAX_AGE_NANOS} while it changes; the current flags (and node-down health) are laid
   * over them when the flags change, so a flag shows as soon as the rule engine raises it. At 1,000
   * nodes x 50 containers a build is ~50,000 views; built per request they held the API to ~1
   * request/s under 50 concurrent clients (BENCHMARKS.md).
   */
  public ReadViews readViews() {
    FlagSource f = flags;
    Object generation = f.generation();
    ReadViews c = readViews;
    Base current = base;
    if (c != null
        && c.flagsGeneration == generation
        && c.base == current
        && current.fresh(version, System.nanoTime())) {
      return c;
    }
    synchronized (readViewsLock) {
      Base b = base(true);
      c = readViews;
      if (c != null && c.flagsGeneration == generation && c.base == b) {
        return c; // another reader built it while this one waited
      }
      List<ReplicaView> replicas = new ArrayList<>(b.replicas.size());
      for (ReplicaView r : b.replicas) {
        replicas.add(r.withFlags(f));
      }
      c =
          new ReadViews(
              replicas,
              b.model.withFlags(f).services(replicas),
              b.version,
              generation,
              b.builtAtNanos,
              b);
      readViews = c;
      return c;
    }
  }

  /** The flag-free views, rebuilt first if the model changed and they are older than allowed. */
  private Base base(boolean build) {
    Base b = base;
    if (b != null && b.fresh(version, System.nanoTime())) {
      return b;
    }
    long v = version;
    long at = System.nanoTime();
    Replicas r = snapshot(FlagSource.NONE);
    b = new Base(r, List.copyOf(r.replicas(ReplicaQuery.ALL)), v, at);
    base = b;
    return b;
  }

  static final long READ_VIEW_MAX_AGE_NANOS = 250_000_000L;
  private final Object readViewsLock = new Object();
  private volatile ReadViews readViews;
  private volatile Base base;

  private record Base(Replicas model, List<ReplicaView> replicas, long version, long builtAtNanos) {
    boolean fresh(long modelVersion, long now) {
      return version == modelVersion || now - builtAtNanos < READ_VIEW_MAX_AGE_NANOS;
    }
  }

  /** Every replica (sorted by service, slot, node) and service, as of {@code builtAtNanos}. */
  public record ReadViews(
      List<ReplicaView> replicas,
      List<ServiceView> services,
      long version,
      Object flagsGeneration,
      long builtAtNanos,
      Object base) {
    public ReadViews {
      replicas = List.copyOf(replicas);
      services = List.copyOf(services);
    }

    /** The replicas {@code q} selects, in the same order. */
    public List<ReplicaView> replicas(ReplicaQuery q) {
      return replicas.stream().filter(r -> Replicas.matches(q, r)).toList();
    }
  }

  /**
   * The model's state as of now, to build views from without holding the model's lock: building
   * every replica's view is O(replicas) (50,000 at 1,000 nodes x 50 containers) and, done under the
   * lock, stalled every agent stream behind the rule engine's rounds (BENCHMARKS.md, collector
   * scale). Copying the maps is a small fraction of that; their values are immutable.
   */
  private synchronized Replicas snapshot(FlagSource with) {
    return new Replicas(new HashMap<>(containers), new HashMap<>(usage), swarm, hostnames(), with);
  }

  /**
   * One container by full id, name, or unique id prefix (at least 4 characters), in that order of
   * precedence, as Docker resolves them: a container named {@code beef} is found by its name even
   * if another's id starts with {@code beef}.
   *
   * @throws IllegalArgumentException if the name or prefix matches more than one container
   */
  public synchronized Optional<ContainerView> container(String idOrName) {
    Held h = containers.get(idOrName);
    if (h == null) {
      h = unique(idOrName, c -> c.c().getName().equals(idOrName));
    }
    if (h == null && idOrName.length() >= 4) {
      h = unique(idOrName, c -> c.c().getId().startsWith(idOrName));
    }
    return Optional.ofNullable(h).map(this::containerView);
  }

  private Held unique(String idOrName, Predicate<Held> matches) {
    List<Held> found = new ArrayList<>();
    for (Held c : containers.values()) {
      if (matches.test(c)) {
        found.add(c);
      }
    }
    if (found.size() > 1) {
      throw new IllegalArgumentException(
          "'" + idOrName + "' matches " + found.size() + " containers; give more of the id");
    }
    return found.isEmpty() ? null : found.get(0);
  }

  private ContainerView containerView(Held h) {
    Container c = h.c();
    var s = c.getSwarm();
    String node = s.getNodeId().isEmpty() ? h.nodeId() : s.getNodeId();
    boolean ended = c.getFinishedUnixNanos() > 0 && !c.getState().equals("running");
    Sampled u = usage.get(c.getId());
    return new ContainerView(
        c.getId(),
        c.getName(),
        c.getImage(),
        node,
        hostnames().get(node),
        c.getState(),
        ended ? c.getExitCode() : null,
        c.getOomKilled(),
        c.getRestartCount(),
        Views.time(c.getCreatedUnixNanos()),
        Views.time(c.getStartedUnixNanos()),
        ended ? Views.time(c.getFinishedUnixNanos()) : null,
        Views.emptyToNull(s.getServiceName()),
        Views.emptyToNull(s.getServiceId()),
        Views.emptyToNull(s.getStack()),
        s.getSlot() > 0 ? s.getSlot() : null,
        Views.emptyToNull(s.getTaskId()),
        Views.emptyToNull(s.getTaskName()),
        c.hasHealth() ? Views.health(c.getHealth()) : null,
        Views.limits(c.getLimits()),
        u == null ? null : Views.usage(u.timeNanos(), u.u()),
        Map.copyOf(c.getLabelsMap()));
  }

  /** Node id → hostname, from the agents and the swarm view. */
  private Map<String, String> hostnames() {
    Map<String, String> m = new HashMap<>();
    if (swarm != null) {
      for (SwarmNode n : swarm.getNodesList()) {
        m.put(n.getId(), n.getHostname());
      }
    }
    for (NodeEntry e : nodes.values()) {
      m.put(e.node.getId(), e.node.getHostname());
    }
    return m;
  }

  /** The swarm's services, tasks and nodes as the reporting manager last sent them. */
  public synchronized Optional<SwarmView> swarmView() {
    return Optional.ofNullable(swarm);
  }

  /** When the swarm view was taken, or empty if no manager agent has reported one. */
  public synchronized Optional<Instant> swarmViewTime() {
    return swarm == null
        ? Optional.empty()
        : Optional.of(Times.fromUnixNanos(swarm.getTakenAtUnixNanos()));
  }
}
