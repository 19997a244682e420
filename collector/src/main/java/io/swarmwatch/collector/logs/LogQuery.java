package io.swarmwatch.collector.logs;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What to find. Every filter is optional; present ones must all match.
 *
 * @param service service name or id
 * @param task task id, or a prefix of it
 * @param container container id prefix or container name
 * @param node node id or hostname
 * @param stream {@code stdout} or {@code stderr}
 * @param sinceNanos inclusive lower bound on the line's time
 * @param untilNanos exclusive upper bound
 * @param text words and "quoted phrases" that must all occur (full-text, case-insensitive)
 * @param regex a Java regular expression the line must contain a match of
 * @param newestFirst order; oldest first when false
 * @param after continue after this position (in the given order)
 */
public record LogQuery(
    Optional<String> service,
    Optional<String> task,
    Optional<String> container,
    Optional<String> node,
    Optional<String> stream,
    long sinceNanos,
    long untilNanos,
    Optional<String> text,
    Optional<Pattern> regex,
    boolean newestFirst,
    int limit,
    Optional<LogCursor> after) {

  public static LogQuery all(int limit) {
    return new LogQuery(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Long.MIN_VALUE,
        Long.MAX_VALUE,
        Optional.empty(),
        Optional.empty(),
        false,
        limit,
        Optional.empty());
  }

  /** Whether a record matches the filters (the text filter roughly: each word as a substring). */
  public boolean matches(LogRecord r) {
    if (r.timeNanos() < sinceNanos || r.timeNanos() >= untilNanos) {
      return false;
    }
    if (service.isPresent()
        && !service.get().equals(r.service())
        && !service.get().equals(r.serviceId())) {
      return false;
    }
    if (task.isPresent() && !r.taskId().startsWith(task.get())) {
      return false;
    }
    if (container.isPresent()
        && !r.containerId().startsWith(container.get())
        && !container.get().equals(r.containerName())) {
      return false;
    }
    if (node.isPresent() && !node.get().equals(r.node()) && !node.get().equals(r.nodeHostname())) {
      return false;
    }
    if (stream.isPresent() && !stream.get().equals(r.stream())) {
      return false;
    }
    if (text.isPresent()) {
      String lower = r.line().toLowerCase(java.util.Locale.ROOT);
      for (String term : TextQuery.terms(text.get())) {
        if (!lower.contains(term.toLowerCase(java.util.Locale.ROOT))) {
          return false;
        }
      }
    }
    return regex.isEmpty() || regex.get().matcher(r.line()).find();
  }
}
