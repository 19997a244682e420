package io.swarmwatch.agent.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ResourceSpecs;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.ServiceUpdateStatus;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TaskStatus;
import io.swarmwatch.common.Times;
import io.swarmwatch.proto.v1.Resources;
import io.swarmwatch.proto.v1.SwarmNode.Builder;
import io.swarmwatch.proto.v1.SwarmService;
import io.swarmwatch.proto.v1.SwarmTask;
import io.swarmwatch.proto.v1.SwarmView;
import io.swarmwatch.proto.v1.UpdateStatus;
import java.time.Clock;
import java.util.Date;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the swarm as a manager sees it: services, tasks and nodes ({@code GET /services}, {@code
 * /tasks}, {@code /nodes}). Only managers can; only the agent the collector chose calls this.
 * Read-only.
 */
public final class SwarmViewReader {
  private final DockerClient docker;
  private final Clock clock;

  public SwarmViewReader(DockerClient docker, Clock clock) {
    this.docker = docker;
    this.clock = clock;
  }

  /** Blocking; throws if the Engine is unreachable or not a manager. */
  public SwarmView read() {
    SwarmView.Builder v =
        SwarmView.newBuilder().setTakenAtUnixNanos(Times.toUnixNanos(clock.instant()));
    for (Service s : docker.listServicesCmd().exec()) {
      v.addServices(service(s));
    }
    for (Task t : docker.listTasksCmd().exec()) {
      v.addTasks(task(t));
    }
    for (SwarmNode n : docker.listSwarmNodesCmd().exec()) {
      v.addNodes(node(n));
    }
    return v.build();
  }

  static SwarmService service(Service s) {
    SwarmService.Builder b = SwarmService.newBuilder().setId(orEmpty(s.getId()));
    ServiceSpec spec = s.getSpec();
    if (spec != null) {
      Map<String, String> labels = spec.getLabels() == null ? Map.of() : spec.getLabels();
      b.setName(orEmpty(spec.getName()))
          .putAllLabels(labels)
          .setStack(labels.getOrDefault("com.docker.stack.namespace", ""));
      ServiceModeConfig mode = spec.getMode();
      if (mode != null && mode.getReplicated() != null) {
        b.setMode("replicated").setDesiredReplicas(mode.getReplicated().getReplicas());
      } else if (mode != null && mode.getGlobal() != null) {
        b.setMode("global");
      } else {
        // Jobs (replicated-job, global-job) are unknown to docker-java's model.
        b.setMode("unknown");
      }
      TaskSpec task = spec.getTaskTemplate();
      if (task != null) {
        if (task.getContainerSpec() != null) {
          b.setImage(orEmpty(task.getContainerSpec().getImage()));
        }
        ResourceRequirements r = task.getResources();
        if (r != null) {
          if (r.getLimits() != null) b.setLimits(resources(r.getLimits()));
          if (r.getReservations() != null) b.setReservations(resources(r.getReservations()));
        }
        if (task.getPlacement() != null && task.getPlacement().getConstraints() != null) {
          b.addAllConstraints(task.getPlacement().getConstraints());
        }
      }
    }
    ServiceUpdateStatus u = s.getUpdateStatus();
    if (u != null) {
      UpdateStatus.Builder ub = UpdateStatus.newBuilder().setMessage(orEmpty(u.getMessage()));
      if (u.getState() != null) ub.setState(lower(u.getState().name()));
      ub.setStartedUnixNanos(nanos(u.getStartedAt()));
      ub.setCompletedUnixNanos(nanos(u.getCompletedAt()));
      b.setUpdateStatus(ub);
    }
    b.setCreatedUnixNanos(nanos(s.getCreatedAt())).setUpdatedUnixNanos(nanos(s.getUpdatedAt()));
    return b.build();
  }

  private static Resources resources(ResourceSpecs r) {
    Resources.Builder b = Resources.newBuilder();
    if (r.getNanoCPUs() != null) b.setNanoCpus(r.getNanoCPUs());
    if (r.getMemoryBytes() != null) b.setMemoryBytes(r.getMemoryBytes());
    return b.build();
  }

  static SwarmTask task(Task t) {
    SwarmTask.Builder b =
        SwarmTask.newBuilder()
            .setId(orEmpty(t.getId()))
            .setServiceId(orEmpty(t.getServiceId()))
            .setNodeId(orEmpty(t.getNodeId()))
            .setCreatedUnixNanos(Times.parseRfc3339ToNanos(t.getCreatedAt()));
    if (t.getSlot() != null) b.setSlot(t.getSlot());
    if (t.getDesiredState() != null) b.setDesiredState(t.getDesiredState().getValue());
    TaskStatus st = t.getStatus();
    if (st != null) {
      if (st.getState() != null) b.setState(st.getState().getValue());
      b.setMessage(orEmpty(st.getMessage()))
          .setError(orEmpty(st.getErr()))
          .setTimestampUnixNanos(Times.parseRfc3339ToNanos(st.getTimestamp()));
      if (st.getContainerStatus() != null) {
        b.setContainerId(orEmpty(st.getContainerStatus().getContainerID()));
        if (st.getContainerStatus().getExitCodeLong() != null) {
          b.setExitCode(st.getContainerStatus().getExitCodeLong().intValue());
        }
      }
    }
    return b.build();
  }

  static io.swarmwatch.proto.v1.SwarmNode node(SwarmNode n) {
    Builder b = io.swarmwatch.proto.v1.SwarmNode.newBuilder().setId(orEmpty(n.getId()));
    if (n.getSpec() != null) {
      if (n.getSpec().getRole() != null) b.setRole(lower(n.getSpec().getRole().name()));
      if (n.getSpec().getAvailability() != null) {
        b.setAvailability(lower(n.getSpec().getAvailability().name()));
      }
      if (n.getSpec().getLabels() != null) b.putAllLabels(n.getSpec().getLabels());
    }
    if (n.getDescription() != null) {
      b.setHostname(orEmpty(n.getDescription().getHostname()));
      if (n.getDescription().getEngine() != null) {
        b.setEngineVersion(orEmpty(n.getDescription().getEngine().getEngineVersion()));
      }
      var res = n.getDescription().getResources();
      if (res != null) {
        if (res.getNanoCPUs() != null) b.setCpus((int) (res.getNanoCPUs() / 1_000_000_000L));
        if (res.getMemoryBytes() != null) b.setMemoryBytes(res.getMemoryBytes());
      }
    }
    if (n.getStatus() != null) {
      if (n.getStatus().getState() != null) b.setStatus(lower(n.getStatus().getState().name()));
      b.setAddress(orEmpty(n.getStatus().getAddress()));
    }
    if (n.getManagerStatus() != null) {
      b.setLeader(n.getManagerStatus().isLeader());
      if (n.getManagerStatus().getReachability() != null) {
        b.setManagerReachability(lower(n.getManagerStatus().getReachability().name()));
      }
    }
    return b.build();
  }

  private static long nanos(Date d) {
    return d == null ? 0 : Times.toUnixNanos(d.toInstant());
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
