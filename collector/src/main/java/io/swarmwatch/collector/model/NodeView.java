package io.swarmwatch.collector.model;

/** A node as {@code GET /api/v1/nodes} shows it. Unknown swarm facts are {@code "unknown"}. */
public record NodeView(
    String id,
    String hostname,
    String role,
    String availability,
    String status,
    String engineVersion,
    String address,
    String os,
    String architecture,
    int cpus,
    long memoryBytes,
    AgentView agent) {

  /** The agent on that node: whether its stream is open, its version, when it last spoke. */
  public record AgentView(boolean connected, String version, String lastSeen) {}
}
