package io.swarmwatch.collector.alert.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swarmwatch.collector.alert.format.Notice.Replica;
import io.swarmwatch.collector.rules.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The words every format shares: titles, replica lines, colours, truncation. */
final class Texts {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Replicas listed one by one; beyond this a message says "and N more". */
  static final int MAX_REPLICAS = 10;

  private Texts() {}

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain values always serializes", e);
    }
  }

  static String emoji(Notice n) {
    if (n.resolved()) {
      return "✅";
    }
    return switch (n.severity()) {
      case CRITICAL -> "🔴";
      case WARNING -> "🟠";
      case INFO -> "🔵";
    };
  }

  /** #RRGGBB: green when resolved, else red / orange / blue by severity. */
  static String hexColor(Notice n) {
    if (n.resolved()) {
      return "#2EB67D";
    }
    return switch (n.severity()) {
      case CRITICAL -> "#E01E5A";
      case WARNING -> "#ECB22E";
      case INFO -> "#36C5F0";
    };
  }

  static int rgb(Notice n) {
    return Integer.parseInt(hexColor(n).substring(1), 16);
  }

  static String status(Notice n) {
    return switch (n.kind()) {
      case FIRING -> "FIRING";
      case RESOLVED -> "RESOLVED";
      case REPEAT -> "STILL FIRING";
      case UPDATE -> "UPDATED";
    };
  }

  /** e.g. {@code 🔴 FIRING · unhealthy · shop_web}. */
  static String title(Notice n) {
    return emoji(n)
        + " "
        + status(n)
        + " · "
        + n.rule()
        + " · "
        + (n.service().isEmpty() ? n.summary() : n.service());
  }

  static String severity(Severity s) {
    return s.label();
  }

  /** {@code slot 2 on node abc123 (container 1a2b3c4d5e6f)}. */
  static String where(Replica r) {
    StringBuilder b = new StringBuilder();
    if (!r.slot().isEmpty()) {
      b.append("slot ").append(r.slot());
    } else {
      b.append(r.subject());
    }
    if (!r.node().isEmpty() && !r.node().equals(r.slot())) {
      b.append(" on node ").append(shortId(r.node()));
    }
    if (!r.containerId().isEmpty()) {
      b.append(" (container ").append(shortId(r.containerId())).append(')');
    }
    return b.toString();
  }

  static String shortId(String id) {
    return id.length() > 12 && id.matches("[0-9a-z]+") ? id.substring(0, 12) : id;
  }

  static String time(Instant t) {
    return t == null ? "" : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }

  /** Cuts {@code s} to at most {@code max} characters (code points kept whole), marking the cut. */
  static String truncate(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = Math.max(0, max - 1);
    if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "…";
  }

  static String more(int shown, int total) {
    return total > shown ? "… and " + (total - shown) + " more" : "";
  }
}
