package io.swarmwatch.collector;

import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerEvent;
import io.swarmwatch.proto.v1.Hello;
import io.swarmwatch.proto.v1.Node;
import io.swarmwatch.proto.v1.SwarmIdentity;
import java.util.Map;

/** Builders for the wire messages tests feed the collector, with realistic defaults. */
public final class Protos {
  private Protos() {}

  public static Node node(String id, String hostname) {
    return Node.newBuilder()
        .setId(id)
        .setHostname(hostname)
        .setRole("worker")
        .setAvailability("active")
        .setStatus("ready")
        .setEngineVersion("27.3.1")
        .setAddress("10.0.0.1")
        .setOs("linux")
        .setArchitecture("x86_64")
        .setCpus(4)
        .setMemoryBytes(8L << 30)
        .build();
  }

  /** A running task container of a replicated service ({@code slot} >= 1) on {@code nodeId}. */
  public static Container.Builder task(String id, String service, int slot, String nodeId) {
    String taskId = "task-" + id;
    return Container.newBuilder()
        .setId(id)
        .setName(service + "." + slot + "." + taskId)
        .setImage("nginx:1.27")
        .setState("running")
        .setHealthStatus("healthy")
        .setCreatedUnixNanos(1_000)
        .setStartedUnixNanos(2_000)
        .setObservedUnixNanos(3_000)
        .setSwarm(
            SwarmIdentity.newBuilder()
                .setNodeId(nodeId)
                .setServiceId("svc-" + service)
                .setServiceName(service)
                .setTaskId(taskId)
                .setTaskName(service + "." + slot + "." + taskId)
                .setSlot(slot));
  }

  /** A running task container of a global service on {@code nodeId}: slot 0. */
  public static Container.Builder globalTask(String id, String service, String nodeId) {
    String taskId = "task-" + id;
    Container.Builder b = task(id, service, 0, nodeId);
    b.setName(service + "." + nodeId + "." + taskId);
    b.getSwarmBuilder().setTaskName(service + "." + nodeId + "." + taskId);
    return b;
  }

  /** A container started with plain {@code docker run}: no swarm identity. */
  public static Container.Builder plain(String id) {
    return Container.newBuilder()
        .setId(id)
        .setName("plain-" + id)
        .setImage("busybox")
        .setState("running")
        .setCreatedUnixNanos(1_000)
        .setObservedUnixNanos(3_000);
  }

  /**
   * A container event as the Engine sends it, with the labels of task {@code service.slot}. {@code
   * slot} 0 gives no swarm labels at all.
   */
  public static ContainerEvent.Builder event(
      long nanos, String action, String containerId, String service, int slot) {
    ContainerEvent.Builder b =
        ContainerEvent.newBuilder()
            .setTimeUnixNanos(nanos)
            .setType("container")
            .setAction(action)
            .setActorId(containerId)
            .putAttributes("name", service + "." + slot + ".task-" + containerId)
            .putAttributes("image", "nginx:1.27");
    if (slot > 0) {
      b.putAllAttributes(
          Map.of(
              "com.docker.swarm.service.name", service,
              "com.docker.swarm.service.id", "svc-" + service,
              "com.docker.swarm.task.id", "task-" + containerId,
              "com.docker.swarm.task.name", service + "." + slot + ".task-" + containerId,
              "com.docker.swarm.node.id", "node-1"));
    }
    return b;
  }

  public static AgentMessage hello(long seq, String agentId, Node node) {
    return AgentMessage.newBuilder()
        .setSeq(seq)
        .setHello(
            Hello.newBuilder()
                .setAgentId(agentId)
                .setStreamId("stream-" + agentId)
                .setAgentVersion("1.2.3")
                .setNode(node))
        .build();
  }

  public static AgentMessage message(long seq, ContainerEvent e) {
    return AgentMessage.newBuilder().setSeq(seq).setEvent(e).build();
  }

  public static AgentMessage message(long seq, Container c) {
    return AgentMessage.newBuilder().setSeq(seq).setContainer(c).build();
  }
}
