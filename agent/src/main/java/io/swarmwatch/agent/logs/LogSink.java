package io.swarmwatch.agent.logs;

import io.swarmwatch.proto.v1.LogBatch;

/**
 * Where log batches go: the collector, through the agent's on-disk spool. Only {@code acked} moves
 * the checkpoints, so an implementation must call it only once the batch is durable (forced to disk
 * in the spool, or applied by the collector), and must deliver it from there.
 */
public interface LogSink {
  /**
   * Takes a batch for delivery; must not block for long.
   *
   * @param acked run once, on any thread, when the batch is durable
   */
  void submit(LogBatch batch, Runnable acked);

  /** Called now and then by the log reader's thread: a chance to retry what went missing. */
  default void check() {}
}
