package io.swarmwatch.collector.logs;

import io.swarmwatch.proto.v1.LogBatch;
import io.swarmwatch.proto.v1.LogLine;
import io.swarmwatch.proto.v1.LogSource;
import io.swarmwatch.proto.v1.LogStream;
import io.swarmwatch.proto.v1.SwarmIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded log store: Apache Lucene, one index per hour under {@code SWARMWATCH_DATA_DIR/logs}.
 *
 * <p>A background thread refreshes searchers every {@code refresh} (ingest → searchable), commits
 * every {@code commit} (searchable → durable; the line marks are saved right after), closes writers
 * of hours idle for 15 minutes and applies retention every minute: whole hours older than the
 * retention, or the oldest hours while the total is above the size cap, are deleted.
 *
 * <p>Thread-safe. Only the bookkeeping of an append is serialized (which lines are new, their
 * {@code seq}); its documents are built and indexed by several threads ({@link ParallelIndexer}),
 * and appends from several streams index concurrently. Queries run concurrently with them.
 */
public final class LuceneLogStore implements LogStore {
  private static final Logger log = LoggerFactory.getLogger(LuceneLogStore.class);
  static final long HOUR_NANOS = 3_600_000_000_000L;
  private static final long IDLE_WRITER_NANOS = 15 * 60 * 1_000_000_000L;

  private final LogStoreConfig config;
  private final Clock clock;
  private final Analyzer analyzer = new StandardAnalyzer();
  private final TreeMap<Long, Partition> partitions = new TreeMap<>();
  private final LineMarks marks;
  private final AtomicLong seq = new AtomicLong();
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong expired = new AtomicLong();
  private final ScheduledExecutorService background;
  private final LogSearch search;
  private final ParallelIndexer indexer;
  // Appends share it; the commit takes it exclusively only to copy the line marks (so the copy
  // never marks a line whose document isn't in the writer yet), and closing and dropping an hour
  // take it exclusively.
  private final ReentrantReadWriteLock appendLock = new ReentrantReadWriteLock();
  private final Object commitLock = new Object();
  private volatile boolean closed;

