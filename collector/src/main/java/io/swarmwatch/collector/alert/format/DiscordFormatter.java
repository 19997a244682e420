package io.swarmwatch.collector.alert.format;

import static io.swarmwatch.collector.alert.format.Texts.truncate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swarmwatch.collector.alert.format.Notice.Replica;
import java.util.List;

/**
 * Discord webhook with one embed. Discord rejects (400) an embed over its limits, so every part is
 * cut to fit: title 256, description 4096, at most 25 fields of name 256 / value 1024, footer 2048,
 * and 6000 characters across the embed. Mentions are disabled: probe output must not ping anyone.
 */
final class DiscordFormatter implements Formatter {
  static final int TITLE_MAX = 256;
  static final int DESCRIPTION_MAX = 4096;
  static final int FIELDS_MAX = 25;
  static final int FIELD_NAME_MAX = 256;
  static final int FIELD_VALUE_MAX = 1024;
  static final int FOOTER_MAX = 2048;
  static final int TOTAL_MAX = 6000;

  @Override
  public byte[] body(Notice n, String receiver, String username) {
    ObjectNode root = Texts.object();
    if (!username.isEmpty()) {
      root.put("username", truncate(username, 80));
    }
    root.putObject("allowed_mentions").putArray("parse");
    ObjectNode e = root.putArray("embeds").addObject();
    String title = truncate(Texts.title(n), TITLE_MAX);
    String footer = truncate("swarmwatch · incident " + n.incidentId(), FOOTER_MAX);
    e.put("title", title);
    if (!n.link().isEmpty()) {
      e.put("url", n.link());
    }
    e.put("color", Texts.rgb(n));
    e.put("timestamp", Texts.time(n.at()));
    e.putObject("footer").put("text", footer);
    ArrayNode fields = e.putArray("fields");
    int used = title.length() + footer.length();
    used += field(fields, "Service", n.service());
    used += field(fields, "Stack", n.stack());
    used += field(fields, "Rule", n.rule());
    used += field(fields, "Severity", n.severity().label());
    used +=
        field(
            fields,
            n.resolved() ? "Resolved" : "Since",
            Texts.time(n.resolved() ? n.at() : n.startsAt()));
    StringBuilder d = new StringBuilder(n.summary());
    replicas(d, n.replicas(), n.resolved() ? "Was affected" : "Affected");
    replicas(d, n.recovered(), "Recovered");
    e.put("description", truncate(d.toString(), Math.min(DESCRIPTION_MAX, TOTAL_MAX - used)));
    return Texts.bytes(root);
  }

  private static int field(ArrayNode fields, String name, String value) {
    if (value.isEmpty() || fields.size() >= FIELDS_MAX) {
      return 0;
    }
    String nm = truncate(name, FIELD_NAME_MAX);
    String v = truncate(value, FIELD_VALUE_MAX);
    fields.addObject().put("name", nm).put("value", v).put("inline", true);
    return nm.length() + v.length();
  }

  private static void replicas(StringBuilder d, List<Replica> list, String label) {
    if (list.isEmpty()) {
      return;
    }
    d.append("\n\n**").append(label).append("**");
    int shown = Math.min(list.size(), Texts.MAX_REPLICAS);
    for (int i = 0; i < shown; i++) {
      Replica r = list.get(i);
      d.append("\n• ").append(Texts.where(r));
      if (!r.reason().isEmpty()) {
        // A ``` inside the output would end the code block early.
        d.append("\n```\n")
            .append(truncate(r.reason(), 1500).replace("```", "'''"))
            .append("\n```");
      }
    }
    String more = Texts.more(shown, list.size());
    if (!more.isEmpty()) {
      d.append('\n').append(more);
    }
  }
}
