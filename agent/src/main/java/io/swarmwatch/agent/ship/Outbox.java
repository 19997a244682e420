package io.swarmwatch.agent.ship;

import io.swarmwatch.proto.v1.AgentMessage;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounded FIFO of messages waiting for the collector, in memory.
 *
 * <p>When full, the oldest message is dropped and counted: producers (the Engine watcher) never
 * block, so a dead collector can't stall the Engine's event stream. State survives drops because
 * every (re)connect starts with a fresh snapshot; dropped events are counted and logged. The
 * on-disk spool of the delivery work replaces this with lossless buffering.
 */
public final class Outbox {
  private final int capacity;
  private final ArrayDeque<AgentMessage> queue;
  private final AtomicLong dropped = new AtomicLong();

  public Outbox(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1");
    }
    this.capacity = capacity;
    this.queue = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  /** Adds a message (its seq is assigned when sent); drops the oldest if full. */
  public synchronized void put(AgentMessage message) {
    if (queue.size() >= capacity) {
      queue.pollFirst();
      dropped.incrementAndGet();
    }
    queue.addLast(message);
    notifyAll();
  }

  /** The oldest message without removing it, waiting up to the timeout; null if none came. */
  public synchronized AgentMessage peek(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (queue.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return queue.peekFirst();
  }

  /** Removes the message {@link #peek} returned, if it is still the oldest. */
  public synchronized void remove(AgentMessage message) {
    if (queue.peekFirst() == message) {
      queue.pollFirst();
    }
  }

  /** Whether this very message instance is still waiting (a linear scan: for rare checks). */
  public synchronized boolean contains(AgentMessage message) {
    for (AgentMessage m : queue) {
      if (m == message) {
        return true;
      }
    }
    return false;
  }

  public synchronized int size() {
    return queue.size();
  }

  /** Messages dropped because the outbox was full, since start. */
  public long dropped() {
    return dropped.get();
  }
}