  /**
   * Opens (or creates) the store and starts its background thread.
   *
   * @throws UncheckedIOException if the directory can't be used
   */
  public LuceneLogStore(LogStoreConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    try {
      Files.createDirectories(config.dir());
      try (Stream<Path> dirs = Files.list(config.dir())) {
        for (Path p : dirs.filter(Files::isDirectory).toList()) {
          Long hour = PartitionNames.parse(p.getFileName().toString());
          if (hour != null) {
            Partition part = new Partition(hour, p, analyzer);
            partitions.put(hour, part);
            seq.accumulateAndGet(part.maxSeq(), Math::max);
          }
        }
      }
      this.marks = new LineMarks(config.dir().resolve("line-marks"));
      remark();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open the log store in " + config.dir() + ": " + e.getMessage(), e);
    }
    this.search = new LogSearch(analyzer);
    this.indexer = new ParallelIndexer(Runtime.getRuntime().availableProcessors());
    this.background =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "swarmwatch-logstore");
              t.setDaemon(true);
              return t;
            });
    long refreshMs = config.refresh().toMillis();
    background.scheduleWithFixedDelay(
        () -> guard("refresh", () -> refresh(false)), refreshMs, refreshMs, TimeUnit.MILLISECONDS);
    long commitMs = config.commit().toMillis();
    background.scheduleWithFixedDelay(
        () -> guard("commit", this::commit), commitMs, commitMs, TimeUnit.MILLISECONDS);
    background.scheduleWithFixedDelay(
        () -> guard("retention", this::maintain), 0, 60, TimeUnit.SECONDS);
    log.info(
        "log store at {}: {} hourly partitions, retention {}, max {} bytes",
        config.dir(),
        partitions.size(),
        config.retention(),
        config.maxBytes());
  }

  private interface Task {
    void run() throws IOException;
  }

  private static void guard(String what, Task task) {
    try {
      task.run();
    } catch (IOException | RuntimeException e) {
      log.warn("log store {} failed: {}", what, e.toString());
    }
  }

  public long stored() {
    return stored.get();
  }

  /** Lines dropped because they were stored before (a resend). */
  public long duplicates() {
    return duplicates.get();
  }

  /** Lines dropped because they were older than the retention when they arrived. */
  public long expired() {
    return expired.get();
  }

  @Override
  public List<LogRecord> append(String nodeId, String nodeHostname, LogBatch batch) {
    appendLock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("log store closed");
      }
      List<LogLine> lines = batch.getLinesList();
      // The only serialized part: which lines are new, and their ingest order.
      int[] accepted = new int[lines.size()];
      int count = 0;
      long firstSeq;
      long oldest = clock.millis() * 1_000_000L - config.retention().toNanos();
      synchronized (marks) {
        for (int i = 0; i < lines.size(); i++) {
          LogLine l = lines.get(i);
          if (!marks.mark(l.getContainerId(), l.getLineNo())) {
            duplicates.incrementAndGet();
          } else if (l.getTimeUnixNanos() < oldest) {
            expired.incrementAndGet();
          } else {
            accepted[count++] = i;
          }
        }
        firstSeq = seq.getAndAdd(count) + 1;
      }
      if (count == 0) {
        return List.of();
      }
      Map<String, Source> sources = new ConcurrentHashMap<>();
      for (LogSource s : batch.getSourcesList()) {
        sources.put(s.getContainerId(), new Source(nodeId, nodeHostname, s));
      }
      LogRecord[] out = new LogRecord[count];
      Accepted work = new Accepted(nodeId, nodeHostname, lines, accepted, firstSeq, sources, out);
      try {
        indexer.index(work, count);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write log lines: " + e.getMessage(), e);
      }
      stored.addAndGet(count);
      return Arrays.asList(out);
    } finally {
      appendLock.readLock().unlock();
    }
  }

  /** A container's identity in one batch, as the records and as the documents want it. */
  private record Source(LogSource proto, String nodeId, String nodeHostname, LogDocs.Source doc) {
    Source(String nodeId, String nodeHostname, LogSource s) {
      this(
          s,
          nodeId,
          nodeHostname,
          new LogDocs.Source(
              nodeId,
              nodeHostname,
              s.getSwarm().getServiceName(),
              s.getSwarm().getServiceId(),
              s.getSwarm().getStack(),
              s.getSwarm().getTaskId(),
              s.getSwarm().getSlot(),
              s.getContainerId(),
              s.getContainerName()));
    }
  }

  /** The accepted lines of one batch; {@link #run} builds and indexes a slice of them. */
  private final class Accepted implements ParallelIndexer.Work {
    private final List<LogLine> lines;
    private final int[] accepted;
    private final long firstSeq;
    private final Map<String, Source> sources;
    private final LogRecord[] out;
    private final String nodeId;
    private final String nodeHostname;

    Accepted(
        String nodeId,
        String nodeHostname,
        List<LogLine> lines,
        int[] accepted,
        long firstSeq,
        Map<String, Source> sources,
        LogRecord[] out) {
      this.nodeId = nodeId;
      this.nodeHostname = nodeHostname;
      this.lines = lines;
      this.accepted = accepted;
      this.firstSeq = firstSeq;
      this.sources = sources;
      this.out = out;
    }

    @Override
    public void run(int from, int to) throws IOException {
      Map<Long, List<Document>> byHour = new TreeMap<>();
      long lastHour = Long.MIN_VALUE;
      List<Document> docs = null;
      for (int k = from; k < to; k++) {
        LogLine l = lines.get(accepted[k]);
        Source s = sources.get(l.getContainerId());
        if (s == null) {
          s = unknown(l.getContainerId());
        }
        SwarmIdentity id = s.proto().getSwarm();
        LogRecord r =
            new LogRecord(
                l.getTimeUnixNanos(),
                firstSeq + k,
                s.nodeId(),
                s.nodeHostname(),
                id.getServiceName(),
                id.getServiceId(),
                id.getStack(),
                id.getTaskId(),
                id.getSlot(),
                l.getContainerId(),
                s.proto().getContainerName(),
                l.getStream() == LogStream.STDERR ? "stderr" : "stdout",
                l.getLine().toString(StandardCharsets.UTF_8),
                l.getTruncated());
        out[k] = r;
        long hour = Math.floorDiv(r.timeNanos(), HOUR_NANOS);
        if (hour != lastHour) {
          docs = byHour.computeIfAbsent(hour, h -> new ArrayList<>(to - from));
          lastHour = hour;
        }
        docs.add(
            LogDocs.toDocument(r, s.doc(), new BytesRef(l.getLine().toByteArray()), l.getLineNo()));
      }
      for (var e : byHour.entrySet()) {
        partition(e.getKey()).add(e.getValue(), System.nanoTime());
      }
    }

    // A line whose container the batch didn't describe: stored with no identity, as before.
    private Source unknown(String containerId) {
      return sources.computeIfAbsent(
          containerId,
          c -> new Source(nodeId, nodeHostname, LogSource.newBuilder().setContainerId(c).build()));
    }
  }

  /**
   * Marks the lines the index holds but the loaded marks don't: those a commit took in after its
   * marks were copied (appends go on during a commit), when the collector died before the next
   * save. Without this, the agent (never acknowledged for them) sends them again and they are
   * stored twice. They are exactly the documents numbered above the saved marks' {@code seq}.
   */
  private void remark() throws IOException {
    long after = marks.savedSeq();
    long found = 0;
    for (Partition p : partitions.values()) {
      if (p.maxSeq() <= after) {
        continue;
      }
      Partition.Lease l = p.acquire();
      if (l == null) {
        continue;
      }
      try (l) {
        IndexSearcher searcher = l.searcher();
        Query q = LongPoint.newRangeQuery(LogDocs.SEQ, after + 1, Long.MAX_VALUE);
        int n = searcher.count(q);
        if (n == 0) {
          continue;
        }
        StoredFields fields = searcher.getIndexReader().storedFields();
        Set<String> wanted = Set.of(LogDocs.CONTAINER, LogDocs.LINE_NO);
        for (ScoreDoc hit : searcher.search(q, n).scoreDocs) {
          Document d = fields.document(hit.doc, wanted);
          IndexableField no = d.getField(LogDocs.LINE_NO);
          String container = LogDocs.str(d, LogDocs.CONTAINER);
          if (no != null && !container.isEmpty()) {
            marks.mark(container, no.numericValue().longValue());
            found++;
          }
        }
      }
    }
    if (found > 0) {
      log.info("log store: marked {} lines committed after the last line-marks save", found);
    }
  }

  private Partition partition(long hour) throws IOException {
    synchronized (partitions) {
      Partition p = partitions.get(hour);
      if (p == null) {
        p = new Partition(hour, config.dir().resolve(PartitionNames.format(hour)), analyzer);
        partitions.put(hour, p);
      }
      return p;
    }
  }

  private List<Partition> partitions(long sinceNanos, long untilNanos) {
    long from =
        sinceNanos == Long.MIN_VALUE ? Long.MIN_VALUE : Math.floorDiv(sinceNanos, HOUR_NANOS);
    long to =
        untilNanos == Long.MAX_VALUE ? Long.MAX_VALUE : Math.floorDiv(untilNanos - 1, HOUR_NANOS);
    synchronized (partitions) {
      if (from > to) {
        return List.of();
      }
      return new ArrayList<>(partitions.subMap(from, true, to, true).values());
    }
  }

  @Override
  public LogPage query(LogQuery q) {
    try {
      return search.run(partitions(q.sinceNanos(), q.untilNanos()), q);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot search the log store: " + e.getMessage(), e);
    }
  }

  @Override
  public void refresh() {
    try {
      refresh(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void refresh(boolean force) throws IOException {
    for (Partition p : partitions(Long.MIN_VALUE, Long.MAX_VALUE)) {
      p.refresh(force);
    }
  }

  private void commit() throws IOException {
    commit(false);
  }

  private void commit(boolean closing) throws IOException {
    synchronized (commitLock) {
      String marked;
      appendLock.writeLock().lock();
      try {
        if (closed && !closing) {
          return;
        }
        marked = marks.snapshot(seq.get());
      } finally {
        appendLock.writeLock().unlock();
      }
      for (Partition p : partitions(Long.MIN_VALUE, Long.MAX_VALUE)) {
        p.commit();
      }
      // After the lines, so the saved marks never claim a line the index lacks. Appends run on
      // meanwhile and the commit may take some of them in: their marks wait for the next save, and
      // if a crash comes first, remark() finds them in the index by their seq.
      marks.save(marked);
    }
  }

  @Override
  public void sync() {
    try {
      commit();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("log store commit failed: " + e.getMessage(), e);
    }
  }

  /** Closes idle writers and applies retention. */
  void maintain() throws IOException {
    long now = System.nanoTime();
    for (Partition p : partitions(Long.MIN_VALUE, Long.MAX_VALUE)) {
      p.closeWriterIfIdle(now, IDLE_WRITER_NANOS);
    }
    long nowHour = Math.floorDiv(clock.millis() * 1_000_000L, HOUR_NANOS);
    long cutoff = clock.millis() * 1_000_000L - config.retention().toNanos();
    List<Partition> all = partitions(Long.MIN_VALUE, Long.MAX_VALUE);
    long total = 0;
    for (Partition p : all) {
      total += p.sizeBytes();
    }
    for (Partition p : all) {
      boolean old = (p.hour + 1) * HOUR_NANOS <= cutoff;
      boolean tooBig = total > config.maxBytes() && p.hour < nowHour;
      if (!old && !tooBig) {
        break; // sorted oldest first: the rest are newer
      }
      long size = p.sizeBytes();
      drop(
          p,
          old ? "older than " + config.retention() : "store above " + config.maxBytes() + " bytes");
      total -= size;
    }
  }

  private void drop(Partition p, String why) throws IOException {
    appendLock.writeLock().lock();
    try {
      synchronized (partitions) {
        partitions.remove(p.hour);
      }
      p.close();
    } finally {
      appendLock.writeLock().unlock();
    }
    try (Stream<Path> files = Files.walk(p.path)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
    log.info("log store: dropped hour {} ({})", PartitionNames.format(p.hour), why);
  }

  /** Hours currently kept, oldest first (for tests and metrics). */
  List<String> hours() {
    return partitions(Long.MIN_VALUE, Long.MAX_VALUE).stream()
        .map(p -> PartitionNames.format(p.hour))
        .toList();
  }

  Optional<Partition> partitionAt(long hour) {
    synchronized (partitions) {
      return Optional.ofNullable(partitions.get(hour));
    }
  }

  /** Idempotent: commits and closes every partition. */
  @Override
  public void close() {
    // Never interrupt: an interrupted thread inside Lucene's file I/O closes the channel under it
    // (NIO), which invalidates the index's write lock for good.
    background.shutdown();
    try {
      background.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    appendLock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true; // appends fail from here
    } finally {
      appendLock.writeLock().unlock();
    }
    indexer.close();
    try {
      commit(true);
    } catch (IOException e) {
      log.warn("log store: last commit failed: {}", e.toString());
    }
    for (Partition p : partitions(Long.MIN_VALUE, Long.MAX_VALUE)) {
      try {
        p.close();
      } catch (IOException e) {
        log.warn("log store: closing {} failed: {}", p.path, e.toString());
      }
    }
  }
}
