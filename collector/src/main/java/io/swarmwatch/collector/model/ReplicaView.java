package io.swarmwatch.collector.model;

/**
 * One replica of a swarm service: the newest container of a slot (replicated services) or of a node
 * (global services; {@code slot} is null). Times are RFC 3339, null when not yet reached. {@code
 * health} is {@code unknown} while the replica's node is down or its agent silent; {@code flags}
 * are the rules holding for it now (empty when none).
 */
public record ReplicaView(
    String service,
    String serviceId,
    String stack,
    Integer slot,
    String node,
    String nodeHostname,
    String taskId,
    String taskName,
    String containerId,
    String containerName,
    String image,
    String state,
    String health,
    Integer exitCode,
    boolean oomKilled,
    int restartCount,
    String createdAt,
    String startedAt,
    String finishedAt,
    LimitsView limits,
    UsageView usage,
    Task task,
    java.util.List<FlagView> flags) {

  /**
   * This view with the flags, and the node-down health, as {@code source} has them now; itself when
   * nothing differs. Views are built without flags once per model change and shared by readers; the
   * flags, which change on their own schedule, are laid over when they change (a map lookup each).
   *
   * @param key this replica's {@link FlagSource#replicaKey}, worked out once per shared build
   */
  ReplicaView withFlags(FlagSource source, String key) {
    java.util.List<FlagView> now = source.replica(key);
    String h = node != null && source.nodeDown(node) ? "unknown" : health;
    if (now.equals(flags) && h.equals(health)) {
      return this;
    }
    return new ReplicaView(
        service,
        serviceId,
        stack,
        slot,
        node,
        nodeHostname,
        taskId,
        taskName,
        containerId,
        containerName,
        image,
        state,
        h,
        exitCode,
        oomKilled,
        restartCount,
        createdAt,
        startedAt,
        finishedAt,
        limits,
        usage,
        task,
        now);
  }

  /** Flagged by a rule that says something is wrong: info flags (no-limits) don't count. */
  public boolean unhealthy() {
    for (FlagView f : flags) {
      if (!f.severity().equals("info")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The swarm's task for this replica, from the manager's view (null without one): its desired and
   * current state, and the scheduler's message and error ("no suitable node (…)").
   */
  public record Task(
      String desiredState, String state, String message, String error, String timestamp) {}

  /** Limits as set on the container; null where not set. */
  public record LimitsView(
      Long nanoCpus,
      Long cpuQuota,
      Long cpuPeriod,
      Long cpuShares,
      String cpusetCpus,
      Long memoryBytes,
      Long memoryReservationBytes,
      Long memorySwapBytes,
      Long pidsLimit) {}
}
