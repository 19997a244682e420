package io.swarmwatch.collector.alert.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmwatch.collector.alert.format.Notice.Kind;
import io.swarmwatch.collector.alert.format.Notice.Replica;
import io.swarmwatch.collector.rules.Severity;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each platform's documented structure and limits. */
class FormatterTest {
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private final ObjectMapper json = new ObjectMapper();

  static Notice notice(Kind kind, String reason, int replicas) {
    List<Replica> rs = new ArrayList<>();
    for (int i = 1; i <= replicas; i++) {
      rs.add(new Replica("svc/" + i, "" + i, "node" + i, "", "abcdef0123456789" + i, reason, T0));
    }
    return new Notice(
        kind,
        "inc12345",
        "unhealthy",
        Severity.CRITICAL,
        "shop_web",
        "shop",
        "unhealthy on "
            + replicas
            + " replicas of shop_web: "
            + reason.lines().findFirst().orElse(""),
        T0,
        T0.plusSeconds(90),
        rs,
        List.of(),
        Map.of("team", "web"),
        "https://sw.example/#/services/shop_web",
        false);
  }

  private JsonNode render(String type, Notice n) throws Exception {
    return json.readTree(Formatter.of(type, "https://sw.example").body(n, "ops", "swarmwatch"));
  }

  @Test
  void slackUsesBlockKitWithAHeaderAndTheProbeOutput() throws Exception {
    JsonNode b = render("slack", notice(Kind.FIRING, "curl: (7) <refused> & done", 2));
    assertThat(b.get("text").asText()).startsWith("🔴 FIRING · unhealthy · shop_web");
    JsonNode blocks = b.get("blocks");
    assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
    assertThat(blocks.get(0).at("/text/type").asText()).isEqualTo("plain_text");
    assertThat(blocks.get(1).at("/text/type").asText()).isEqualTo("mrkdwn");
    assertThat(blocks.get(1).get("fields")).hasSizeLessThanOrEqualTo(10);
    String all = blocks.toString();
    assertThat(all)
        .contains("curl: (7) &lt;refused&gt; &amp; done")
        .contains("slot 1 on node node1");
    assertThat(all).contains("<https://sw.example/#/services/shop_web|View in swarmwatch>");
    assertThat(blocks.size()).isLessThanOrEqualTo(50);
    for (JsonNode block : blocks) {
      if (block.get("type").asText().equals("section")) {
        assertThat(block.at("/text/text").asText().length()).isLessThanOrEqualTo(3000);
      }
    }
    JsonNode resolved = render("slack", notice(Kind.RESOLVED, "x", 1));
    assertThat(resolved.at("/blocks/0/text/text").asText()).startsWith("✅ RESOLVED");
  }

  @Test
  void slackHeaderStaysWithin150Characters() throws Exception {
    Notice n = notice(Kind.FIRING, "x", 1);
    Notice longName =
        new Notice(
            n.kind(),
            n.incidentId(),
            n.rule(),
            n.severity(),
            "s".repeat(300),
            n.stack(),
            n.summary(),
            n.startsAt(),
            n.at(),
            n.replicas(),
            n.recovered(),
            n.labels(),
            n.link(),
            false);
    assertThat(render("slack", longName).at("/blocks/0/text/text").asText().length())
        .isLessThanOrEqualTo(150);
  }

  @Test
  void teamsSendsAnAdaptiveCardInAMessageAttachment() throws Exception {
    JsonNode b = render("teams", notice(Kind.FIRING, "exit 1", 1));
    assertThat(b.get("type").asText()).isEqualTo("message");
    JsonNode att = b.get("attachments").get(0);
    assertThat(att.get("contentType").asText())
        .isEqualTo("application/vnd.microsoft.card.adaptive");
    JsonNode card = att.get("content");
    assertThat(card.get("type").asText()).isEqualTo("AdaptiveCard");
    assertThat(card.get("$schema").asText())
        .isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
    assertThat(card.get("version").asText()).isEqualTo("1.4");
    assertThat(card.at("/body/0/type").asText()).isEqualTo("TextBlock");
    assertThat(card.at("/body/0/color").asText()).isEqualTo("Attention");
    assertThat(card.toString()).contains("\"type\":\"FactSet\"").contains("exit 1");
    assertThat(card.at("/actions/0/type").asText()).isEqualTo("Action.OpenUrl");
    assertThat(
            render("teams", notice(Kind.RESOLVED, "x", 1))
                .at("/attachments/0/content/body/0/color")
                .asText())
        .isEqualTo("Good");
  }

