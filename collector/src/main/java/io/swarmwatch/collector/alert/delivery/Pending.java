package io.swarmwatch.collector.alert.delivery;

import java.time.Instant;
import java.util.Objects;

/**
 * A rendered message waiting to reach one receiver. Written to disk before it is queued and removed
 * once its outcome is final, so a restart re-sends what was not delivered.
 *
 * @param id unique; also the file name's tail
 * @param query per-message URL parameters ("" for none); the configured URL is never stored
 * @param body the exact bytes to POST (JSON)
 * @param attempt attempts made so far
 */
public record Pending(
    String id,
    String receiver,
    String incidentId,
    String rule,
    String service,
    String kind,
    Instant createdAt,
    int attempt,
    String query,
    byte[] body) {
  public Pending {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(body, "body");
  }

  Pending nextAttempt() {
    return new Pending(
        id, receiver, incidentId, rule, service, kind, createdAt, attempt + 1, query, body);
  }

  Attempt outcome(Instant time, String outcome, int httpStatus, String error) {
    return new Attempt(
        time, incidentId, rule, service, kind, receiver, outcome, attempt, httpStatus, error);
  }
}
