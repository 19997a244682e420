package io.swarmwatch.agent.swarm;

import io.swarmwatch.proto.v1.SwarmView;
import java.time.Duration;
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
            wait(enabled ? Math.max(1, left / 1_000_000) : 0);
          }
          if (closed) {
            return;
          }
          poked = false;
          // Let a burst of events settle into one read.
          wait(debounce.toMillis());
          if (closed) {
            return;
          }
          poked = false;
        } catch (InterruptedException e) {
          return;
        }
      }
      readAndSend();
    }
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
    synchronized (this) {
      reads++;
      if (!enabled) {
        return;
      }
      SwarmView comparable = view.toBuilder().setTakenAtUnixNanos(0).build();
      if (comparable.equals(lastSent)) {
        return;
      }
      lastSent = comparable;
    }
    sink.accept(view);
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
