package io.swarmwatch.collector.rules;

import static io.swarmwatch.collector.rules.RuleSpec.AGENT_MISSING;
import static io.swarmwatch.collector.rules.RuleSpec.NODE_DOWN;

import io.swarmwatch.collector.model.NodeView;
import io.swarmwatch.collector.rules.FlagChange.Subject;
import io.swarmwatch.common.Times;
import io.swarmwatch.proto.v1.SwarmNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * node-down (swarm says the node is down, or its agent has gone silent) and agent-missing (swarm
 * says the node is ready, but no agent reports from it: none ever did, or its agent's stream closed
 * and swarm still reports it ready, current as a manager's agent has spoken since). Runs first in a
 * round: the replica rules need to know which nodes are down. Rules thread only.
 */
final class NodeRules {
  private final Overrides overrides;
  private final Conditions conditions;

  NodeRules(Overrides overrides, Conditions conditions) {
    this.overrides = overrides;
    this.conditions = conditions;
  }

  void evaluate(Round round) {
    Map<String, SwarmNode> swarmNodes = new HashMap<>();
    round.swarm.ifPresent(v -> v.getNodesList().forEach(n -> swarmNodes.put(n.getId(), n)));
    Instant viewTime =
        round.swarm.map(v -> Times.fromUnixNanos(v.getTakenAtUnixNanos())).orElse(round.now);
    for (NodeView n : round.nodes) {
      SwarmNode sw = swarmNodes.get(n.id());
      boolean agentSeen = n.agent().version() != null;
      if (sw == null && round.swarm.isPresent() && !n.agent().connected()) {
        continue; // left the swarm (docker node rm): nothing to watch any more
      }
      Subject subject = Subjects.node(n);
      round.exists(subject);
      Settings down = overrides.settings(NODE_DOWN, n.hostname(), n.labels());
      Settings missing = overrides.settings(AGENT_MISSING, n.hostname(), n.labels());
      String status = sw == null ? "" : sw.getStatus();
      if (status.equals("down") || status.equals("disconnected")) {
        String why =
            "swarm reports node "
                + n.hostname()
                + " "
                + status
                + (sw.getStatusMessage().isEmpty() ? "" : ": " + sw.getStatusMessage());
        Instant since = conditions.holds("node-down:" + n.id(), viewTime);
        downNode(round, n, subject, down, since, why);
        continue;
      }
      Instant lastSeen = Text.time(n.agent().lastSeen());
      if (agentSeen && lastSeen != null) {
        Duration silent = Duration.between(lastSeen, round.now);
        Duration timeout = down.duration("agent-timeout");
        if (!n.agent().connected()
            && status.equals("ready")
            && swarmCurrentSince(round, n.id()).map(t -> t.isAfter(lastSeen)).orElse(false)) {
          // The agent's stream closed and swarm, current since (its reporter has spoken after),
          // says ready: the node is up and only unwatched (the agent's task left it: a placement
          // constraint, the service removed). Not node-down: its replicas run and swarm vouches
          // for them. A node that really died is reported down by swarm within seconds, well
          // inside agent-missing's grace, and is node-down by the branch above.
          if (missing.enabled() && !round.now.isBefore(lastSeen.plus(missing.duration("grace")))) {
            round.raise(
                subject,
                missing,
                lastSeen,
                "swarm reports node "
                    + n.hostname()
                    + " ready, but its agent disconnected at "
                    + lastSeen
                    + " and has not come back (is the agent's global service still placed"
                    + " there?)");
          }
          continue;
        }
        if (silent.compareTo(timeout) >= 0) {
          String why =
              "no word from the agent on "
                  + n.hostname()
                  + " since "
                  + lastSeen
                  + " (longer than "
                  + Text.duration(timeout)
                  + (n.agent().connected() ? "; stream still open" : "; stream closed")
                  + ")"
                  + (status.equals("ready") ? "; swarm still reports the node ready" : "");
          downNode(round, n, subject, down, lastSeen, why);
          continue;
        }
      }
      if (missing.enabled() && status.equals("ready") && !agentSeen) {
        Instant since = conditions.holds("agent-missing:" + n.id(), round.now);
        if (!round.now.isBefore(since.plus(missing.duration("grace")))) {
          round.raise(
              subject,
              missing,
              since,
              "swarm reports node "
                  + n.hostname()
                  + " ready, but no agent has reported from it (is the agent's global service"
                  + " placed there?)");
        }
      }
    }
  }

  /**
   * Until when the swarm view is known to be current: the manager agents send it when it changes,
   * so it is current as long as a manager's agent (other than {@code except}) is connected and
   * speaking; the latest such agent's last word. Empty when no manager agent is.
   */
  private static Optional<Instant> swarmCurrentSince(Round round, String except) {
    Instant latest = null;
    for (NodeView m : round.nodes) {
      if (m.id().equals(except) || !"manager".equals(m.role()) || !m.agent().connected()) {
        continue;
      }
      Instant seen = Text.time(m.agent().lastSeen());
      if (seen != null && (latest == null || seen.isAfter(latest))) {
        latest = seen;
      }
    }
    return Optional.ofNullable(latest);
  }

  private static void downNode(
      Round round, NodeView n, Subject subject, Settings down, Instant since, String why) {
    if (!down.enabled()) {
      return;
    }
    round.downNodes.put(n.id(), why);
    round.raise(subject, down, since, why);
  }
}
