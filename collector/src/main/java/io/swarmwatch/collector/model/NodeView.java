package io.swarmwatch.collector.model;

import java.util.Map;

/**
 * A node as {@code GET /api/v1/nodes} shows it: the swarm's view of it (from the reporting manager
 * agent) merged with what its own agent says. Unknown swarm facts are {@code "unknown"}; a node the
 * swarm lists but no agent reports has {@code agent.connected=false} and a null {@code
 * agent.version}.
 */
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
    Map<String, String> labels,
    boolean leader,
    String managerReachability,
    AgentView agent,
    HostView host) {

  /**
   * The agent on that node: whether its stream is open, its version, when it last spoke, and its
   * own metrics as last reported ({@code name{tag=value,…}} → value; null before the first report).
   */
  public record AgentView(
      boolean connected,
      String version,
      String lastSeen,
      Map<String, Double> metrics,
      SpoolDropsView spoolDrops) {}

  /**
   * What the agent's full spool dropped, cumulative for its stream, as it last reported (null if it
   * never dropped anything): log lines read but never delivered, and samples.
   */
  public record SpoolDropsView(long logLines, long logBytes, long logBatches, long samples) {}
}
