package io.swarmwatch.collector.alert.delivery;

import io.swarmwatch.collector.alert.config.AlertRules;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable, per-receiver delivery: {@link #submit} writes the notification to disk and queues it
 * with its receiver's dispatcher. At start, whatever a previous run left pending is queued again
 * (in creation order) before anything new.
 */
public final class Deliveries implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Deliveries.class);

  private final PendingStore store;
  private final Attempt.Log history;
  private final Clock clock;
  private final Map<String, Dispatcher> dispatchers = new LinkedHashMap<>();
  private boolean closed;

  public Deliveries(AlertRules rules, PendingStore store, Attempt.Log history, Clock clock) {
    this.store = store;
    this.history = history;
    this.clock = clock;
    for (AlertRules.Receiver r : rules.receivers()) {
      dispatchers.put(r.name(), new Dispatcher(r, rules.delivery(), store, history, clock));
    }
    int resumed = 0;
    for (Pending p : store.load()) {
      Dispatcher d = dispatchers.get(p.receiver());
      if (d == null) {
        store.remove(p);
        history.record(
            p.outcome(
                clock.instant(),
                "dropped",
                0,
                "receiver '" + p.receiver() + "' is no longer in the alerts file"));
        continue;
      }
      d.offer(p);
      resumed++;
    }
    if (resumed > 0) {
      log.info("alerts: resuming {} notifications left pending by the previous run", resumed);
    }
  }

  /** Stores then queues; never blocks on the network. */
  public synchronized void submit(Pending p) {
    if (closed) {
      return;
    }
    Dispatcher d = dispatchers.get(p.receiver());
    if (d == null) {
      history.record(
          p.outcome(clock.instant(), "dropped", 0, "no receiver named '" + p.receiver() + "'"));
      return;
    }
    store.save(p);
    d.offer(p);
  }

  public boolean hasReceiver(String name) {
    return dispatchers.containsKey(name);
  }

  /** Notifications queued per receiver (in memory; each also on disk). */
  public Map<String, Integer> queued() {
    Map<String, Integer> m = new LinkedHashMap<>();
    dispatchers.forEach((k, v) -> m.put(k, v.queued()));
    return m;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    dispatchers.values().forEach(Dispatcher::close);
  }
}
