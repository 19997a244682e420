package io.swarmwatch.collector.alert.format;

import java.net.URI;

/** One platform's message format. Stateless and thread-safe. */
public interface Formatter {
  /** The JSON body to POST. Never fails on long text: truncates to the platform's limits. */
  byte[] body(Notice notice, String receiver, String username);

  /**
   * Query parameters this message adds to the configured URL ("" for none), e.g. Google Chat's
   * thread key. Kept apart from the URL so the webhook secret is never written to disk.
   */
  default String query(Notice notice) {
    return "";
  }

  /** The configured URL with {@code query} appended. */
  static URI withQuery(URI configured, String query) {
    if (query.isEmpty()) {
      return configured;
    }
    String s = configured.toString();
    int hash = s.indexOf('#');
    String base = hash < 0 ? s : s.substring(0, hash);
    String q = configured.getRawQuery();
    return URI.create(base + (q == null || q.isEmpty() ? "?" : "&") + query);
  }

  /** The formatter for a receiver type in {@code AlertRulesParser.TYPES}. */
  static Formatter of(String type, String publicUrl) {
    return switch (type) {
      case "slack" -> new SlackFormatter();
      case "teams" -> new TeamsFormatter();
      case "discord" -> new DiscordFormatter();
      case "mattermost" -> new MattermostFormatter();
      case "googlechat" -> new GoogleChatFormatter();
      case "webhook" -> new WebhookFormatter(publicUrl);
      default -> throw new IllegalArgumentException("unknown receiver type '" + type + "'");
    };
  }
}
