package io.swarmwatch.collector.rules;

import io.swarmwatch.collector.model.FlagSource;
import io.swarmwatch.common.Times;
import io.swarmwatch.proto.v1.Container;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The task containers that ended badly (non-zero exit or OOM kill), per replica, from the container
 * updates as they are applied: what crash-loop and oom-killed count. Swarm replaces a failed task
 * with a new container in the same slot, so the replica's current container alone can't tell. After
 * a collector restart the agents' snapshots (exited containers stay until swarm's task history
 * limit prunes them) rebuild it. Each container counts once, however often it is re-sent.
 *
 * <p>Thread-safe: recorded on the ingesting thread, read on the rules thread. Bounded: {@link
 * #PER_REPLICA} failures per replica, {@link #REPLICAS} replicas.
 */
final class FailureHistory {
  static final int PER_REPLICA = 64;
  static final int REPLICAS = 100_000;

  record Failure(
      String containerId,
      String taskId,
      Instant finishedAt,
      int exitCode,
      boolean oomKilled,
      long memoryLimitBytes) {}

  private final Map<String, Deque<Failure>> byReplica = new HashMap<>();
  private long dropped;

  synchronized void record(String reportingNode, Container c) {
    var s = c.getSwarm();
    boolean ended = c.getState().equals("exited") || c.getState().equals("dead");
    if (s.getServiceId().isEmpty()
        || !ended
        || c.getFinishedUnixNanos() <= 0
        || (c.getExitCode() == 0 && !c.getOomKilled())) {
      return;
    }
    String node = s.getNodeId().isEmpty() ? reportingNode : s.getNodeId();
    String key =
        FlagSource.replicaKey(s.getServiceId(), s.getSlot() > 0 ? s.getSlot() : null, node);
    Deque<Failure> d = byReplica.get(key);
    if (d == null) {
      if (byReplica.size() >= REPLICAS) {
        dropped++;
        return;
      }
      d = new ArrayDeque<>();
      byReplica.put(key, d);
    }
    for (Failure f : d) {
      if (f.containerId().equals(c.getId())) {
        return;
      }
    }
    d.addLast(
        new Failure(
            c.getId(),
            s.getTaskId(),
            Times.fromUnixNanos(c.getFinishedUnixNanos()),
            c.getExitCode(),
            c.getOomKilled(),
            c.getLimits().getMemoryBytes()));
    while (d.size() > PER_REPLICA) {
      d.removeFirst();
    }
  }

  /** The replica's failures that finished at or after {@code from}, oldest first. */
  synchronized List<Failure> since(String replicaKey, Instant from) {
    Deque<Failure> d = byReplica.get(replicaKey);
    if (d == null) {
      return List.of();
    }
    List<Failure> out = new ArrayList<>();
    for (Failure f : d) {
      if (!f.finishedAt().isBefore(from)) {
        out.add(f);
      }
    }
    out.sort(java.util.Comparator.comparing(Failure::finishedAt));
    return out;
  }

  /** Forgets failures that finished before {@code before}. */
  synchronized void prune(Instant before) {
    Iterator<Deque<Failure>> it = byReplica.values().iterator();
    while (it.hasNext()) {
      Deque<Failure> d = it.next();
      d.removeIf(f -> f.finishedAt().isBefore(before));
      if (d.isEmpty()) {
        it.remove();
      }
    }
  }

  /** Failures not recorded because {@link #REPLICAS} replicas were already tracked. */
  synchronized long dropped() {
    return dropped;
  }
}
