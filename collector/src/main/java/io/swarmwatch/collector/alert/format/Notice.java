package io.swarmwatch.collector.alert.format;

import io.swarmwatch.collector.rules.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What one message says about one incident, before any platform's format is applied. Built when a
 * message is due; a pending notification stores its rendered body, so a restart re-sends exactly
 * this.
 *
 * @param replicas the replicas affected now (for RESOLVED: the ones affected last)
 * @param recovered replicas that recovered since the previous message (UPDATE only)
 * @param link where to see more in swarmwatch; "" when SWARMWATCH_PUBLIC_URL is not set
 * @param flapping the incident has been resolving and re-firing; messages are being held back
 */
public record Notice(
    Kind kind,
    String incidentId,
    String rule,
    Severity severity,
    String service,
    String stack,
    String summary,
    Instant startsAt,
    Instant at,
    List<Replica> replicas,
    List<Replica> recovered,
    Map<String, String> labels,
    String link,
    boolean flapping) {

  public enum Kind {
    FIRING,
    RESOLVED,
    REPEAT,
    UPDATE;

    /** The lower-case name used in payloads, history and the API. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One affected replica (or the service / node itself when the flag is on that).
   *
   * @param subject the flag subject's id ({@code <serviceId>/<slot>}, a service id, a node id)
   * @param slot the replica's slot, or the node id for a global service's replica; "" for others
   * @param reason the rule's words: the probe's output, the exit code, the scheduler's error
   */
  public record Replica(
      String subject,
      String slot,
      String node,
      String taskId,
      String containerId,
      String reason,
      Instant since) {}

  public Notice {
    Objects.requireNonNull(kind, "kind");
    replicas = List.copyOf(replicas);
    recovered = List.copyOf(recovered);
    labels = Map.copyOf(labels);
  }

  public boolean resolved() {
    return kind == Kind.RESOLVED;
  }
}
