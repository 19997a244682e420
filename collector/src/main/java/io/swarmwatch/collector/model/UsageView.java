package io.swarmwatch.collector.model;

/**
 * A container's resource use at its latest sample. CPU percentages are over the sampling interval
 * (100 = one full core; of the limit: 100 = using all of it); null where the source can't tell
 * (first sample, no limit, counter not exposed by the kernel).
 */
public record UsageView(
    String time,
    String source,
    Double cpuPercent,
    Double cpuPercentOfLimit,
    Long memoryBytes,
    Long memoryUsageBytes,
    Long memoryLimitBytes,
    Double memoryPercentOfLimit,
    Long cpuPeriods,
    Long cpuThrottledPeriods,
    Double cpuThrottledSeconds,
    Long oomKills,
    Long pids) {}
