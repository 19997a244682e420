package io.swarmwatch.collector.logs;

import io.swarmwatch.collector.api.EventStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Live lines for {@code follow=true} clients. Ingest publishes every stored line; each follower
 * keeps the matching ones in its own bounded queue, drained to its connection by one dispatcher
 * thread as fast as the client reads. A follower whose queue is full skips new lines, counts them,
 * and is sent an {@code overflow} event with the count before its next line: never a silent gap.
 */
public final class LogTail implements AutoCloseable {
  private final int buffer;
  private final List<Follower> followers = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService dispatcher =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "swarmwatch-logs-follow");
            t.setDaemon(true);
            return t;
          });

  public LogTail(int buffer) {
    this.buffer = buffer;
  }

  /** Called on ingest threads with lines just stored. */
  void publish(List<LogRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    for (Follower f : followers) {
      if (f.offer(records)) {
        dispatcher.execute(f::drain);
      }
    }
  }

  /**
   * Starts following: lines matching {@code filter} are queued from now on, and sent once the
   * caller hands over the history ({@link Follower#goLive}). Registered before the caller reads the
   * history, so nothing falls between the two.
   */
  Follower subscribe(LogQuery filter, EventStream.Sink sink) {
    Follower f = new Follower(filter, sink);
    followers.add(f);
    sink.onClose(
        () -> {
          followers.remove(f);
          f.close();
        });
    return f;
  }

  int followers() {
    return followers.size();
  }

  /** One client. Thread-safe: ingest offers, the dispatcher drains. */
  final class Follower {
    private final LogQuery filter;
    private final EventStream.Sink sink;
    private final ArrayDeque<LogRecord> queue = new ArrayDeque<>();
    private boolean live;
    private long skipped;
    private boolean retryScheduled;
    private boolean closed;

    Follower(LogQuery filter, EventStream.Sink sink) {
      this.filter = filter;
      this.sink = sink;
    }

    /**
     * Sends {@code history} (oldest first) ahead of the live lines queued since subscribing, and
     * from then on every new match; a line in both is sent once.
     */
    synchronized void goLive(List<LogRecord> history) {
      Set<Long> seen = new java.util.HashSet<>();
      history.forEach(r -> seen.add(r.seq()));
      ArrayDeque<LogRecord> merged = new ArrayDeque<>(history);
      for (LogRecord r : queue) {
        if (!seen.contains(r.seq())) {
          merged.addLast(r);
        }
      }
      queue.clear();
      queue.addAll(merged);
      live = true;
      dispatcher.execute(this::drain);
    }

    synchronized boolean offer(List<LogRecord> records) {
      boolean added = false;
      for (LogRecord r : records) {
        if (!filter.matches(r)) {
          continue;
        }
        if (queue.size() >= buffer) {
          skipped++;
        } else {
          queue.addLast(r);
          added = true;
        }
      }
      return added && live;
    }

    synchronized void close() {
      closed = true;
      queue.clear();
    }

    void drain() {
      synchronized (this) {
        if (!live || closed) {
          return;
        }
        while (true) {
          if (!sink.writable()) {
            if (!retryScheduled) {
              retryScheduled = true;
              dispatcher.schedule(this::retry, 50, TimeUnit.MILLISECONDS);
            }
            return;
          }
          if (skipped > 0) {
            if (!sink.send("overflow", Map.of("skipped", skipped))) {
              continue;
            }
            skipped = 0;
          }
          LogRecord r = queue.peekFirst();
          if (r == null) {
            return;
          }
          if (!sink.send("line", LogLineView.of(r))) {
            continue; // not writable after all: the check above schedules a retry
          }
          queue.pollFirst();
        }
      }
    }

    private void retry() {
      synchronized (this) {
        retryScheduled = false;
      }
      drain();
    }
  }

  @Override
  public void close() {
    dispatcher.shutdownNow();
  }
}
