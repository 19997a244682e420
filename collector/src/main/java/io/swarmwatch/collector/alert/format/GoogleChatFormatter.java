package io.swarmwatch.collector.alert.format;

import static io.swarmwatch.collector.alert.format.Texts.truncate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swarmwatch.collector.alert.format.Notice.Replica;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Google Chat space webhook with a {@code cardsV2} card: header, decoratedText facts, the replicas
 * as textParagraphs (Chat's small HTML subset, escaped), an openLink button. Every message of one
 * incident carries {@code threadKey=<incident id>} so firing, updates and resolved share a thread.
 */
final class GoogleChatFormatter implements Formatter {
  @Override
  public byte[] body(Notice n, String receiver, String username) {
    ObjectNode root = Texts.object();
    root.put("text", truncate(Texts.title(n), 4000));
    ObjectNode cardV2 = root.putArray("cardsV2").addObject();
    cardV2.put("cardId", "swarmwatch-" + n.incidentId());
    ObjectNode card = cardV2.putObject("card");
    card.putObject("header")
        .put("title", truncate(Texts.title(n), 200))
        .put("subtitle", truncate(n.summary(), 200));
    ArrayNode sections = card.putArray("sections");
    ArrayNode facts = sections.addObject().putArray("widgets");
    fact(facts, "Service", n.service());
    fact(facts, "Stack", n.stack());
    fact(facts, "Rule", n.rule());
    fact(
        facts,
        "Severity",
        "<font color=\"" + Texts.hexColor(n) + "\">" + n.severity().label() + "</font>");
    fact(
        facts,
        n.resolved() ? "Resolved" : "Since",
        Texts.time(n.resolved() ? n.at() : n.startsAt()));
    replicas(sections, n.replicas(), n.resolved() ? "Was affected" : "Affected");
    replicas(sections, n.recovered(), "Recovered");
    if (!n.link().isEmpty()) {
      ObjectNode button =
          sections
              .addObject()
              .putArray("widgets")
              .addObject()
              .putObject("buttonList")
              .putArray("buttons")
              .addObject();
      button.put("text", "View in swarmwatch");
      button.putObject("onClick").putObject("openLink").put("url", n.link());
    }
    return Texts.bytes(root);
  }

  @Override
  public String query(Notice n) {
    return "threadKey="
        + URLEncoder.encode("swarmwatch-" + n.incidentId(), StandardCharsets.UTF_8)
        + "&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD";
  }

  private static void fact(ArrayNode widgets, String label, String value) {
    if (!value.isEmpty()) {
      widgets.addObject().putObject("decoratedText").put("topLabel", label).put("text", value);
    }
  }

  private static void replicas(ArrayNode sections, List<Replica> list, String label) {
    if (list.isEmpty()) {
      return;
    }
    ObjectNode s = sections.addObject().put("header", label);
    ArrayNode w = s.putArray("widgets");
    int shown = Math.min(list.size(), Texts.MAX_REPLICAS);
    for (int i = 0; i < shown; i++) {
      Replica r = list.get(i);
      String text = "<b>" + html(Texts.where(r)) + "</b>";
      if (!r.reason().isEmpty()) {
        text += "<br>" + html(truncate(r.reason(), 1000));
      }
      w.addObject().putObject("textParagraph").put("text", text);
    }
    String more = Texts.more(shown, list.size());
    if (!more.isEmpty()) {
      w.addObject().putObject("textParagraph").put("text", html(more));
    }
  }

  static String html(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
