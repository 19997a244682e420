package io.swarmwatch.collector.logs;

import io.swarmwatch.proto.v1.LogBatch;
import java.util.List;

/**
 * Where log lines are kept and searched. The embedded implementation is {@link LuceneLogStore}; a
 * large cluster could put a client of an existing log store behind this interface.
 */
public interface LogStore extends AutoCloseable {
  /**
   * Stores an agent's batch; lines already stored (the same container and line number, sent again
   * after a lost acknowledgement) are skipped.
   *
   * @return the lines stored, in batch order
   */
  List<LogRecord> append(String nodeId, String nodeHostname, LogBatch batch);

  LogPage query(LogQuery query);

  /** Makes everything appended so far visible to {@link #query}. */
  void refresh();

  /**
   * Makes everything appended so far durable (the lines and what detects their resends); returns
   * once it is. Ingest acknowledges agents only after this.
   *
   * @throws java.io.UncheckedIOException if it could not
   */
  default void sync() {}

  @Override
  void close();
}
