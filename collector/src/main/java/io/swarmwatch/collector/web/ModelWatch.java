package io.swarmwatch.collector.web;

import io.swarmwatch.collector.api.EventStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Tells every open page when the model changed: one thread checks the model's version every 250 ms
 * and sends {@code changed} to each watcher whose last-sent version differs, so a burst of changes
 * costs a page one refetch, not one per change. A page reading too slowly is skipped for that round
 * (its next check sends the then-current version): nothing piles up.
 */
final class ModelWatch implements AutoCloseable {
  static final long PERIOD_MS = 250;

  private final LongSupplier version;
  private final Map<EventStream.Sink, long[]> sinks = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "swarmwatch-web-watch");
            t.setDaemon(true);
            return t;
          });

  ModelWatch(LongSupplier version) {
    this.version = version;
    timer.scheduleWithFixedDelay(this::check, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  void add(EventStream.Sink sink) {
    long v = version.getAsLong();
    sinks.put(sink, new long[] {v});
    sink.onClose(() -> sinks.remove(sink));
    sink.send("changed", Map.of("version", v));
  }

  private void check() {
    long v = version.getAsLong();
    for (var e : sinks.entrySet()) {
      long[] sent = e.getValue();
      if (sent[0] != v && e.getKey().send("changed", Map.of("version", v))) {
        sent[0] = v;
      }
    }
  }

  int watchers() {
    return sinks.size();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    Set.copyOf(sinks.keySet()).forEach(EventStream.Sink::close);
  }
}
