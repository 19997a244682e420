package io.swarmwatch.collector.model;

import io.swarmwatch.collector.model.ClusterModel.Held;
import io.swarmwatch.collector.model.ClusterModel.Sampled;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.Limits;
import io.swarmwatch.proto.v1.SwarmService;
import io.swarmwatch.proto.v1.SwarmTask;
import io.swarmwatch.proto.v1.SwarmView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Works out each service's replicas from the containers the agents report and, when a manager agent
 * reports it, the swarm's tasks. A replica is a slot (replicated services) or a node (global
 * services); its current task or container is the one created last, since swarm replaces a failed
 * task with a new one in the same slot.
 *
 * <p>With the swarm view, slots the swarm no longer wants (scaled down, service removed) are left
 * out, and a task the scheduler could not place yet (pending, rejected: no container) is shown with
 * the scheduler's message. Without it, every slot any container claims is shown.
 *
 * <p>Built over a copy of the model's maps (see {@link ClusterModel}), outside its lock.
 */
final class Replicas {
  private final Map<String, Held> containers;
  private final Map<String, Sampled> usage;
  private final SwarmView swarm;
  private final Map<String, String> hostnames;
  private final FlagSource flags;

  Replicas(
      Map<String, Held> containers,
      Map<String, Sampled> usage,
      SwarmView swarm,
      Map<String, String> hostnames,
      FlagSource flags) {
    this.containers = containers;
    this.usage = usage;
    this.swarm = swarm;
    this.hostnames = hostnames;
    this.flags = flags;
  }

  /**
   * A container's replica key ({@link FlagSource#replicaKey}), or null if it is not a swarm task.
   */
  static String key(String nodeId, Container c) {
    var s = c.getSwarm();
    if (s.getServiceId().isEmpty()) {
      return null;
    }
    String node = s.getNodeId().isEmpty() ? nodeId : s.getNodeId();
    return key(s.getServiceId(), s.getSlot(), node);
  }

  // One key format for grouping containers and tasks here and for flags (FlagSource), so a view's
  // key is the same string whichever side worked it out.
  private static String key(String serviceId, int slot, String nodeId) {
    return FlagSource.replicaKey(serviceId, slot > 0 ? slot : null, nodeId);
  }

  private static String nodeOf(Held h) {
    String fromLabel = h.c().getSwarm().getNodeId();
    return fromLabel.isEmpty() ? h.nodeId() : fromLabel;
  }

  List<ReplicaView> all() {
    Map<String, Held> newestContainer = new HashMap<>();
    for (Held h : containers.values()) {
      String key = h.replicaKey();
      if (key == null) {
        continue;
      }
      Held cur = newestContainer.get(key);
      if (cur == null || cur.c().getCreatedUnixNanos() < h.c().getCreatedUnixNanos()) {
        newestContainer.put(key, h);
      }
    }
    List<ReplicaView> out = new ArrayList<>();
    if (swarm == null) {
      for (Held h : newestContainer.values()) {
        out.add(fromContainer(h, null, null));
      }
      return out;
    }
    Map<String, SwarmService> services = new HashMap<>();
    for (SwarmService s : swarm.getServicesList()) {
      services.put(s.getId(), s);
    }
    Map<String, SwarmTask> newestTask = new HashMap<>();
    Map<String, SwarmTask> taskById = new HashMap<>();
    for (SwarmTask t : swarm.getTasksList()) {
      taskById.put(t.getId(), t);
      if (t.getSlot() == 0 && t.getNodeId().isEmpty()) {
        continue; // a global task not yet bound to a node: not a replica of anything yet
      }
      String key = key(t.getServiceId(), t.getSlot(), t.getNodeId());
      SwarmTask cur = newestTask.get(key);
      if (cur == null || cur.getCreatedUnixNanos() < t.getCreatedUnixNanos()) {
        newestTask.put(key, t);
      }
    }
    Set<String> keys = new LinkedHashSet<>(newestTask.keySet());
    keys.addAll(newestContainer.keySet());
    for (String key : keys) {
      SwarmTask t = newestTask.get(key);
      Held c = newestContainer.get(key);
      String serviceId = key.substring(0, key.indexOf('/'));
      SwarmService service = services.get(serviceId);
      if (service == null || (t != null && !wanted(t))) {
        continue; // removed service, or a slot the swarm is shutting down
      }
      if (t != null
          && (c == null
              || (!t.getContainerId().equals(c.c().getId())
                  && t.getCreatedUnixNanos() > c.c().getCreatedUnixNanos()))) {
        out.add(fromTask(service, t, containers.get(t.getContainerId())));
      } else if (c != null) {
        out.add(fromContainer(c, service, taskById.get(c.c().getSwarm().getTaskId())));
      }
    }
    return out;
  }

