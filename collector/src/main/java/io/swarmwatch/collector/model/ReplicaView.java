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
