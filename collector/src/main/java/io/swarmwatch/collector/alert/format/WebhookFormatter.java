package io.swarmwatch.collector.alert.format;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swarmwatch.collector.alert.format.Notice.Replica;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The generic JSON webhook, in Alertmanager's webhook format (version 4), so tools that take
 * Alertmanager notifications take ours: one alert per replica, labels {@code alertname} (the rule),
 * {@code severity}, {@code service}, {@code stack}, {@code node}, {@code slot}, {@code container};
 * annotations {@code summary} and {@code description} (the reason). swarmwatch's own fields sit
 * under {@code swarmwatch} (incident id, message kind), which Alertmanager consumers ignore.
 * Documented in the README ("Generic webhook payload").
 */
final class WebhookFormatter implements Formatter {
  /** Alertmanager's "not ended" time. */
  static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private final String externalUrl;

  WebhookFormatter(String externalUrl) {
    this.externalUrl = externalUrl == null ? "" : externalUrl;
  }

  @Override
  public byte[] body(Notice n, String receiver, String username) {
    ObjectNode root = Texts.object();
    root.put("version", "4");
    root.put("groupKey", "{}:{alertname=\"" + n.rule() + "\", service=\"" + n.service() + "\"}");
    root.put("truncatedAlerts", 0);
    root.put("status", n.resolved() ? "resolved" : "firing");
    root.put("receiver", receiver);
    root.putObject("groupLabels").put("alertname", n.rule()).put("service", n.service());
    root.putObject("commonLabels")
        .put("alertname", n.rule())
        .put("severity", n.severity().label())
        .put("service", n.service())
        .put("stack", n.stack());
    root.putObject("commonAnnotations").put("summary", n.summary());
    root.put("externalURL", externalUrl);
    ArrayNode alerts = root.putArray("alerts");
    for (Replica r : n.replicas()) {
      alert(alerts, n, r, n.resolved());
    }
    for (Replica r : n.recovered()) {
      alert(alerts, n, r, true);
    }
    ObjectNode sw = root.putObject("swarmwatch");
    sw.put("incidentId", n.incidentId());
    sw.put("kind", n.kind().label());
    sw.put("flapping", n.flapping());
    sw.put("startsAt", Texts.time(n.startsAt()));
    return Texts.bytes(root);
  }

  private static void alert(ArrayNode alerts, Notice n, Replica r, boolean resolved) {
    ObjectNode a = alerts.addObject();
    a.put("status", resolved ? "resolved" : "firing");
    ObjectNode labels = a.putObject("labels");
    labels.put("alertname", n.rule());
    labels.put("severity", n.severity().label());
    labels.put("service", n.service());
    labels.put("stack", n.stack());
    labels.put("node", r.node());
    labels.put("slot", r.slot());
    labels.put("container", r.containerId());
    labels.put("subject", r.subject());
    a.putObject("annotations").put("summary", n.summary()).put("description", r.reason());
    Instant since = r.since() == null ? n.startsAt() : r.since();
    a.put("startsAt", Texts.time(since));
    a.put("endsAt", resolved ? Texts.time(n.at()) : ZERO_TIME);
    a.put("generatorURL", n.link());
    a.put("fingerprint", fingerprint(n.rule() + "\0" + r.subject()));
  }

  /** Stable per rule and subject, 16 hex digits like Alertmanager's. */
  static String fingerprint(String key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
