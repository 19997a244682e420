package io.swarmwatch.collector.model;

import java.util.Map;

/**
 * A swarm service as {@code GET /api/v1/services} shows it.
 *
 * @param desired replicas the swarm wants running: the spec's count for replicated services, the
 *     tasks it schedules for global ones; null when no manager agent reports the swarm view
 * @param running replicas whose container runs
 * @param healthy running replicas whose health check passes or that have none
 * @param status {@code ok} (healthy ≥ desired and no warning or critical flag on the service or a
 *     replica), {@code degraded} (some healthy, or a flag), {@code down} (none of a non-zero
 *     desired), {@code unknown} (desired not known)
 * @param flags the service-level rules holding now (under-replicated, update-paused, …)
 */
public record ServiceView(
    String id,
    String name,
    String stack,
    String mode,
    String image,
    Long desired,
    int running,
    int healthy,
    String status,
    Update update,
    Resources limits,
    Resources reservations,
    Map<String, String> labels,
    java.util.List<FlagView> flags) {

  public record Update(String state, String message, String startedAt, String completedAt) {}

  public record Resources(Long nanoCpus, Long memoryBytes) {}
}
