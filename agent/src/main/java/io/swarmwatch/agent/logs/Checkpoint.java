package io.swarmwatch.agent.logs;

/**
 * How far a container's log has been delivered (acknowledged by the collector).
 *
 * <p>Resuming asks the Engine for {@code since=timeNanos} — inclusive, at nanosecond precision —
 * and skips the first {@code atTime} lines stamped exactly {@code timeNanos} (several lines can
 * share a timestamp), so nothing is lost and nothing is sent twice.
 *
 * @param timeNanos the Engine timestamp of the last delivered line; 0 = nothing delivered yet
 * @param atTime how many delivered lines carry exactly {@code timeNanos}
 * @param lineNo the last delivered line's number (the first line of a container is 1)
 * @param drainedRun {@code StartedAt} (unix ns) of the container run whose log was read to its end
 *     and delivered in full; 0 when the current run may still have lines to read
 */
record Checkpoint(long timeNanos, int atTime, long lineNo, long drainedRun) {
  static final Checkpoint START = new Checkpoint(0, 0, 0, 0);

  /** The position after one more line stamped {@code time}. */
  Checkpoint next(long time) {
    return new Checkpoint(time, time == timeNanos ? atTime + 1 : 1, lineNo + 1, 0);
  }

  Checkpoint drained(long run) {
    return new Checkpoint(timeNanos, atTime, lineNo, run);
  }

  /** The Engine's {@code since} parameter: seconds.nanoseconds. */
  String since() {
    return (timeNanos / 1_000_000_000L) + "." + String.format("%09d", timeNanos % 1_000_000_000L);
  }
}
