package io.swarmwatch.agent.ship;

import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.SpoolDrops;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every message not yet acknowledged by the collector, on disk: append-only {@link Segment} files
 * in {@link SpoolConfig#dir()}, read back in order by the {@link Shipper}, deleted once the
 * collector acknowledged all of a segment.
 *
 * <p>Sequence: {@link #put} assigns the next seq of the durable stream ({@link SpoolState}), so a
 * restarted agent continues the same sequence space and resends what was not acknowledged with its
 * original seq; the collector drops what it already holds.
 *
 * <p>Durability: records are written (to the page cache) when put, and forced to disk every {@link
 * SpoolConfig#fsyncInterval()} by a background thread. A process killed with {@code kill -9} loses
 * nothing that was put (the kernel has it); a kernel crash or power loss can lose the last interval
 * of messages. {@link #put(AgentMessage, Runnable)} runs its callback only once the record is
 * forced: log checkpoints advance only then, so the lines of a lost tail are read again from the
 * Engine. A record torn by a crash is cut off when the spool is opened.
 *
 * <p>Bound: past {@link SpoolConfig#maxBytes()} the oldest closed segments are rewritten without
 * their log batches, then without their samples; events, container states and snapshots are never
 * dropped (so the bound can be overshot by them alone). Drops are counted, persisted and sent to
 * the collector as a {@link SpoolDrops} message.
 *
 * <p>A write that fails (the disk is full) loses nothing at first: the torn record is cut off, the
 * message and every later one wait in memory ({@link HeldMessages}, bounded by {@link
 * SpoolConfig#memoryBytes()}, dropping log batches first, then samples, when that is full), and the
 * write is retried with backoff until it succeeds. Log batches held count as not yet durable, so
 * the log reader stops at its in-flight bound and resumes when the disk does. One log line when
 * writing stops, one when it resumes.
 *
 * <p>Thread-safe: one lock around files and cursor; fsync runs outside it.
 */
public final class Spool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Spool.class);

  private final SpoolConfig config;
  private final SpoolState state;
  private final List<Segment> segments = new ArrayList<>();
  private final Thread syncer;
  private FileChannel writer;
  private long nextSeq;
  private long total;

  // Durability: byte counts since open; callbacks waiting for their record to be forced, in order
  // (log batches only: as many as the log reader's in-flight bound lets through).
  private long written;
  private long synced;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

  // Reader (the shipper): last seq handed out, where the next record is.
  private long cursor;
  private Segment readSeg;
  private FileChannel readCh;
  private long readPos;
  private long gen;
  private long readGen = -1;

  private long acked;
  private boolean streaming;
  private long writeErrors;
  private boolean closed;

  // Messages waiting for the disk (see the class comment); when the next write is tried.
  private final HeldMessages held;
  private long retryAt;
  private long retryDelay;
  private boolean heldDropped;
  static final long RETRY_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  static final long RETRY_MAX_NANOS = TimeUnit.SECONDS.toNanos(5);

  private record Waiter(long end, long seq, Runnable durable) {}

  private Spool(SpoolConfig config) throws IOException {
    this.config = config;
    this.held = new HeldMessages(config.memoryBytes());
    Files.createDirectories(config.dir());
    try (Stream<Path> tmp = Files.list(config.dir())) {
      for (Path p : tmp.filter(p -> p.toString().endsWith(".tmp")).toList()) {
        Files.delete(p);
      }
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(config.dir())) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
    }
    this.state = SpoolState.open(config.dir(), !files.isEmpty());
    long last = 0;
    for (Path p : files) {
      Segment s = Segment.recover(p, last);
      if (s != null) {
        segments.add(s);
        last = Math.max(last, s.lastSeq);
      }
    }
    nextSeq = Math.max(1, last + 1);
    if (!segments.isEmpty()) {
      nextSeq = Math.max(nextSeq, segments.get(segments.size() - 1).firstSeq);
    }
    // Seqs up to the reserved mark may have left from the page cache before a crash cut them off.
    nextSeq = Math.max(nextSeq, state.reserved());
    state.reserveFrom(nextSeq);
    if (segments.isEmpty()) {
      newSegment();
    } else {
      Segment active = segments.get(segments.size() - 1);
      writer = FileChannel.open(active.path, StandardOpenOption.WRITE);
      writer.position(active.size);
    }
    for (Segment s : segments) {
      total += s.size;
    }
    this.syncer = new Thread(this::syncLoop, "swarmwatch-spool-sync");
    syncer.setDaemon(true);
    syncer.start();
  }

  /**
   * Opens (creating if needed) the spool, cutting off torn records.
   *
   * @throws UncheckedIOException if the directory can't be created, read or written
   */
  public static Spool open(SpoolConfig config) {
    try {
      return new Spool(config);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open the spool in " + config.dir() + ": " + e.getMessage(), e);
    }
  }

  /** This agent's stream identity (created once, kept in the spool directory). */
  public String streamId() {
    return state.streamId();
  }

  /** The seq the next message put will get. */
  public synchronized long nextSeq() {
    return nextSeq;
  }

  /** Appends a message; it is forced to disk within the fsync interval. Never blocks for long. */
  public void put(AgentMessage message) {
    put(message, null);
  }

  /**
   * Appends a message and runs {@code durable} once it is on disk and, while a stream is up (see
   * {@link #streaming}), handed to it (on the spool's sync thread or the shipper's). If the write
   * fails (disk full), the message waits in memory until a retry writes it (see the class comment);
   * {@code durable} runs then, or when the memory bound drops it (counted in {@link #drops}).
   */
  public void put(AgentMessage message, Runnable durable) {
    List<Runnable> released = List.of();
    synchronized (this) {
      if (closed) {
        return;
      }
      if (!held.isEmpty()) {
        // Order: nothing overtakes what is waiting for the disk.
        released = hold(message, durable);
      } else {
        try {
          append(message, durable);
        } catch (IOException e) {
          writeFailed(e);
          released = hold(message, durable);
        }
      }
      if (held.isEmpty() && total > config.maxBytes()) {
        try {
          enforceBound();
        } catch (IOException e) {
          log.warn("spool: cannot make room in {}: {}", config.dir(), e.getMessage());
        }
      }
      notifyAll();
    }
    run(released);
  }

  /**
   * Queues a message the disk did not take; returns the callbacks of log batches the memory bound
   * dropped (run them outside the lock: the log reader goes on, those lines are lost and counted).
   */
  private List<Runnable> hold(AgentMessage message, Runnable durable) {
    List<Runnable> released = new ArrayList<>();
    for (HeldMessages.Held d : held.add(message, durable)) {
      state.dropped(d.message());
      if (!heldDropped) {
        log.warn(
            "spool: {} bytes held in memory while {} cannot be written: dropping the oldest log"
                + " batches, then samples (counted, reported to the collector)",
            config.memoryBytes(),
            config.dir());
      }
      heldDropped = true;
      if (d.durable() != null) {
        released.add(d.durable());
      }
    }
    return released;
  }

  /** A write failed: cut off what it left of its record, log once, schedule a retry. */
  private void writeFailed(IOException e) {
    writeErrors++;
    Segment active = segments.get(segments.size() - 1);
    try {
      if (writer.isOpen()) {
        writer.truncate(active.size);
        writer.position(active.size);
      }
    } catch (IOException t) {
      log.warn("spool: cannot cut off a partly written record: {}", t.getMessage());
    }
    if (held.isEmpty()) {
      log.error(
          "spool at {} cannot be written: {}; holding {} messages in memory, retrying",
          config.dir(),
          e.getMessage(),
          held.size() + 1);
      retryDelay = RETRY_MIN_NANOS;
    } else {
      retryDelay = Math.min(retryDelay * 2, RETRY_MAX_NANOS);
    }
    retryAt = System.nanoTime() + retryDelay;
  }

  /** Writes what is held, in order, as far as the disk takes it. Hold the lock. */
  private void writeHeld() {
    int n = held.size();
    while (!held.isEmpty()) {
      HeldMessages.Held h = held.peek();
      try {
        append(h.message(), h.durable());
      } catch (IOException e) {
        writeFailed(e);
        return;
      }
      held.removeFirst();
    }
    log.info(
        "spool at {} can be written again: wrote the {} messages held in memory", config.dir(), n);
    if (heldDropped) {
      heldDropped = false;
      try {
        state.saveDrops();
        append(AgentMessage.newBuilder().setSpoolDrops(state.drops()).build(), null);
      } catch (IOException e) {
        writeFailed(e);
      }
    }
    notifyAll();
  }

  /** Messages waiting in memory for the disk. */
  public synchronized int held() {
    return held.size();
  }

  private void append(AgentMessage message, Runnable durable) throws IOException {
    Segment active = segments.get(segments.size() - 1);
    if (active.size >= config.segmentBytes()) {
      roll();
      active = segments.get(segments.size() - 1);
    }
    if (nextSeq >= state.reserved()) {
      state.reserveFrom(nextSeq);
    }
    AgentMessage m = message.toBuilder().setSeq(nextSeq).build();
    var buf = Segment.frame(m.toByteArray());
    int len = buf.remaining();
    Segment.writeFully(writer, buf);
    nextSeq++;
    active.counted(m, len);
    total += len;
    written += len;
    if (durable != null) {
      waiters.addLast(new Waiter(written, m.getSeq(), durable));
    }
  }

  /** Forces and closes the active segment and starts the next one. */
  private void roll() throws IOException {
    writer.force(false);
    synced = written;
    FileChannel old = writer;
    newSegment(); // if the disk is full, this throws and the old segment stays the active one
    old.close();
  }

  private void newSegment() throws IOException {
    Path p = config.dir().resolve(Segment.name(nextSeq));
    FileChannel ch =
        FileChannel.open(
            p,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    try {
      Segment.writeFully(ch, Segment.header());
      ch.force(true);
      SpoolState.syncDir(config.dir());
    } catch (IOException e) {
      ch.close();
      Files.deleteIfExists(p);
      throw e;
    }
    writer = ch;
    Segment s = new Segment(nextSeq, p);
    s.size = Segment.HEADER;
    segments.add(s);
    total += Segment.HEADER;
  }

  private void syncLoop() {
    long interval = config.fsyncInterval().toNanos();
    while (true) {
      try {
        synchronized (this) {
          if (closed) {
            return;
          }
          TimeUnit.NANOSECONDS.timedWait(this, interval);
          if (!held.isEmpty() && System.nanoTime() - retryAt >= 0) {
            writeHeld();
          }
        }
        sync();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Forces what was appended and runs the callbacks of the records now on disk. */
  void sync() {
    FileChannel ch;
    long target;
    long already;
    synchronized (this) {
      ch = writer;
      target = written;
      already = synced;
    }
    if (target > already) {
      try {
        ch.force(false);
      } catch (ClosedChannelException e) {
        // Rolled meanwhile: the roll forced it.
      } catch (IOException e) {
        log.error("spool: cannot force {} to disk: {}", config.dir(), e.getMessage());
        return;
      }
    }
    List<Runnable> done;
    synchronized (this) {
      synced = Math.max(synced, target);
      done = releasable();
    }
    run(done);
  }

  /**
   * Callbacks whose record is on disk and, while a stream is up, handed to it: so the log reader
   * runs at most its in-flight bound ahead of what the collector takes (events don't queue behind a
   * log backlog), and fills the spool only while no collector listens. Hold the lock.
   */
  private List<Runnable> releasable() {
    List<Runnable> done = new ArrayList<>();
    while (!waiters.isEmpty()
        && waiters.peekFirst().end() <= synced
        && (!streaming || waiters.peekFirst().seq() <= cursor)) {
      done.add(waiters.pollFirst().durable());
    }
    return done;
  }

  /**
   * Whether a stream to the collector is up (the shipper says): while it is, log batches count as
   * delivered once sent; otherwise once on disk.
   */
  public void streaming(boolean up) {
    List<Runnable> done;
    synchronized (this) {
      streaming = up;
      done = releasable();
    }
    run(done);
  }

  private static void run(List<Runnable> done) {
    for (Runnable r : done) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.warn("spool: a durability callback failed: {}", e.toString());
      }
    }
  }

  /**
   * The next message after the last one handed out (in seq order), waiting up to the timeout; null
   * if none came.
   */
  public AgentMessage next(long timeout, TimeUnit unit) throws InterruptedException {
    AgentMessage m;
    List<Runnable> done;
    synchronized (this) {
      m = nextLocked(timeout, unit);
      done = m != null && m.hasLogs() ? releasable() : List.of();
    }
    run(done);
    return m;
  }

  private AgentMessage nextLocked(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (true) {
      AgentMessage m = readNext();
      if (m != null) {
        cursor = m.getSeq();
        return m;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || closed) {
        return null;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Hand out messages after {@code seq} next (a new stream: the collector holds up to it). */
  public synchronized void rewind(long seq) {
    cursor = seq;
    readGen = -1;
    acked(seq);
  }

  private AgentMessage readNext() {
    try {
      if (readGen != gen || readSeg == null) {
        seek();
      }
      while (readSeg != null) {
        Segment.Read r = Segment.read(readCh, readPos, readSeg.size);
        if (r != null) {
          readPos = r.next();
          if (r.message().getSeq() > cursor) {
            return r.message();
          }
          continue;
        }
        if (readPos < readSeg.size) {
          log.error(
              "spool: unreadable record in {} at byte {}: skipping the rest of the segment",
              readSeg.path.getFileName(),
              readPos);
        }
        int i = segments.indexOf(readSeg);
        if (i < 0 || i == segments.size() - 1) {
          if (i < 0) {
            readGen = -1;
          }
          return null;
        }
        openRead(segments.get(i + 1));
      }
      return null;
    } catch (IOException e) {
      log.error("spool: cannot read {}: {}", config.dir(), e.getMessage());
      readGen = -1;
      return null;
    }
  }

  private void seek() throws IOException {
    readGen = gen;
    Segment target = segments.get(segments.size() - 1);
    for (Segment s : segments) {
      if (s.lastSeq > cursor) {
        target = s;
        break;
      }
    }
    openRead(target);
  }

  private void openRead(Segment s) throws IOException {
    if (readCh != null) {
      readCh.close();
    }
    readSeg = s;
    readCh = s.openRead();
    readPos = Segment.HEADER;
  }

  /** The collector holds every message up to {@code seq}: delete the segments it covers. */
  public synchronized void acked(long seq) {
    if (seq <= acked) {
      return;
    }
    acked = seq;
    while (segments.size() > 1 && segments.get(0).lastSeq <= seq) {
      Segment s = segments.remove(0);
      total -= s.size;
      if (s == readSeg) {
        gen++;
      }
      try {
        Files.deleteIfExists(s.path);
      } catch (IOException e) {
        log.warn("spool: cannot delete acknowledged {}: {}", s.path, e.getMessage());
      }
    }
  }

  private void enforceBound() throws IOException {
    boolean dropped = false;
    for (int attempt = 0; attempt < 2 && total > config.maxBytes(); attempt++) {
      for (boolean logs : new boolean[] {true, false}) {
        for (int i = 0; i < segments.size() - 1 && total > config.maxBytes(); i++) {
          Segment s = segments.get(i);
          if (logs ? s.logRecords > 0 : s.sampleRecords > 0) {
            dropped |= rewrite(i, logs);
          }
        }
      }
      if (total > config.maxBytes() && attempt == 0) {
        // What's left to drop may sit in the active segment: close it, try again.
        roll();
      }
    }
    if (dropped) {
      state.saveDrops();
      append(AgentMessage.newBuilder().setSpoolDrops(state.drops()).build(), null);
      log.warn(
          "spool full ({} bytes): dropped {} log lines ({} batches) and {} samples since the"
              + " stream began",
          config.maxBytes(),
          state.drops().getLogLines(),
          state.drops().getLogBatches(),
          state.drops().getSamples());
    }
  }

  /** Rewrites segment {@code i} without its log batches (or, if not logs, its samples). */
  private boolean rewrite(int i, boolean logs) throws IOException {
    Segment old = segments.get(i);
    Segment s = new Segment(old.firstSeq, old.path);
    Path tmp = old.path.resolveSibling(old.path.getFileName() + ".tmp");
    boolean dropped = false;
    try (FileChannel in = old.openRead();
        FileChannel out =
            FileChannel.open(
                tmp,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
      Segment.writeFully(out, Segment.header());
      s.size = Segment.HEADER;
      long pos = Segment.HEADER;
      Segment.Read r;
      while ((r = Segment.read(in, pos, old.size)) != null) {
        pos = r.next();
        AgentMessage m = r.message();
        if (logs ? m.hasLogs() : Segment.isSample(m)) {
          state.dropped(m);
          dropped = true;
          continue;
        }
        var buf = Segment.frame(m.toByteArray());
        int len = buf.remaining();
        Segment.writeFully(out, buf);
        s.counted(m, len);
      }
      out.force(true);
    }
    s.lastSeq = Math.max(s.lastSeq, old.lastSeq);
    SpoolState.replace(tmp, old.path);
    segments.set(i, s);
    total += s.size - old.size;
    if (old == readSeg) {
      gen++; // the reader's file was replaced: find its place again
    }
    return dropped;
  }

  /** Bytes of the segment files. */
  public synchronized long bytes() {
    return total;
  }

  public synchronized int segments() {
    return segments.size();
  }

  /** Highest seq the collector acknowledged since start. */
  public synchronized long acked() {
    return acked;
  }

  /** Failed writes (disk full, I/O error) since start; the messages wait in memory (see held). */
  public synchronized long writeErrors() {
    return writeErrors;
  }

  /** Cumulative drops of the stream (persisted across restarts). */
  public synchronized SpoolDrops drops() {
    return state.drops();
  }

  /** Idempotent: forces what was appended, runs pending callbacks, closes the files. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      notifyAll();
    }
    try {
      syncer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (!held.isEmpty()) {
        writeHeld();
      }
      if (!held.isEmpty()) {
        log.error(
            "spool: {} messages held in memory are lost at shutdown: {} still cannot be written",
            held.size(),
            config.dir());
        for (HeldMessages.Held h : held.clear()) {
          state.dropped(h.message());
        }
        try {
          state.saveDrops();
        } catch (IOException e) {
          log.warn("spool: cannot save the drop counts: {}", e.getMessage());
        }
      }
    }
    sync();
    synchronized (this) {
      try {
        writer.close();
        if (readCh != null) {
          readCh.close();
        }
      } catch (IOException e) {
        log.warn("spool: closing: {}", e.getMessage());
      }
    }
  }
}
