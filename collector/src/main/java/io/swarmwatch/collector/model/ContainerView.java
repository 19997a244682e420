package io.swarmwatch.collector.model;

import java.util.Map;

/** One container in full, as {@code GET /api/v1/containers/{id}} shows it. */
public record ContainerView(
    String id,
    String name,
    String image,
    String node,
    String nodeHostname,
    String state,
    Integer exitCode,
    boolean oomKilled,
    int restartCount,
    String createdAt,
    String startedAt,
    String finishedAt,
    String service,
    String serviceId,
    String stack,
    Integer slot,
    String taskId,
    String taskName,
    HealthView health,
    ReplicaView.LimitsView limits,
    UsageView usage,
    Map<String, String> labels) {}
