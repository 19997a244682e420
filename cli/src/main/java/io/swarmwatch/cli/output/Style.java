package io.swarmwatch.cli.output;

import java.util.Locale;

/**
 * ANSI colours for the words the collector uses for good and bad (status, health, state, severity),
 * or none at all: off with {@code --no-color}, {@code NO_COLOR}, a dumb terminal, or when the
 * output is not a terminal (pipes and files get plain text).
 */
public final class Style {
  private static final String RESET = "\u001b[0m";
  static final String RED = "\u001b[31m";
  static final String GREEN = "\u001b[32m";
  static final String YELLOW = "\u001b[33m";
  static final String BLUE = "\u001b[34m";
  static final String GREY = "\u001b[90m";
  static final String BOLD = "\u001b[1m";

  private final boolean enabled;

  public Style(boolean enabled) {
    this.enabled = enabled;
  }

  public boolean enabled() {
    return enabled;
  }

  /** The colour the word calls for, e.g. red for {@code unhealthy}; the text itself if none. */
  public String status(String word) {
    if (word == null) {
      return "";
    }
    return paint(colourOf(word), word);
  }

  public String bad(String text) {
    return paint(RED, text);
  }

  public String warn(String text) {
    return paint(YELLOW, text);
  }

  public String good(String text) {
    return paint(GREEN, text);
  }

  public String dim(String text) {
    return paint(GREY, text);
  }

  public String bold(String text) {
    return paint(BOLD, text);
  }

  String paint(String colour, String text) {
    return enabled && colour != null && !text.isEmpty() ? colour + text + RESET : text;
  }

  static String colourOf(String word) {
    return switch (word.toLowerCase(Locale.ROOT)) {
      case "ok",
          "healthy",
          "running",
          "ready",
          "active",
          "connected",
          "resolved",
          "sent",
          "delivered",
          "completed" ->
          GREEN;
      case "degraded",
          "starting",
          "warning",
          "pending",
          "paused",
          "drain",
          "restarting",
          "retrying",
          "updating",
          "rollback_started",
          "pause" ->
          YELLOW;
      case "down",
          "unhealthy",
          "critical",
          "exited",
          "dead",
          "failed",
          "rejected",
          "firing",
          "disconnected",
          "missing",
          "error" ->
          RED;
      case "info", "silenced" -> BLUE;
      case "unknown", "none", "expired", "-" -> GREY;
      default -> null;
    };
  }

  /** Length as the terminal shows it: without colour codes. */
  static int visibleLength(String s) {
    String plain = ANSI.matcher(s).replaceAll("");
    return plain.codePointCount(0, plain.length());
  }

  private static final java.util.regex.Pattern ANSI =
      java.util.regex.Pattern.compile("\u001b\\[[0-9;]*m");
}
