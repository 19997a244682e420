package io.swarmwatch.agent.docker;

import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.HealthStateLog;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.HostConfig;
import io.swarmwatch.common.SwarmNames;
import io.swarmwatch.common.Times;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.Health;
import io.swarmwatch.proto.v1.HealthProbe;
import io.swarmwatch.proto.v1.Limits;
import io.swarmwatch.proto.v1.SwarmIdentity;
import java.util.Map;

/** Turns the Engine's view of a container (docker-java's inspect result) into the wire form. */
final class ContainerMapper {
  static final String NODE_ID = "com.docker.swarm.node.id";
  static final String SERVICE_ID = "com.docker.swarm.service.id";
  static final String SERVICE_NAME = "com.docker.swarm.service.name";
  static final String TASK_ID = "com.docker.swarm.task.id";
  static final String TASK_NAME = "com.docker.swarm.task.name";
  static final String STACK = "com.docker.stack.namespace";

  private ContainerMapper() {}

  static Container toProto(InspectContainerResponse c, long observedNanos) {
    Map<String, String> labels =
        c.getConfig() == null || c.getConfig().getLabels() == null
            ? Map.of()
            : c.getConfig().getLabels();
    Container.Builder b =
        Container.newBuilder()
            .setId(c.getId())
            .setName(stripSlash(c.getName()))
            .setCreatedUnixNanos(Times.parseRfc3339ToNanos(c.getCreated()))
            .putAllLabels(labels)
            .setSwarm(swarmIdentity(labels))
            .setObservedUnixNanos(observedNanos);
    if (c.getConfig() != null && c.getConfig().getImage() != null) {
      b.setImage(c.getConfig().getImage());
    }
    if (c.getRestartCount() != null) {
      b.setRestartCount(c.getRestartCount());
    }
    InspectContainerResponse.ContainerState s = c.getState();
    if (s != null) {
      b.setState(nullToEmpty(s.getStatus()))
          .setStartedUnixNanos(Times.parseRfc3339ToNanos(s.getStartedAt()))
          .setFinishedUnixNanos(Times.parseRfc3339ToNanos(s.getFinishedAt()))
          .setOomKilled(Boolean.TRUE.equals(s.getOOMKilled()));
      if (s.getExitCodeLong() != null) {
        b.setExitCode(s.getExitCodeLong().intValue());
      }
      if (s.getPidLong() != null) {
        b.setPid(s.getPidLong());
      }
      HealthState h = s.getHealth();
      if (h != null && h.getStatus() != null) {
        b.setHealthStatus(h.getStatus()).setHealth(health(h));
      }
    }
    if (c.getHostConfig() != null) {
      b.setLimits(limits(c.getHostConfig()));
    }
    return b.build();
  }

  /**
   * The Engine keeps the last 5 probe results (output cut at 4 KiB each); they are copied on every
   * inspect, because swarm removes an unhealthy task's container soon after killing it.
   */
  static Health health(HealthState h) {
    Health.Builder b = Health.newBuilder().setStatus(nullToEmpty(h.getStatus()));
    if (h.getFailingStreak() != null) {
      b.setFailingStreak(h.getFailingStreak());
    }
    if (h.getLog() != null) {
      for (HealthStateLog probe : h.getLog()) {
        HealthProbe.Builder p =
            HealthProbe.newBuilder()
                .setStartUnixNanos(Times.parseRfc3339ToNanos(probe.getStart()))
                .setEndUnixNanos(Times.parseRfc3339ToNanos(probe.getEnd()))
                .setOutput(nullToEmpty(probe.getOutput()));
        if (probe.getExitCodeLong() != null) {
          p.setExitCode(probe.getExitCodeLong().intValue());
        }
        b.addLog(p);
      }
    }
    return b.build();
  }

  static Limits limits(HostConfig h) {
    Limits.Builder l = Limits.newBuilder();
    if (h.getNanoCPUs() != null) l.setNanoCpus(h.getNanoCPUs());
    if (h.getCpuQuota() != null) l.setCpuQuota(h.getCpuQuota());
    if (h.getCpuPeriod() != null) l.setCpuPeriod(h.getCpuPeriod());
    if (h.getCpuShares() != null) l.setCpuShares(h.getCpuShares());
    if (h.getCpusetCpus() != null) l.setCpusetCpus(h.getCpusetCpus());
    if (h.getMemory() != null) l.setMemoryBytes(h.getMemory());
    if (h.getMemoryReservation() != null) l.setMemoryReservationBytes(h.getMemoryReservation());
    if (h.getMemorySwap() != null) l.setMemorySwapBytes(h.getMemorySwap());
    if (h.getPidsLimit() != null) l.setPidsLimit(h.getPidsLimit());
    return l.build();
  }

  /** Swarm identity from the labels swarm puts on every task container; empty otherwise. */
  static SwarmIdentity swarmIdentity(Map<String, String> labels) {
    String service = labels.getOrDefault(SERVICE_NAME, "");
    String taskName = labels.getOrDefault(TASK_NAME, "");
    return SwarmIdentity.newBuilder()
        .setNodeId(labels.getOrDefault(NODE_ID, ""))
        .setServiceId(labels.getOrDefault(SERVICE_ID, ""))
        .setServiceName(service)
        .setTaskId(labels.getOrDefault(TASK_ID, ""))
        .setTaskName(taskName)
        .setStack(labels.getOrDefault(STACK, ""))
        .setSlot(SwarmNames.slotOf(taskName, service))
        .build();
  }

  private static String stripSlash(String name) {
    if (name == null) {
      return "";
    }
    return name.startsWith("/") ? name.substring(1) : name;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
