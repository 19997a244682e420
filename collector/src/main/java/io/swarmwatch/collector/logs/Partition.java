package io.swarmwatch.collector.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * <p>Thread-safe: writes and the writer's life are synchronized; searchers are reference-counted.
 */
final class Partition implements AutoCloseable {
  final long hour;
  final Path path;
  private final FSDirectory dir;
  private final Analyzer analyzer;
  private IndexWriter writer;
  private SearcherManager manager;
  private long lastWriteNanos;
  private boolean changed;
  private boolean uncommitted;

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

  synchronized void add(Iterable<Document> docs, long nowNanos) throws IOException {
    if (writer == null) {
      IndexWriterConfig cfg = new IndexWriterConfig(analyzer);
      cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
      cfg.setRAMBufferSizeMB(32);
      cfg.setCommitOnClose(true);
      writer = new IndexWriter(dir, cfg);
      SearcherManager old = manager;
      manager = new SearcherManager(writer, null);
      if (old != null) {
        old.close();
      }
    }
    writer.addDocuments(docs);
    lastWriteNanos = nowNanos;
    changed = true;
    uncommitted = true;
  }

  /**
   * Makes added lines searchable. {@code force}: even if another thread's refresh is under way (it
   * waits for it); otherwise only when lines were added since the last refresh.
   */
  void refresh(boolean force) throws IOException {
    SearcherManager m;
    synchronized (this) {
      if (!changed && !force) {
        return;
      }
      changed = false;
      m = manager;
    }
    if (m != null) {
      m.maybeRefreshBlocking();
    }
  }

  synchronized void commit() throws IOException {
    if (writer != null && uncommitted) {
      writer.commit();
      uncommitted = false;
    }
  }

  /** Closes the writer after {@code idleNanos} without writes (it reopens on the next line). */
  synchronized void closeWriterIfIdle(long nowNanos, long idleNanos) throws IOException {
    if (writer != null && nowNanos - lastWriteNanos > idleNanos) {
      refreshLocked();
      writer.close();
      writer = null;
      uncommitted = false;
      SearcherManager old = manager;
      manager = new SearcherManager(dir, null);
      old.close();
    }
  }

  private void refreshLocked() throws IOException {
    if (manager != null) {
      manager.maybeRefreshBlocking();
    }
    changed = false;
  }

  /** A searcher and the manager to give it back to; null when the partition has no index yet. */
  synchronized Lease acquire() throws IOException {
    if (manager == null) {
      return null;
    }
    SearcherManager m = manager;
    return new Lease(m, m.acquire());
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
  public synchronized void close() throws IOException {
    if (writer != null) {
      writer.close();
      writer = null;
    }
    if (manager != null) {
      manager.close();
      manager = null;
    }
    dir.close();
  }
}
