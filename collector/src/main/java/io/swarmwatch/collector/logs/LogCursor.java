package io.swarmwatch.collector.logs;

/** A position in the (time, seq) order of stored lines; as text {@code <timeNanos>.<seq>}. */
public record LogCursor(long timeNanos, long seq) {
  public static LogCursor of(LogRecord r) {
    return new LogCursor(r.timeNanos(), r.seq());
  }

  /**
   * @throws IllegalArgumentException if {@code s} is not a cursor this class wrote
   */
  public static LogCursor parse(String s) {
    int dot = s.indexOf('.');
    try {
      if (dot <= 0) {
        throw new NumberFormatException();
      }
      return new LogCursor(
          Long.parseLong(s.substring(0, dot)), Long.parseLong(s.substring(dot + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a cursor from this API: '" + s + "'");
    }
  }

  @Override
  public String toString() {
    return timeNanos + "." + seq;
  }
}
