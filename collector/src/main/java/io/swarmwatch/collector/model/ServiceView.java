package io.swarmwatch.collector.model;

import java.util.Map;

/**
 * A swarm service as {@code GET /api/v1/services} shows it.
 *
 * @param desired replicas the swarm wants running: the spec's count for replicated services, the
 *     tasks it schedules for global ones; null when no manager agent reports the swarm view
 * @param running replicas whose container runs
 * @param healthy running replicas whose health check passes or that have none
 * @param status {@code ok} (healthy ≥ desired), {@code degraded} (some), {@code down} (none of a
 *     non-zero desired), {@code unknown} (desired not known)
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
    Map<String, String> labels) {

  public record Update(String state, String message, String startedAt, String completedAt) {}

  public record Resources(Long nanoCpus, Long memoryBytes) {}
}
