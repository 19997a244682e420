package io.swarmwatch.cli.client;

import java.util.Optional;

/**
 * Server-sent events, line by line, as the HTML standard defines them: {@code event:} and {@code
 * data:} fields (several data lines joined by newlines), comment lines starting with {@code :} (the
 * collector's keepalives) ignored, a blank line ends an event. Not thread-safe: one per stream.
 */
final class SseParser {
  /** One complete event; {@code event} is {@code message} when the server named none. */
  record Event(String event, String data) {}

  private String event;
  private StringBuilder data;

  /** Feeds one line (without its line ending); returns the event it completes, if any. */
  Optional<Event> line(String line) {
    if (line.isEmpty()) {
      Optional<Event> done =
          data == null
              ? Optional.empty()
              : Optional.of(new Event(event == null ? "message" : event, data.toString()));
      event = null;
      data = null;
      return done;
    }
    if (line.startsWith(":")) {
      return Optional.empty();
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> event = value;
      case "data" -> {
        if (data == null) {
          data = new StringBuilder(value);
        } else {
          data.append('\n').append(value);
        }
      }
      default -> {
        // id and retry mean nothing to a client that does not reconnect by itself.
      }
    }
    return Optional.empty();
  }
}
