package io.swarmwatch.collector.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.NumericUtils;

/**
 * One hour of log lines: its own Lucene index in its own directory ({@code yyyyMMddHH}, UTC), so
 * retention deletes a whole directory. The writer stays open while lines arrive and is closed
 * (committed) when the hour has been idle a while; searches go through a {@link SearcherManager}
 * over the writer (near-real-time) or over the directory.
 *
 * <p>Thread-safe: adds, commits and refreshes run concurrently; opening and closing the writer
 * excludes them; searchers are reference-counted.
 */
final class Partition implements AutoCloseable {
  final long hour;
  final Path path;
  private final FSDirectory dir;
  private final Analyzer analyzer;
  // Writes (add, commit, refresh) share the read lock, so several threads index at once (the
  // IndexWriter is thread-safe and builds one in-memory segment per thread); opening and closing
  // the writer and searchers takes the write lock.
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private IndexWriter writer;
  private SearcherManager manager;
  private volatile long lastWriteNanos;
  private final AtomicBoolean changed = new AtomicBoolean();
  private final AtomicBoolean uncommitted = new AtomicBoolean();

  Partition(long hour, Path path, Analyzer analyzer) throws IOException {
    this.hour = hour;
    this.path = path;
    this.analyzer = analyzer;
    Files.createDirectories(path);
    this.dir = FSDirectory.open(path);
    if (DirectoryReader.indexExists(dir)) {
      manager = new SearcherManager(dir, null);
    }
  }

  /**
   * Indexes {@code docs}; safe to call from several threads at once.
   *
   * @throws org.apache.lucene.store.AlreadyClosedException if the partition was closed (dropped)
   */
  void add(List<Document> docs, long nowNanos) throws IOException {
    lock.readLock().lock();
    try {
      IndexWriter w = writer;
      if (w == null) {
        lock.readLock().unlock();
        lock.writeLock().lock();
        try {
          w = openWriter();
        } finally {
          lock.readLock().lock(); // downgrade: closing waits for this add
          lock.writeLock().unlock();
        }
      }
      w.addDocuments(docs);
      lastWriteNanos = nowNanos;
      uncommitted.set(true);
      changed.set(true);
    } finally {
      lock.readLock().unlock();
    }
  }

  private IndexWriter openWriter() throws IOException {
    if (writer == null) {
      IndexWriterConfig cfg = new IndexWriterConfig(analyzer);
      cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
      // Flushes come from the near-real-time refresh long before this fills; it only bounds a
      // burst between two refreshes.
      cfg.setRAMBufferSizeMB(64);
      cfg.setCommitOnClose(true);
      writer = new IndexWriter(dir, cfg);
      SearcherManager old = manager;
      manager = new SearcherManager(writer, null);
      if (old != null) {
        old.close();
      }
    }
    return writer;
  }

  /**
   * Makes added lines searchable. {@code force}: even if another thread's refresh is under way (it
   * waits for it); otherwise only when lines were added since the last refresh.
   */
  void refresh(boolean force) throws IOException {
    // Cleared before the refresh: a line added while it runs sets it again for the next one.
    if (!changed.getAndSet(false) && !force) {
      return;
    }
    lock.readLock().lock();
    try {
      if (manager != null) {
        manager.maybeRefreshBlocking();
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Makes durable at least every line whose {@link #add} returned before this was called. */
  void commit() throws IOException {
    lock.readLock().lock();
    try {
      if (writer != null && uncommitted.getAndSet(false)) {
        try {
          writer.commit();
        } catch (IOException | RuntimeException e) {
          uncommitted.set(true);
          throw e;
        }
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Closes the writer after {@code idleNanos} without writes (it reopens on the next line). */
  void closeWriterIfIdle(long nowNanos, long idleNanos) throws IOException {
    lock.writeLock().lock();
    try {
      if (writer != null && nowNanos - lastWriteNanos > idleNanos) {
        if (manager != null) {
          manager.maybeRefreshBlocking();
        }
        changed.set(false);
        writer.close();
        writer = null;
        uncommitted.set(false);
        SearcherManager old = manager;
        manager = new SearcherManager(dir, null);
        old.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** A searcher and the manager to give it back to; null when the partition has no index yet. */
  Lease acquire() throws IOException {
    lock.readLock().lock();
    try {
      if (manager == null) {
        return null;
      }
      SearcherManager m = manager;
      return new Lease(m, m.acquire());
    } finally {
      lock.readLock().unlock();
    }
  }

  record Lease(SearcherManager manager, IndexSearcher searcher) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      manager.release(searcher);
    }
  }

  /** The highest {@code seq} stored, 0 when empty. */
  long maxSeq() throws IOException {
    Lease l = acquire();
    if (l == null) {
      return 0;
    }
    try (l) {
      long max = 0;
      for (LeafReaderContext leaf : l.searcher().getIndexReader().leaves()) {
        PointValues pv = leaf.reader().getPointValues(LogDocs.SEQ);
        if (pv != null) {
          max = Math.max(max, NumericUtils.sortableBytesToLong(pv.getMaxPackedValue(), 0));
        }
      }
      return max;
    }
  }

  long sizeBytes() throws IOException {
    try (Stream<Path> files = Files.list(path)) {
      return files
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0; // merged away meanwhile
                }
              })
          .sum();
    }
  }

  @Override
  public void close() throws IOException {
    lock.writeLock().lock();
    try {
      if (writer != null) {
        writer.close();
        writer = null;
      }
      if (manager != null) {
        manager.close();
        manager = null;
      }
      dir.close();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
