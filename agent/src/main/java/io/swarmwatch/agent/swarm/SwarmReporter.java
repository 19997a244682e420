package io.swarmwatch.agent.swarm;

import io.swarmwatch.proto.v1.SwarmView;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the swarm view while the collector has asked this agent to ({@link #setEnabled}): at once
 * when enabled, then every {@code interval}, and soon after a service or node event ({@link #poke},
 * debounced by {@code debounce} so a rolling update's burst of events is one read). A view equal to
 * the last one sent (ignoring its timestamp) is not sent again.
 *
 * <p>One thread; {@link #setEnabled}, {@link #poke} and {@link #close} may be called from any.
 */
public final class SwarmReporter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SwarmReporter.class);

  private final Supplier<SwarmView> reader;
  private final Consumer<SwarmView> sink;
  private final Duration interval;
  private final Duration debounce;
  private final Thread thread;
  private boolean enabled;
  private boolean poked;
  private boolean closed;
  private SwarmView lastSent;
  private long reads;
  private long failures;

  public SwarmReporter(
      Supplier<SwarmView> reader, Consumer<SwarmView> sink, Duration interval, Duration debounce) {
    this.reader = reader;
    this.sink = sink;
    this.interval = interval;
    this.debounce = debounce;
    this.thread = new Thread(this::run, "swarmwatch-swarm-view");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public synchronized void setEnabled(boolean on) {
    if (on != enabled) {
      log.info(
          on
              ? "collector chose this agent to report the swarm view (services, tasks, nodes)"
              : "no longer reporting the swarm view");
      enabled = on;
      lastSent = null;
      poked = on;
      notifyAll();
    }
  }

  public synchronized boolean enabled() {
    return enabled;
  }

  /** Something in the swarm changed (a service or node event): read again soon. */
  public synchronized void poke() {
    if (enabled) {
      poked = true;
      notifyAll();
    }
  }

  public synchronized long reads() {
    return reads;
  }

  /** Reads of the Engine or hand-offs to the sink that failed. */
  public synchronized long failures() {
    return failures;
  }

  private void run() {
    while (true) {
      synchronized (this) {
        try {
          long deadline = System.nanoTime() + interval.toNanos();
          while (!closed && (!enabled || !poked)) {
            long left = deadline - System.nanoTime();
            if (enabled && left <= 0) {
              break;
            }
            wait(enabled ? millisAtLeastOne(left) : 0);
          }
          if (closed) {
            return;
          }
          // Let a burst of events settle into one read: pokes meanwhile must not cut the wait
          // short (they wake this monitor too), so wait out the whole debounce.
          long settled = System.nanoTime() + debounce.toNanos();
          for (long left = debounce.toNanos();
              !closed && enabled && left > 0;
              left = settled - System.nanoTime()) {
            wait(millisAtLeastOne(left));
          }
          if (closed) {
            return;
          }
          poked = false;
          if (!enabled) {
            continue; // disabled while settling: don't read the Engine for nothing
          }
        } catch (InterruptedException e) {
          return;
        }
      }
      readAndSend();
    }
  }

  private static long millisAtLeastOne(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos));
  }

  private void readAndSend() {
    SwarmView view;
    try {
      view = reader.get();
    } catch (RuntimeException e) {
      synchronized (this) {
        failures++;
      }
      log.warn("cannot read the swarm view: {}", e.getMessage());
      return;
    }
    SwarmView comparable = view.toBuilder().setTakenAtUnixNanos(0).build();
    synchronized (this) {
      reads++;
      if (!enabled) {
        return;
      }
      if (comparable.equals(lastSent)) {
        return;
      }
      lastSent = comparable;
    }
    try {
      sink.accept(view);
    } catch (RuntimeException e) {
      // Not sent: send it again next time even if unchanged; and keep this thread alive.
      synchronized (this) {
        failures++;
        if (comparable.equals(lastSent)) {
          lastSent = null;
        }
      }
      log.warn("cannot hand the swarm view on: {}", e.toString());
    }
  }

  /** Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      notifyAll();
    }
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
