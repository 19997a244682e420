package io.swarmwatch.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.SwarmInfo;
import com.github.dockerjava.api.model.SwarmNode;
import io.swarmwatch.proto.v1.Node;
import java.util.List;
import java.util.Locale;

/**
 * Who this node is: from {@code GET /info}, plus, on a manager, the swarm's own node object
 * (availability and status are only readable on managers).
 */
public final class NodeReader {
  private final DockerClient docker;

  public NodeReader(DockerClient docker) {
    this.docker = docker;
  }

  /** Blocking; throws if the Engine is unreachable. */
  public Node read() {
    Info info = docker.infoCmd().exec();
    SwarmInfo swarm = info.getSwarm();
    boolean inSwarm = swarm != null && swarm.getLocalNodeState() == LocalNodeState.ACTIVE;
    boolean manager = inSwarm && Boolean.TRUE.equals(swarm.getControlAvailable());
    String id = inSwarm && notBlank(swarm.getNodeID()) ? swarm.getNodeID() : info.getId();
    Node.Builder b =
        Node.newBuilder()
            .setId(orEmpty(id))
            .setHostname(orEmpty(info.getName()))
            .setRole(inSwarm ? (manager ? "manager" : "worker") : "")
            .setEngineVersion(orEmpty(info.getServerVersion()))
            .setOs(orEmpty(info.getOperatingSystem()))
            .setArchitecture(orEmpty(info.getArchitecture()));
    if (info.getNCPU() != null) b.setCpus(info.getNCPU());
    if (info.getMemTotal() != null) b.setMemoryBytes(info.getMemTotal());
    if (inSwarm && swarm.getNodeAddr() != null) b.setAddress(swarm.getNodeAddr());
    if (manager) {
      List<SwarmNode> self = docker.listSwarmNodesCmd().withIdFilter(List.of(id)).exec();
      if (!self.isEmpty()) {
        SwarmNode n = self.get(0);
        if (n.getSpec() != null && n.getSpec().getAvailability() != null) {
          b.setAvailability(lower(n.getSpec().getAvailability().name()));
        }
        if (n.getStatus() != null && n.getStatus().getState() != null) {
          b.setStatus(lower(n.getStatus().getState().name()));
        }
      }
    }
    return b.build();
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
