package io.swarmwatch.collector.ingest;

import io.swarmwatch.proto.v1.CollectorMessage;
import io.swarmwatch.proto.v1.ReportSwarm;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the one manager agent that reports the swarm view (services, tasks, nodes), so N managers
 * don't each send the same view. The first manager to connect is chosen; when its stream ends, the
 * longest-connected remaining manager takes over. Only the chosen agent's views are applied.
 * Thread-safe.
 */
public final class SwarmReporterElection {
  private static final Logger log = LoggerFactory.getLogger(SwarmReporterElection.class);
  private static final CollectorMessage START =
      CollectorMessage.newBuilder()
          .setReportSwarm(ReportSwarm.newBuilder().setEnabled(true))
          .build();

  /** Candidates in connection order: session key → how to reach its agent. */
  private final Map<Object, Candidate> candidates = new LinkedHashMap<>();

  private Object chosen;

  private record Candidate(String describe, Consumer<CollectorMessage> sender) {}

  /** A manager agent's stream is open. */
  public synchronized void offer(
      Object session, String describe, Consumer<CollectorMessage> sender) {
    candidates.put(session, new Candidate(describe, sender));
    if (chosen == null) {
      choose();
    }
  }

  /** That stream ended; idempotent. */
  public synchronized void withdraw(Object session) {
    candidates.remove(session);
    if (session.equals(chosen)) {
      chosen = null;
      choose();
    }
  }

  public synchronized boolean isChosen(Object session) {
    return session.equals(chosen);
  }

  private void choose() {
    var it = candidates.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      try {
        e.getValue().sender().accept(START);
        chosen = e.getKey();
        log.info("{} reports the swarm view", e.getValue().describe());
        return;
      } catch (RuntimeException unreachable) {
        // Its stream is closing: try the next one.
        it.remove();
      }
    }
    if (!candidates.isEmpty() || chosen == null) {
      log.info("no manager agent connected: the swarm view (services, tasks) is not updated");
    }
  }
}
