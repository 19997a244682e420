package io.swarmwatch.collector.alert.format;

import static io.swarmwatch.collector.alert.format.Texts.truncate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swarmwatch.collector.alert.format.Notice.Replica;
import java.util.List;

/**
 * Microsoft Teams workflow ("Post to a channel when a webhook request is received") webhook: a
 * {@code message} whose one attachment is an Adaptive Card (schema 1.4, {@code
 * application/vnd.microsoft.card.adaptive}); colour through the TextBlock {@code color} names
 * Attention / Warning / Good / Accent.
 */
final class TeamsFormatter implements Formatter {
  @Override
  public byte[] body(Notice n, String receiver, String username) {
    ObjectNode root = Texts.object().put("type", "message");
    ObjectNode att = root.putArray("attachments").addObject();
    att.put("contentType", "application/vnd.microsoft.card.adaptive");
    att.putNull("contentUrl");
    ObjectNode card = att.putObject("content");
    card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
    card.put("type", "AdaptiveCard");
    card.put("version", "1.4");
    card.putObject("msteams").put("width", "Full");
    ArrayNode body = card.putArray("body");
    body.addObject()
        .put("type", "TextBlock")
        .put("text", Texts.title(n))
        .put("weight", "Bolder")
        .put("size", "Medium")
        .put("color", color(n))
        .put("wrap", true);
    body.addObject().put("type", "TextBlock").put("text", n.summary()).put("wrap", true);
    ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
    fact(facts, "Service", n.service());
    fact(facts, "Stack", n.stack());
    fact(facts, "Rule", n.rule());
    fact(facts, "Severity", n.severity().label());
    fact(
        facts,
        n.resolved() ? "Resolved" : "Since",
        Texts.time(n.resolved() ? n.at() : n.startsAt()));
    fact(facts, "Incident", n.incidentId());
    replicas(body, n.replicas(), n.resolved() ? "Was affected" : "Affected");
    replicas(body, n.recovered(), "Recovered");
    if (!n.link().isEmpty()) {
      card.putArray("actions")
          .addObject()
          .put("type", "Action.OpenUrl")
          .put("title", "View in swarmwatch")
          .put("url", n.link());
    }
    return Texts.bytes(root);
  }

  private static String color(Notice n) {
    if (n.resolved()) {
      return "Good";
    }
    return switch (n.severity()) {
      case CRITICAL -> "Attention";
      case WARNING -> "Warning";
      case INFO -> "Accent";
    };
  }

  private static void fact(ArrayNode facts, String title, String value) {
    if (!value.isEmpty()) {
      facts.addObject().put("title", title).put("value", value);
    }
  }

  private static void replicas(ArrayNode body, List<Replica> list, String label) {
    if (list.isEmpty()) {
      return;
    }
    body.addObject()
        .put("type", "TextBlock")
        .put("text", label)
        .put("weight", "Bolder")
        .put("separator", true);
    int shown = Math.min(list.size(), Texts.MAX_REPLICAS);
    for (int i = 0; i < shown; i++) {
      Replica r = list.get(i);
      body.addObject().put("type", "TextBlock").put("text", Texts.where(r)).put("wrap", true);
      if (!r.reason().isEmpty()) {
        body.addObject()
            .put("type", "TextBlock")
            .put("text", truncate(r.reason(), 1000))
            .put("fontType", "Monospace")
            .put("isSubtle", true)
            .put("wrap", true);
      }
    }
    String more = Texts.more(shown, list.size());
    if (!more.isEmpty()) {
      body.addObject().put("type", "TextBlock").put("text", more).put("isSubtle", true);
    }
  }
}
