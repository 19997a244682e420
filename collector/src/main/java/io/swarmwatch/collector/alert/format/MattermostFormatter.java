package io.swarmwatch.collector.alert.format;

import static io.swarmwatch.collector.alert.format.Texts.truncate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swarmwatch.collector.alert.format.Notice.Replica;
import java.util.List;

/**
 * Mattermost incoming webhook: markdown {@code text} plus one message attachment (coloured left
 * border, title linking to swarmwatch, short fields). A post holds at most 16383 characters.
 */
final class MattermostFormatter implements Formatter {
  static final int POST_MAX = 16_383;

  @Override
  public byte[] body(Notice n, String receiver, String username) {
    ObjectNode root = Texts.object();
    root.put("text", "#### " + Texts.title(n));
    if (!username.isEmpty()) {
      root.put("username", username);
    }
    ObjectNode a = root.putArray("attachments").addObject();
    a.put("fallback", truncate(Texts.title(n) + ": " + n.summary(), 1000));
    a.put("color", Texts.hexColor(n));
    a.put("title", truncate(n.summary(), 500));
    if (!n.link().isEmpty()) {
      a.put("title_link", n.link());
    }
    StringBuilder text = new StringBuilder();
    replicas(text, n.replicas(), n.resolved() ? "Was affected" : "Affected");
    replicas(text, n.recovered(), "Recovered");
    a.put("text", truncate(text.toString(), POST_MAX - 2000));
    ArrayNode fields = a.putArray("fields");
    field(fields, "Service", n.service());
    field(fields, "Stack", n.stack());
    field(fields, "Rule", n.rule());
    field(fields, "Severity", n.severity().label());
    field(
        fields,
        n.resolved() ? "Resolved" : "Since",
        Texts.time(n.resolved() ? n.at() : n.startsAt()));
    field(fields, "Incident", n.incidentId());
    return Texts.bytes(root);
  }

  private static void field(ArrayNode fields, String title, String value) {
    if (!value.isEmpty()) {
      fields.addObject().put("short", true).put("title", title).put("value", truncate(value, 500));
    }
  }

  private static void replicas(StringBuilder b, List<Replica> list, String label) {
    if (list.isEmpty()) {
      return;
    }
    b.append(b.length() == 0 ? "" : "\n").append("**").append(label).append("**");
    int shown = Math.min(list.size(), Texts.MAX_REPLICAS);
    for (int i = 0; i < shown; i++) {
      Replica r = list.get(i);
      b.append("\n- ").append(Texts.where(r));
      if (!r.reason().isEmpty()) {
        b.append("\n```\n")
            .append(truncate(r.reason(), 1000).replace("```", "'''"))
            .append("\n```");
      }
    }
    String more = Texts.more(shown, list.size());
    if (!more.isEmpty()) {
      b.append('\n').append(more);
    }
  }
}
