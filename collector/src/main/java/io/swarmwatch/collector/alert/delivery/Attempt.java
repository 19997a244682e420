package io.swarmwatch.collector.alert.delivery;

import java.time.Instant;

/**
 * One entry of the alert history: a delivery attempt, or a message not sent (silenced, dropped).
 *
 * @param kind firing, resolved, repeat or update
 * @param outcome delivered, failed, retrying, silenced or dropped
 * @param attempt 1 for the first try; 0 when nothing was tried
 * @param httpStatus the receiver's answer; 0 when none (not sent, timeout, connection refused)
 * @param error what went wrong, "" when nothing did
 */
public record Attempt(
    Instant time,
    String incidentId,
    String rule,
    String service,
    String kind,
    String receiver,
    String outcome,
    int attempt,
    int httpStatus,
    String error) {

  /** Where attempts go. Called from delivery threads: implementations are thread-safe. */
  @FunctionalInterface
  public interface Log {
    void record(Attempt attempt);
  }
}
