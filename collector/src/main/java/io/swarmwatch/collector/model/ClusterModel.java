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
  // Bumped by the changes that alter replica and service views: containers, swarm view, node
  // names (structure), and usage samples. Readers' views follow structure at once and usage within
  // USAGE_MAX_AGE_NANOS (see readViews); events, host samples and agent stats change neither.
  private volatile long structure;
  private volatile long usageVersion;
  // Node views: membership and agent connection (exact), and what changes with every message or
  // sample: last seen, host samples, agent stats (loose: may lag NODES_MAX_AGE_NANOS at scale).
  private volatile long nodesExact;
  private volatile long nodesLoose;
  private volatile NodesCache nodesCache;

  private record NodesCache(List<NodeView> views, long exact, long loose, long builtAtNanos) {}

  static final long NODES_MAX_AGE_NANOS = 1_000_000_000L;
  // Up to this many nodes, every read is exact (a build is well under a millisecond).
  static final int NODES_EXACT_MAX = 200;

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

  /**
   * A container as last observed, the node whose agent reported it, and the replica it serves (null
   * if it is no swarm task), worked out once here rather than per view build.
   */
  record Held(String nodeId, Container c, String replicaKey) {
    Held(String nodeId, Container c) {
      this(nodeId, c, Replicas.key(nodeId, c));
    }
  }

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
    nodesExact++;
    structure++;
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
    nodesExact++;
    NodeEntry e = nodes.get(nodeId);
    if (e != null && e.session == session) {
      e.connected = false;
      e.lastSeen = clock.instant();
      notify(ModelListener.Kind.AGENT, nodeId, List.of(), 0);
    }
  }

  public synchronized void agentSeen(String nodeId) {
    nodesLoose++;
    NodeEntry e = nodes.get(nodeId);
    if (e != null) {
      e.lastSeen = clock.instant();
    }
  }

  /** Replaces what is known of that node's containers with the snapshot. */
  public synchronized void applySnapshot(String nodeId, Snapshot s) {
    this.version++;
    structure++;
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
    structure++;
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
    structure++;
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
    usageVersion++;
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
    nodesLoose++;
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
    nodesLoose++;
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
    nodesLoose++;
    hosts.put(nodeId, sample);
  }

  /**
   * The swarm view replaces the previous one whole. Not ordered by its time: the caller applies
   * only the chosen reporter's views, in stream order, and after a change of reporter the new
   * manager's clock may be behind the old one's.
   */
  public synchronized void swarmView(SwarmView view) {
    this.version++;
    nodesExact++;
    structure++;
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

  /**
   * Every node, by hostname. Cached: at 1,000 nodes a build of every view under the model's lock
   * per request stalled ingest and the API alike. Above {@link #NODES_EXACT_MAX} nodes, last-seen
   * times, host samples and agent stats may lag by up to {@link #NODES_MAX_AGE_NANOS}.
   */
  public List<NodeView> nodes() {
    NodesCache c = nodesCache;
    if (c != null
        && c.exact == nodesExact
        && (c.loose == nodesLoose
            || (c.views.size() > NODES_EXACT_MAX
                && System.nanoTime() - c.builtAtNanos < NODES_MAX_AGE_NANOS))) {
      return c.views;
    }
    synchronized (this) {
      c = new NodesCache(List.copyOf(buildNodes()), nodesExact, nodesLoose, System.nanoTime());
      nodesCache = c;
      return c.views;
    }
  }

  private List<NodeView> buildNodes() {
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

  public Optional<NodeView> node(String idOrHostname) {
    return nodes().stream()
        .filter(n -> n.id().equals(idOrHostname) || n.hostname().equals(idOrHostname))
        .findFirst();
  }

  /** Exact: built from the model as of now, with the current flags (tests compare to these). */
  public List<ReplicaView> replicas(ReplicaQuery q) {
    return snapshot(flags).replicas(q);
  }

  /** Exact: built from the model as of now, with the current flags. */
  public List<ServiceView> services() {
    return snapshot(flags).services();
  }

  /**
   * What readers (the rule engine, the API, the web page, /metrics) see. The replica views are
   * built without flags once for all readers: at once after a change of containers, tasks or node
   * names, and at most every {@link #USAGE_MAX_AGE_NANOS} when only usage samples (every 10 s per
   * agent) changed. The current flags (and node-down health) are laid over them when the flags
   * change, so a flag shows as soon as the rule engine raises it. While another thread builds newer
   * views, readers are answered from the last ones (if under {@link #STALE_WHILE_BUILDING_NANOS}
   * old) instead of waiting. At 1,000 nodes x 50 containers a build from scratch is ~50,000 views;
   * built per request they held the API to ~1 request/s under 50 concurrent clients
   * (BENCHMARKS.md).
   */
  public ReadViews readViews() {
    return views(false);
  }

  /**
   * {@link #readViews} as of now, usage included, built on this thread if out of date: for the rule
   * engine, which judges the model as it is (its unit tests apply a sample and evaluate at once).
   * Its rounds run on changes of containers and on its tick, not per sample, so usage alone
   * rebuilds the views about once a second.
   */
  public ReadViews currentViews() {
    return views(true);
  }

  private ReadViews views(boolean exactUsage) {
    return views(exactUsage, exactUsage);
  }

  /**
   * @param exactUsage the usage samples must be the latest
   * @param inline build here if out of date; otherwise large views may be answered stale while the
   *     views thread brings them up to date
   */
  private ReadViews views(boolean exactUsage, boolean inline) {
    FlagSource f = flags;
    Object generation = f.generation();
    ReadViews c = readViews;
    Base current = base;
    if (c != null
        && c.flagsGeneration == generation
        && c.base == current
        && current.fresh(structure, usageVersion, exactUsage, System.nanoTime())) {
      return c;
    }
    if (!inline && c != null && c.replicas.size() > inlineBuildMaxReplicas) {
      // A build takes ~100 ms at 50,000 replicas (memory-bound: a few map lookups per replica).
      // Readers don't queue behind it: they get the last views while the views thread (or the
      // rule engine, on the change itself) builds the next, unless that has been pending too long.
      if (building.isLocked()) {
        return c;
      }
      long kicked = rebuildKickedAtNanos;
      if (kicked == 0) {
        kickRebuild();
        return c;
      }
      if (System.nanoTime() - kicked < STALE_WHILE_BUILDING_NANOS) {
        return c;
      }
    }
    building.lock();
    try {
      Base b = base(exactUsage);
      c = readViews;
      if (c != null && c.flagsGeneration == generation && c.base == b) {
        return c; // another reader built it while this one waited
      }
      List<ReplicaView> replicas = new ArrayList<>(b.replicas.size());
      List<ReplicaView> unhealthy = new ArrayList<>();
      for (int i = 0; i < b.replicas.size(); i++) {
        ReplicaView r = b.replicas.get(i).withFlags(f, b.flagKeys[i]);
        replicas.add(r);
        if (r.unhealthy()) {
          unhealthy.add(r);
        }
      }
      c =
          new ReadViews(
              replicas,
              unhealthy,
              b.model.withFlags(f).services(replicas),
              generation,
              b.builtAtNanos,
              b);
      readViews = c;
      return c;
    } finally {
      building.unlock();
    }
  }

  /** The flag-free views, rebuilt first if they no longer reflect the model (see readViews). */
  private Base base(boolean exactUsage) {
    Base b = base;
    long s = structure;
    long u = usageVersion;
    if (b != null && b.fresh(s, u, exactUsage, System.nanoTime())) {
      return b;
    }
    long at = System.nanoTime();
    Replicas r = snapshot(FlagSource.NONE);
    List<ReplicaView> all = List.copyOf(r.replicas(ReplicaQuery.ALL));
    String[] keys = new String[all.size()];
    for (int i = 0; i < keys.length; i++) {
      ReplicaView v = all.get(i);
      keys[i] = FlagSource.replicaKey(v.serviceId(), v.slot(), v.node());
    }
    // The versions read before the snapshot: a change racing the build makes the next read rebuild.
    b = new Base(r, all, keys, s, u, at);
    base = b;
    return b;
  }

  static final long USAGE_MAX_AGE_NANOS = 1_000_000_000L;
  static final long STALE_WHILE_BUILDING_NANOS = 2_000_000_000L;
  // Up to this many replicas, readers build out-of-date views themselves (~1 ms per 1,000).
  private volatile int inlineBuildMaxReplicas = 5_000;
  private final java.util.concurrent.atomic.AtomicBoolean rebuildQueued =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile long rebuildKickedAtNanos;
  // One thread at most, gone when idle (so the model needs no close), one build queued at most.
  private final java.util.concurrent.ThreadPoolExecutor viewsThread =
      new java.util.concurrent.ThreadPoolExecutor(
          0,
          1,
          30,
          java.util.concurrent.TimeUnit.SECONDS,
          new java.util.concurrent.LinkedBlockingQueue<>(),
          r -> {
            Thread t = new Thread(r, "swarmwatch-views");
            t.setDaemon(true);
            return t;
          });

  /** Readers answer from out-of-date views only above this size (tests lower it). */
  void inlineBuildMaxReplicas(int n) {
    inlineBuildMaxReplicas = n;
  }

  private void kickRebuild() {
    if (!rebuildQueued.compareAndSet(false, true)) {
      return;
    }
    rebuildKickedAtNanos = System.nanoTime();
    viewsThread.execute(
        () -> {
          rebuildQueued.set(false);
          try {
            views(false, true);
          } finally {
            if (!rebuildQueued.get()) {
              rebuildKickedAtNanos = 0;
            }
          }
        });
  }

  private final java.util.concurrent.locks.ReentrantLock building =
      new java.util.concurrent.locks.ReentrantLock();
  private volatile ReadViews readViews;
  private volatile Base base;

  private record Base(
      Replicas model,
      List<ReplicaView> replicas,
      String[] flagKeys,
      long structure,
      long usage,
      long builtAtNanos) {
    boolean fresh(long structureNow, long usageNow, boolean exactUsage, long now) {
      return structure == structureNow
          && (usage == usageNow || (!exactUsage && now - builtAtNanos < USAGE_MAX_AGE_NANOS));
    }
  }

  /**
   * Every replica (sorted by service, slot, node) and service, as of {@code builtAtNanos}, and the
   * replicas with a warning or critical flag among them.
   */
  public record ReadViews(
      List<ReplicaView> replicas,
      List<ReplicaView> unhealthy,
      List<ServiceView> services,
      Object flagsGeneration,
      long builtAtNanos,
      Object base) {
    public ReadViews {
      replicas = List.copyOf(replicas);
      unhealthy = List.copyOf(unhealthy);
      services = List.copyOf(services);
    }

    /** The replicas {@code q} selects, in the same order. */
    public List<ReplicaView> replicas(ReplicaQuery q) {
      return select(replicas, q);
    }

    /** The replicas with a warning or critical flag that {@code q} selects, in the same order. */
    public List<ReplicaView> unhealthy(ReplicaQuery q) {
      return select(unhealthy, q);
    }

    private static List<ReplicaView> select(List<ReplicaView> from, ReplicaQuery q) {
      if (q.service().isEmpty() && q.node().isEmpty()) {
        return from;
      }
      return from.stream().filter(r -> Replicas.matches(q, r)).toList();
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