  private static boolean wanted(SwarmTask t) {
    return !t.getDesiredState().equals("shutdown") && !t.getDesiredState().equals("remove");
  }

  static boolean matches(ReplicaQuery q, ReplicaView r) {
    return (q.service().isEmpty()
            || q.service().get().equals(r.service())
            || q.service().get().equals(r.serviceId()))
        && (q.node().isEmpty()
            || q.node().get().equals(r.node())
            || q.node().get().equals(r.nodeHostname()));
  }

  List<ReplicaView> replicas(ReplicaQuery q) {
    List<ReplicaView> out = new ArrayList<>();
    for (ReplicaView r : all()) {
      if (matches(q, r)) {
        out.add(r);
      }
    }
    out.sort(ORDER);
    return out;
  }

  /** By service name, slot, node: without boxing, as it sorts 50,000 views per build at scale. */
  static final Comparator<ReplicaView> ORDER =
      (a, b) -> {
        int c = a.service().compareTo(b.service());
        if (c != 0) {
          return c;
        }
        c = Integer.compare(a.slot() == null ? 0 : a.slot(), b.slot() == null ? 0 : b.slot());
        if (c != 0) {
          return c;
        }
        return (a.node() == null ? "" : a.node()).compareTo(b.node() == null ? "" : b.node());
      };

  /** The same model state with other flags. */
  Replicas withFlags(FlagSource other) {
    return new Replicas(containers, usage, swarm, hostnames, other);
  }

  List<ServiceView> services() {
    return services(all());
  }

  /** The services, from {@code all} (every replica, built with this object's flags). */
  List<ServiceView> services(List<ReplicaView> all) {
    Map<String, List<ReplicaView>> byService = new LinkedHashMap<>();
    for (ReplicaView r : all) {
      byService.computeIfAbsent(r.serviceId(), k -> new ArrayList<>()).add(r);
    }
    List<ServiceView> out = new ArrayList<>();
    if (swarm != null) {
      Map<String, Set<String>> globalNodes = globalNodes();
      for (SwarmService s : swarm.getServicesList()) {
        List<ReplicaView> rs = byService.getOrDefault(s.getId(), List.of());
        Long desired = desired(s, globalNodes);
        out.add(
            view(
                s.getId(),
                s.getName(),
                Views.emptyToNull(s.getStack()),
                s.getMode(),
                s.getImage(),
                desired,
                rs,
                Views.update(s),
                Views.resources(s.getLimits()),
                Views.resources(s.getReservations()),
                Map.copyOf(s.getLabelsMap()),
                flags.service(s.getId())));
      }
    } else {
      for (Map.Entry<String, List<ReplicaView>> e : byService.entrySet()) {
        ReplicaView first = e.getValue().get(0);
        out.add(
            view(
                e.getKey(),
                first.service(),
                first.stack(),
                null,
                first.image(),
                null,
                e.getValue(),
                null,
                null,
                null,
                Map.of(),
                flags.service(e.getKey())));
      }
    }
    out.sort(Comparator.comparing(ServiceView::name));
    return out;
  }

  /** Replicated: the spec's count. Global: the nodes the swarm scheduled a task on. */
  private static Long desired(SwarmService s, Map<String, Set<String>> globalNodes) {
    if (s.getMode().equals("replicated")) {
      return s.getDesiredReplicas();
    }
    if (!s.getMode().equals("global")) {
      return null;
    }
    return (long) globalNodes.getOrDefault(s.getId(), Set.of()).size();
  }

  /** Service id → the nodes with a wanted task of it (read for global services), in one pass. */
  private Map<String, Set<String>> globalNodes() {
    Map<String, Set<String>> out = new HashMap<>();
    for (SwarmTask t : swarm.getTasksList()) {
      if (wanted(t) && !t.getNodeId().isEmpty()) {
        out.computeIfAbsent(t.getServiceId(), k -> new HashSet<>()).add(t.getNodeId());
      }
    }
    return out;
  }

