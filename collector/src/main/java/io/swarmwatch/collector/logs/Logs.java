package io.swarmwatch.collector.logs;

import io.swarmwatch.proto.v1.LogBatch;
import java.util.List;

/**
 * The collector's log feature as ingest sees it: store a batch, then tell live followers. One
 * instance per collector.
 */
public final class Logs implements AutoCloseable {
  private final LogStore store;
  private final LogTail tail;

  public Logs(LogStore store, LogTail tail) {
    this.store = store;
    this.tail = tail;
  }

  /** Stores an agent's batch (duplicates dropped) and publishes the new lines to followers. */
  public int ingest(String nodeId, String nodeHostname, LogBatch batch) {
    List<LogRecord> stored = store.append(nodeId, nodeHostname, batch);
    tail.publish(stored);
    return stored.size();
  }

  public LogStore store() {
    return store;
  }

  public LogTail tail() {
    return tail;
  }

  /** Idempotent. */
  @Override
  public void close() {
    tail.close();
    store.close();
  }
}
