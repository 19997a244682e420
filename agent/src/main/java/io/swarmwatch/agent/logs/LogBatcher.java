package io.swarmwatch.agent.logs;

import com.google.protobuf.ByteString;
import io.swarmwatch.proto.v1.LogBatch;
import io.swarmwatch.proto.v1.LogLine;
import io.swarmwatch.proto.v1.LogSource;
import io.swarmwatch.proto.v1.LogStream;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Cuts lines into {@link LogBatch}es (by lines, bytes or age) and keeps the batches in flight, in
 * order, until acknowledged. Checkpoints advance only over the acknowledged prefix: a batch
 * acknowledged before an older one waits for it, so a restart never skips an unacknowledged line.
 *
 * <p>Thread contract: everything runs on the log reader's thread, except the ack callbacks, which
 * only set a flag and wake that thread.
 */
final class LogBatcher {
  private final LogsConfig config;
  private final LogSink sink;
  private final Runnable wakeUp;
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private LogBatch.Builder current = LogBatch.newBuilder();
  private Map<String, Checkpoint> currentEnds = new HashMap<>();
  private final Set<String> currentSources = new HashSet<>();
  private int currentBytes;
  private long openedAtNanos;
  private long inFlightBytes;
  private volatile long batches;
  private volatile long lines;
  private volatile long bytes;

  private static final class InFlight {
    final Map<String, Checkpoint> ends;
    final int bytes;
    volatile boolean acked;

    InFlight(Map<String, Checkpoint> ends, int bytes) {
      this.ends = ends;
      this.bytes = bytes;
    }
  }

  LogBatcher(LogsConfig config, LogSink sink, Runnable wakeUp) {
    this.config = config;
    this.sink = sink;
    this.wakeUp = wakeUp;
  }

  /** Adds one line; {@code position} is the container's checkpoint once this line is delivered. */
  void add(
      LogSource source,
      long timeNanos,
      int stream,
      byte[] b,
      int off,
      int len,
      boolean truncated,
      Checkpoint position,
      long nowNanos) {
    String id = source.getContainerId();
    if (current.getLinesCount() == 0) {
      openedAtNanos = nowNanos;
    }
    if (currentSources.add(id)) {
      current.addSources(source);
    }
    current.addLines(
        LogLine.newBuilder()
            .setTimeUnixNanos(timeNanos)
            .setContainerId(id)
            .setStream(stream == 2 ? LogStream.STDERR : LogStream.STDOUT)
            .setLine(ByteString.copyFrom(b, off, len))
            .setTruncated(truncated)
            .setLineNo(position.lineNo()));
    currentEnds.put(id, position);
    currentBytes += len + id.length() + 24;
    lines++;
    bytes += len;
    if (current.getLinesCount() >= config.batchLines() || currentBytes >= config.batchBytes()) {
      flush();
    }
  }

  /** Sends the open batch if it is older than the batch delay. */
  void flushIfDue(long nowNanos) {
    if (current.getLinesCount() > 0 && nowNanos - openedAtNanos >= config.batchDelay().toNanos()) {
      flush();
    }
  }

  void flush() {
    if (current.getLinesCount() == 0) {
      return;
    }
    InFlight f = new InFlight(currentEnds, currentBytes);
    inFlight.addLast(f);
    inFlightBytes += f.bytes;
    batches++;
    LogBatch batch = current.build();
    current = LogBatch.newBuilder();
    currentEnds = new HashMap<>();
    currentSources.clear();
    currentBytes = 0;
    sink.submit(
        batch,
        () -> {
          f.acked = true;
          wakeUp.run();
        });
  }

  /** Hands the checkpoints of the acknowledged prefix to {@code advance}, oldest first. */
  void drainAcks(BiConsumer<String, Checkpoint> advance) {
    while (!inFlight.isEmpty() && inFlight.peekFirst().acked) {
      InFlight f = inFlight.pollFirst();
      inFlightBytes -= f.bytes;
      f.ends.forEach(advance);
    }
  }

  /** Lines read but not yet acknowledged, in bytes (the open batch included). */
  long pendingBytes() {
    return inFlightBytes + currentBytes;
  }

  /** True when nothing read is waiting for an ack, for {@code containerId} or at all. */
  boolean idle() {
    return inFlight.isEmpty() && current.getLinesCount() == 0;
  }

  long batches() {
    return batches;
  }

  long lines() {
    return lines;
  }

  long bytes() {
    return bytes;
  }
}