  private static ServiceView view(
      String id,
      String name,
      String stack,
      String mode,
      String image,
      Long desired,
      List<ReplicaView> replicas,
      ServiceView.Update update,
      ServiceView.Resources limits,
      ServiceView.Resources reservations,
      Map<String, String> labels,
      List<FlagView> serviceFlags) {
    int running = 0;
    boolean flagged = serviceFlags.stream().anyMatch(f -> !f.severity().equals("info"));
    int healthy = 0;
    for (ReplicaView r : replicas) {
      if ("running".equals(r.state())) {
        running++;
        if (r.health().equals("healthy") || r.health().equals("none")) {
          healthy++;
        }
      }
      flagged |= r.flags().stream().anyMatch(f -> !f.severity().equals("info"));
    }
    String status;
    if (desired == null) {
      status = "unknown";
    } else if (healthy >= desired && !flagged) {
      status = "ok";
    } else if (healthy == 0 && desired > 0) {
      status = "down";
    } else {
      status = "degraded";
    }
    return new ServiceView(
        id,
        name,
        stack,
        mode,
        image,
        desired,
        running,
        healthy,
        status,
        update,
        limits,
        reservations,
        labels,
        serviceFlags);
  }

  private ReplicaView fromContainer(Held h, SwarmService service, SwarmTask task) {
    Sampled u = usage.get(h.c().getId());
    String hostname = hostnames.get(nodeOf(h));
    Container c = h.c();
    var s = c.getSwarm();
    String node = nodeOf(h);
    boolean ended = c.getFinishedUnixNanos() > 0 && !c.getState().equals("running");
    Integer slot = s.getSlot() > 0 ? s.getSlot() : null;
    // What we hold of a replica on a down or silent node is not current: say so.
    String health =
        flags.nodeDown(node)
            ? "unknown"
            : c.getHealthStatus().isEmpty() ? "none" : c.getHealthStatus();
    return new ReplicaView(
        s.getServiceName(),
        s.getServiceId(),
        s.getStack().isEmpty() ? null : s.getStack(),
        slot,
        node,
        hostname,
        s.getTaskId(),
        s.getTaskName(),
        c.getId(),
        c.getName(),
        c.getImage(),
        c.getState(),
        health,
        ended ? c.getExitCode() : null,
        c.getOomKilled(),
        c.getRestartCount(),
        Views.time(c.getCreatedUnixNanos()),
        Views.time(c.getStartedUnixNanos()),
        ended ? Views.time(c.getFinishedUnixNanos()) : null,
        Views.limits(c.getLimits()),
        u == null ? null : Views.usage(u.timeNanos(), u.u()),
        task == null ? null : task(task),
        flags.replica(FlagSource.replicaKey(s.getServiceId(), slot, node)));
  }

  /**
   * A replica whose current task has no container here (yet): pending, rejected, or on a node
   * without an agent.
   */
  private ReplicaView fromTask(SwarmService service, SwarmTask t, Held known) {
    if (known != null) {
      return fromContainer(known, service, t);
    }
    String hostname = t.getNodeId().isEmpty() ? null : hostnames.get(t.getNodeId());
    String node = Views.emptyToNull(t.getNodeId());
    return new ReplicaView(
        service.getName(),
        service.getId(),
        Views.emptyToNull(service.getStack()),
        t.getSlot() > 0 ? t.getSlot() : null,
        node,
        hostname,
        t.getId(),
        null,
        Views.emptyToNull(t.getContainerId()),
        null,
        service.getImage(),
        t.getState(),
        "unknown",
        null,
        false,
        0,
        Views.time(t.getCreatedUnixNanos()),
        null,
        null,
        Views.limits(Limits.getDefaultInstance()),
        null,
        task(t),
        flags.replica(
            FlagSource.replicaKey(service.getId(), t.getSlot() > 0 ? t.getSlot() : null, node)));
  }

  private static ReplicaView.Task task(SwarmTask t) {
    return new ReplicaView.Task(
        Views.emptyToNull(t.getDesiredState()),
        Views.emptyToNull(t.getState()),
        Views.emptyToNull(t.getMessage()),
        Views.emptyToNull(t.getError()),
        Views.time(t.getTimestampUnixNanos()));
  }
}
