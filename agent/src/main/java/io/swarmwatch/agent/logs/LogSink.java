package io.swarmwatch.agent.logs;

import io.swarmwatch.proto.v1.LogBatch;

/**
 * Where log batches go: the collector, through whatever delivers agent messages (the in-memory
 * outbox today, the on-disk spool later). Only {@code acked} moves the checkpoints, so an
 * implementation must call it only once the collector has applied the batch, and must keep
 * (re)trying a batch until then.
 */
public interface LogSink {
  /**
   * Takes a batch for delivery; must not block for long.
   *
   * @param acked run once, on any thread, when the collector has applied the batch
   */
  void submit(LogBatch batch, Runnable acked);

  /** Called now and then by the log reader's thread: a chance to retry what went missing. */
  default void check() {}
}
