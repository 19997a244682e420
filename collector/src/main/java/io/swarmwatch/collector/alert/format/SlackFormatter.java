package io.swarmwatch.collector.alert.format;

import static io.swarmwatch.collector.alert.format.Texts.truncate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swarmwatch.collector.alert.format.Notice.Replica;
import java.util.List;

/**
 * Slack incoming webhook with Block Kit: a header block (plain text, at most 150 characters),
 * mrkdwn sections (at most 3000 characters each) and a context block; {@code text} is the
 * notification fallback. At most 50 blocks per message.
 */
final class SlackFormatter implements Formatter {
  static final int HEADER_MAX = 150;
  static final int SECTION_MAX = 3000;

  @Override
  public byte[] body(Notice n, String receiver, String username) {
    ObjectNode root = Texts.object();
    root.put("text", truncate(Texts.title(n) + ": " + n.summary(), 3000));
    if (!username.isEmpty()) {
      root.put("username", username);
    }
    ArrayNode blocks = root.putArray("blocks");
    ObjectNode header = blocks.addObject().put("type", "header");
    header
        .putObject("text")
        .put("type", "plain_text")
        .put("text", truncate(Texts.title(n), HEADER_MAX))
        .put("emoji", true);
    ObjectNode facts = blocks.addObject().put("type", "section");
    facts
        .putObject("text")
        .put("type", "mrkdwn")
        .put("text", truncate(esc(n.summary()), SECTION_MAX));
    ArrayNode fields = facts.putArray("fields");
    field(fields, "Service", n.service());
    field(fields, "Stack", n.stack());
    field(fields, "Rule", n.rule());
    field(fields, "Severity", n.severity().label());
    field(
        fields,
        n.resolved() ? "Resolved" : "Since",
        Texts.time(n.resolved() ? n.at() : n.startsAt()));
    replicas(blocks, n.replicas(), n.resolved() ? "Was affected" : "Affected");
    replicas(blocks, n.recovered(), "Recovered");
    if (!n.link().isEmpty()) {
      blocks
          .addObject()
          .put("type", "section")
          .putObject("text")
          .put("type", "mrkdwn")
          .put("text", "<" + n.link() + "|View in swarmwatch>");
    }
    blocks
        .addObject()
        .put("type", "context")
        .putArray("elements")
        .addObject()
        .put("type", "mrkdwn")
        .put(
            "text",
            "incident " + n.incidentId() + (n.flapping() ? " · flapping, messages held back" : ""));
    return Texts.bytes(root);
  }

  private static void field(ArrayNode fields, String name, String value) {
    if (!value.isEmpty()) {
      fields
          .addObject()
          .put("type", "mrkdwn")
          .put("text", "*" + name + "*\n" + truncate(esc(value), 1900));
    }
  }

  private static void replicas(ArrayNode blocks, List<Replica> list, String label) {
    if (list.isEmpty()) {
      return;
    }
    StringBuilder b = new StringBuilder("*").append(label).append("*");
    int shown = Math.min(list.size(), Texts.MAX_REPLICAS);
    for (int i = 0; i < shown; i++) {
      Replica r = list.get(i);
      b.append("\n• ").append(esc(Texts.where(r)));
      if (!r.reason().isEmpty()) {
        b.append("\n```").append(esc(truncate(r.reason(), 500))).append("```");
      }
    }
    b.append(Texts.more(shown, list.size()).isEmpty() ? "" : "\n" + Texts.more(shown, list.size()));
    blocks
        .addObject()
        .put("type", "section")
        .putObject("text")
        .put("type", "mrkdwn")
        .put("text", truncate(b.toString(), SECTION_MAX));
  }

  /** Slack's mrkdwn needs only these three escaped. */
  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
