package io.swarmwatch.collector.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits the documents of one large batch across a small pool, so one agent's stream is indexed by
 * as many cores as there are: Lucene's {@code IndexWriter} is thread-safe and gives each indexing
 * thread its own in-memory segment. The calling thread indexes the first slice itself and returns
 * only when every slice is indexed. The pool's queue is bounded; when it is full (several streams
 * at once) the caller indexes that slice too.
 */
final class ParallelIndexer implements AutoCloseable {
  /** Below this many lines a slice costs more to hand over than it saves. */
  static final int MIN_SLICE = 512;

  /** Builds and indexes documents {@code [from, to)} of a batch; called from several threads. */
  interface Work {
    void run(int from, int to) throws IOException;
  }

  private final int threads;
  private final ThreadPoolExecutor pool;

  ParallelIndexer(int threads) {
    this.threads = Math.max(1, threads);
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            this.threads,
            this.threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(this.threads * 4),
            r -> {
              Thread t = new Thread(r, "swarmwatch-logindex-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
    pool.allowCoreThreadTimeOut(true);
  }

  /** The slices {@link #index} cuts {@code count} documents into. */
  int slices(int count) {
    return Math.max(1, Math.min(threads, count / MIN_SLICE));
  }

  /**
   * Runs {@code work} over {@code [0, count)} in {@link #slices} slices and waits for all of them,
   * even when interrupted (the caller's locks must cover every slice).
   *
   * @throws IOException the first slice's failure; the other slices ran to their end
   */
  void index(Work work, int count) throws IOException {
    int slices = slices(count);
    int size = (count + slices - 1) / slices;
    List<Future<?>> others = new ArrayList<>(slices - 1);
    for (int i = 1; i < slices; i++) {
      int from = i * size;
      int to = Math.min(count, from + size);
      others.add(
          pool.submit(
              () -> {
                try {
                  work.run(from, to);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }));
    }
    Throwable failed = null;
    try {
      work.run(0, Math.min(count, size));
    } catch (IOException | RuntimeException e) {
      failed = e;
    }
    boolean interrupted = false;
    for (Future<?> f : others) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (failed == null) {
            failed = e.getCause();
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failed instanceof UncheckedIOException u) {
      throw u.getCause();
    }
    if (failed instanceof IOException e) {
      throw e;
    }
    if (failed instanceof RuntimeException e) {
      throw e;
    }
    if (failed instanceof Error e) {
      throw e;
    }
  }

  @Override
  public void close() {
    pool.shutdown();
  }
}