  @Test
  void discordTruncatesLongProbeOutputInsteadOfBreakingTheLimits() throws Exception {
    String huge = "E".repeat(20_000);
    JsonNode b = render("discord", notice(Kind.FIRING, huge, 40));
    JsonNode e = b.get("embeds").get(0);
    assertThat(e.get("title").asText().length()).isLessThanOrEqualTo(256);
    assertThat(e.get("description").asText().length()).isLessThanOrEqualTo(4096);
    assertThat(e.get("description").asText()).endsWith("…");
    assertThat(e.get("fields").size()).isLessThanOrEqualTo(25);
    int total =
        e.get("title").asText().length()
            + e.get("description").asText().length()
            + e.at("/footer/text").asText().length();
    for (JsonNode f : e.get("fields")) {
      assertThat(f.get("name").asText().length()).isLessThanOrEqualTo(256);
      assertThat(f.get("value").asText().length()).isLessThanOrEqualTo(1024);
      total += f.get("name").asText().length() + f.get("value").asText().length();
    }
    assertThat(total).isLessThanOrEqualTo(6000);
    assertThat(e.get("color").asInt()).isEqualTo(0xE01E5A);
    assertThat(e.get("url").asText()).isEqualTo("https://sw.example/#/services/shop_web");
    assertThat(b.at("/allowed_mentions/parse")).isEmpty();
    assertThat(render("discord", notice(Kind.RESOLVED, "x", 1)).at("/embeds/0/color").asInt())
        .isEqualTo(0x2EB67D);
  }

  @Test
  void mattermostPostsTextAndAColouredAttachment() throws Exception {
    JsonNode b = render("mattermost", notice(Kind.FIRING, "OOM", 1));
    assertThat(b.get("text").asText()).startsWith("#### 🔴 FIRING");
    JsonNode a = b.get("attachments").get(0);
    assertThat(a.get("color").asText()).isEqualTo("#E01E5A");
    assertThat(a.get("fallback").asText()).isNotEmpty();
    assertThat(a.get("title_link").asText()).startsWith("https://sw.example/");
    assertThat(a.get("fields").get(0).get("short").asBoolean()).isTrue();
    assertThat(b.toString().length()).isLessThan(16_383);
  }

  @Test
  void googleChatSendsCardsV2InTheIncidentsThread() throws Exception {
    Notice n = notice(Kind.FIRING, "<b>bold</b>", 1);
    JsonNode b = render("googlechat", n);
    JsonNode card = b.at("/cardsV2/0/card");
    assertThat(b.at("/cardsV2/0/cardId").asText()).isEqualTo("swarmwatch-inc12345");
    assertThat(card.at("/header/title").asText()).contains("FIRING");
    assertThat(card.toString()).contains("decoratedText").contains("&lt;b&gt;bold&lt;/b&gt;");
    assertThat(card.toString())
        .contains("\"openLink\":{\"url\":\"https://sw.example/#/services/shop_web\"}");
    Formatter f = Formatter.of("googlechat", "");
    URI target =
        Formatter.withQuery(
            URI.create("https://chat.googleapis.com/v1/spaces/X/messages?key=k&token=t"),
            f.query(n));
    assertThat(target.toString())
        .isEqualTo(
            "https://chat.googleapis.com/v1/spaces/X/messages?key=k&token=t&threadKey=swarmwatch-inc12345&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD");
  }

  @Test
  void webhookIsAlertmanagerCompatible() throws Exception {
    JsonNode b = render("webhook", notice(Kind.FIRING, "exit 137", 2));
    assertThat(b.get("version").asText()).isEqualTo("4");
    assertThat(b.get("status").asText()).isEqualTo("firing");
    assertThat(b.get("receiver").asText()).isEqualTo("ops");
    assertThat(b.get("externalURL").asText()).isEqualTo("https://sw.example");
    assertThat(b.get("truncatedAlerts").asInt()).isZero();
    assertThat(b.get("groupKey").asText()).isNotEmpty();
    assertThat(b.at("/commonLabels/alertname").asText()).isEqualTo("unhealthy");
    JsonNode a = b.get("alerts").get(0);
    assertThat(a.get("status").asText()).isEqualTo("firing");
    assertThat(a.at("/labels/alertname").asText()).isEqualTo("unhealthy");
    assertThat(a.at("/labels/severity").asText()).isEqualTo("critical");
    assertThat(a.at("/labels/slot").asText()).isEqualTo("1");
    assertThat(a.at("/annotations/description").asText()).isEqualTo("exit 137");
    assertThat(a.get("startsAt").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(a.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
    assertThat(a.get("fingerprint").asText()).matches("[0-9a-f]{16}");
    assertThat(b.at("/swarmwatch/incidentId").asText()).isEqualTo("inc12345");
    JsonNode r = render("webhook", notice(Kind.RESOLVED, "exit 137", 1));
    assertThat(r.get("status").asText()).isEqualTo("resolved");
    assertThat(r.at("/alerts/0/endsAt").asText()).isEqualTo("2024-05-01T10:01:30Z");
  }

  @Test
  void manyReplicasAreSummarisedNotListedWithoutEnd() throws Exception {
    JsonNode b = render("slack", notice(Kind.FIRING, "x", 30));
    assertThat(b.get("blocks").toString()).contains("and 20 more");
  }
}
