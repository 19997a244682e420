package io.swarmwatch.collector.model;

import java.util.Map;

/**
 * One Engine event as {@code GET /api/v1/events} shows it.
 *
 * @param id collector-assigned, increasing in arrival order
 * @param type the action without its detail: {@code die}, {@code health_status}, {@code exec_start}
 * @param action the Engine's action as sent: {@code health_status: unhealthy}
 * @param scope the Engine's event type: {@code container}, {@code service}, {@code node}
 * @param exitCode for {@code die}: the container's exit code
 */
public record EventView(
    long id,
    String time,
    String type,
    String action,
    String scope,
    String node,
    String containerId,
    String containerName,
    String service,
    String serviceId,
    String taskId,
    Integer slot,
    String stack,
    Integer exitCode,
    Map<String, String> attributes) {}
