package io.swarmwatch.collector.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per agent stream ({@code Hello.stream_id}): the highest seq applied, and the highest seq durable
 * — applied, with everything it wrote (log lines) committed, and the mark itself on disk. Acks name
 * the durable mark only, so an agent never forgets a message a collector crash could lose; after a
 * restart, messages at or below the durable mark are dropped as redeliveries.
 *
 * <p>File: {@code high-water-marks} in {@link IngestConfig#dir()}, one line {@code <streamId> <seq>
 * <lastAdvancedUnixMillis>} per stream, rewritten whole to a temporary file, forced, renamed over
 * the old one. Streams idle for {@link #FORGET_AFTER} are left out (an agent whose spool was wiped
 * starts a new stream id).
 *
 * <p>Making durable is batched: every {@link IngestConfig#ackInterval()} the {@code commit} hook
 * (the log store's) runs, then the file is written, then listeners hear the new durable marks. An
 * in-memory instance (no directory) treats applied as durable at once, for tests and tools.
 *
 * <p>Thread-safe. Apply and check happen under the stream's {@link Mark} lock, so two sessions of
 * one stream (a reconnect racing the old one's end) never apply the same seq twice.
 */
public final class HighWaterMarks implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HighWaterMarks.class);
  static final String FILE = "high-water-marks";
  static final Duration FORGET_AFTER = Duration.ofDays(30);

  private final Path file;
  private final Runnable commit;
  private final Clock clock;
  private final Map<String, Mark> marks = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile long failures;

  /** One stream's marks; lock it around check-and-apply. */
  public static final class Mark {
    private long applied;
    private volatile long durable;
    private volatile long advancedMillis;

    /** Highest seq applied (durable or not). Hold the lock. */
    public long applied() {
      return applied;
    }

    /** Records that {@code seq} was applied. Hold the lock. */
    public void applied(long seq) {
      applied = Math.max(applied, seq);
    }

    public long durable() {
      return durable;
    }
  }

  private record Listener(String streamId, LongConsumer durable) {}

  private HighWaterMarks(Path file, Runnable commit, Duration interval, Clock clock) {
    this.file = file;
    this.commit = commit;
    this.clock = clock;
    if (file == null) {
      this.thread = null;
      return;
    }
    this.thread =
        new Thread(
            () -> {
              try {
                while (!stop.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                  flush();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "swarmwatch-ingest-durable");
    thread.setDaemon(true);
  }

  /** Applied is durable at once: nothing survives a restart. */
  public static HighWaterMarks inMemory() {
    return new HighWaterMarks(null, () -> {}, Duration.ZERO, Clock.systemUTC());
  }

  /**
   * Loads the marks and starts making new ones durable every {@code config.ackInterval()}.
   *
   * @param commit makes everything applied so far durable elsewhere (the log store's commit); may
   *     throw, and then nothing new is acknowledged until it succeeds
   * @throws UncheckedIOException if the directory can't be created or the file can't be read
   */
  public static HighWaterMarks open(IngestConfig config, Runnable commit, Clock clock) {
    Path file = config.dir().resolve(FILE);
    HighWaterMarks h = new HighWaterMarks(file, commit, config.ackInterval(), clock);
    try {
      Files.createDirectories(config.dir());
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          String[] f = line.trim().split(" ");
          if (f.length != 3) {
            continue;
          }
          Mark m = new Mark();
          m.applied = Long.parseLong(f[1]);
          m.durable = m.applied;
          m.advancedMillis = Long.parseLong(f[2]);
          h.marks.put(f[0], m);
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw new UncheckedIOException(
          new IOException("cannot read " + file + ": " + e.getMessage(), e));
    }
    h.thread.start();
    return h;
  }

  /** The marks of a stream (created at 0 for a new one). */
  public Mark mark(String streamId) {
    return marks.computeIfAbsent(streamId, k -> new Mark());
  }

  /**
   * After {@code applied}: in memory, tells the stream's listeners at once; on disk, at the next
   * flush.
   */
  public void advanced(String streamId, Mark m) {
    m.advancedMillis = clock.millis();
    if (file == null) {
      long d;
      synchronized (m) {
        d = m.applied;
      }
      m.durable = d;
      tell(streamId, d);
    }
  }

  /** {@code durable} hears the stream's durable mark each time it advances (any thread). */
  public Runnable listen(String streamId, LongConsumer durable) {
    Listener l = new Listener(streamId, durable);
    listeners.add(l);
    return () -> listeners.remove(l);
  }

  /** Times the commit hook or the file write failed since start. */
  public long failures() {
    return failures;
  }

  /** Commits and writes what was applied so far; tells listeners. One caller at a time. */
  synchronized void flush() {
    Map<String, Long> target = new HashMap<>();
    boolean any = false;
    for (var e : marks.entrySet()) {
      Mark m = e.getValue();
      long a;
      synchronized (m) {
        a = m.applied;
      }
      target.put(e.getKey(), a);
      any |= a > m.durable;
    }
    if (!any) {
      return;
    }
    try {
      // First what the applied messages wrote, then the marks: a crash between the two only
      // makes the agent resend what is already stored, which is then dropped as a duplicate.
      commit.run();
      write(target);
    } catch (IOException | RuntimeException e) {
      failures++;
      log.error(
          "cannot make ingested data durable ({}): acknowledgements wait until it works",
          e.getMessage());
      return;
    }
    List<Map.Entry<String, Long>> advanced = new ArrayList<>();
    for (var e : target.entrySet()) {
      Mark m = marks.get(e.getKey());
      if (e.getValue() > m.durable) {
        m.durable = e.getValue();
        advanced.add(e);
      }
    }
    for (var e : advanced) {
      tell(e.getKey(), e.getValue());
    }
  }

  private void tell(String streamId, long durable) {
    for (Listener l : listeners) {
      if (l.streamId().equals(streamId)) {
        try {
          l.durable().accept(durable);
        } catch (RuntimeException e) {
          log.debug("ack listener of {}: {}", streamId, e.toString());
        }
      }
    }
  }

  private void write(Map<String, Long> target) throws IOException {
    long forget = clock.millis() - FORGET_AFTER.toMillis();
    StringBuilder sb = new StringBuilder(target.size() * 80);
    target.forEach(
        (id, seq) -> {
          long at = marks.get(id).advancedMillis;
          if (at >= forget) {
            sb.append(id).append(' ').append(seq).append(' ').append(at).append('\n');
          }
        });
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      log.debug("cannot fsync {}: {}", file.getParent(), e.toString());
    }
  }

  /** Idempotent: stops the background flush after a last one. */
  @Override
  public void close() {
    if (closed || thread == null) {
      closed = true;
      return;
    }
    closed = true;
    // Never interrupt: an interrupt inside Lucene's commit closes the index's files for good.
    stop.countDown();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
