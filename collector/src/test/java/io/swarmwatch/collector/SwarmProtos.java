package io.swarmwatch.collector;

import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.SwarmNode;
import io.swarmwatch.proto.v1.SwarmService;
import io.swarmwatch.proto.v1.SwarmTask;
import io.swarmwatch.proto.v1.SwarmView;

/**
 * Builders for the swarm view a manager agent reports, matching the ids {@link Protos} gives task
 * containers: service {@code web} has id {@code svc-web}; container {@code c1}'s task is {@code
 * task-c1}.
 */
public final class SwarmProtos {
  private SwarmProtos() {}

  public static SwarmService.Builder replicated(String name, long replicas) {
    return SwarmService.newBuilder()
        .setId("svc-" + name)
        .setName(name)
        .setMode("replicated")
        .setDesiredReplicas(replicas)
        .setImage("nginx:1.27");
  }

  public static SwarmService.Builder global(String name) {
    return SwarmService.newBuilder()
        .setId("svc-" + name)
        .setName(name)
        .setMode("global")
        .setImage("nginx:1.27");
  }

  /**
   * A task of {@code service} wanted running, in state {@code state}, created at {@code created};
   * its container is {@code containerId} (task id {@code task-<containerId>}).
   */
  public static SwarmTask.Builder task(
      String containerId, String service, int slot, String nodeId, String state, long created) {
    return SwarmTask.newBuilder()
        .setId("task-" + containerId)
        .setServiceId("svc-" + service)
        .setSlot(slot)
        .setNodeId(nodeId)
        .setDesiredState("running")
        .setState(state)
        .setMessage(state.equals("running") ? "started" : state)
        .setContainerId(containerId)
        .setCreatedUnixNanos(created)
        .setTimestampUnixNanos(created + 10);
  }

  /** A task the scheduler could not place: no node, no container. */
  public static SwarmTask.Builder pending(String taskId, String service, int slot, long created) {
    return SwarmTask.newBuilder()
        .setId(taskId)
        .setServiceId("svc-" + service)
        .setSlot(slot)
        .setDesiredState("running")
        .setState("pending")
        .setMessage("pending task scheduling")
        .setError("no suitable node (insufficient resources on 1 node)")
        .setCreatedUnixNanos(created)
        .setTimestampUnixNanos(created + 10);
  }

  public static SwarmNode.Builder node(String id, String hostname, String role) {
    return SwarmNode.newBuilder()
        .setId(id)
        .setHostname(hostname)
        .setRole(role)
        .setAvailability("active")
        .setStatus("ready")
        .setAddress("10.0.0.7")
        .setEngineVersion("20.10.24")
        .setCpus(2)
        .setMemoryBytes(4L << 30);
  }

  public static SwarmView.Builder view(long takenAt) {
    return SwarmView.newBuilder().setTakenAtUnixNanos(takenAt);
  }

  public static AgentMessage message(long seq, SwarmView v) {
    return AgentMessage.newBuilder().setSeq(seq).setSwarm(v).build();
  }
}
