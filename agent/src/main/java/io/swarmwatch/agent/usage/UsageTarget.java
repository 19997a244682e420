package io.swarmwatch.agent.usage;

import java.util.Objects;

/**
 * One running container to sample.
 *
 * @param containerId the full container id
 * @param pid its main process on the host ({@code State.Pid}); 0 if unknown (the cgroup is then
 *     looked for at the usual places only)
 * @param cpuLimitCores the CPU limit in cores, from {@code NanoCpus / 1e9} or {@code CpuQuota /
 *     CpuPeriod}; 0 = not set on the container (a CFS quota found in the cgroup is used instead,
 *     and without one {@code cpu_percent_of_limit} is -1)
 */
public record UsageTarget(String containerId, long pid, double cpuLimitCores) {
  public UsageTarget {
    Objects.requireNonNull(containerId, "containerId");
  }
}
