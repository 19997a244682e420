package io.swarmwatch.agent.ship;

import io.swarmwatch.proto.v1.AgentMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;

/**
 * Messages the {@link Spool} could not write (a full disk), in the order they were put, waiting in
 * memory for the write to succeed. Bounded in bytes: past the bound the oldest log batch is dropped
 * first, then the oldest sample (usage, host, agent stats, swarm view), the same policy as the
 * spool's own bound; events, container states and snapshots are never dropped, so they alone can
 * overshoot it.
 *
 * <p>Not thread-safe: the spool's lock guards it.
 */
final class HeldMessages {
  /** One message not yet written; {@code durable} as given to {@link Spool#put}, may be null. */
  record Held(AgentMessage message, Runnable durable, int bytes) {}

  private final long maxBytes;
  // A linked list: drops remove from the middle (the oldest log batch), the flush from the head.
  private final LinkedList<Held> queue = new LinkedList<>();
  private long bytes;

  HeldMessages(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Adds a message; returns what had to be dropped to stay within the bound (oldest first). */
  List<Held> add(AgentMessage m, Runnable durable) {
    Held h = new Held(m, durable, m.getSerializedSize());
    queue.addLast(h);
    bytes += h.bytes();
    List<Held> dropped = new ArrayList<>();
    for (boolean logs : new boolean[] {true, false}) {
      Iterator<Held> it = queue.iterator();
      while (bytes > maxBytes && it.hasNext()) {
        Held old = it.next();
        if (logs ? old.message().hasLogs() : Segment.isSample(old.message())) {
          it.remove();
          bytes -= old.bytes();
          dropped.add(old);
        }
      }
    }
    return dropped;
  }

  Held peek() {
    return queue.peekFirst();
  }

  void removeFirst() {
    bytes -= queue.removeFirst().bytes();
  }

  /** Empties the queue; returns what it held. */
  List<Held> clear() {
    List<Held> all = new ArrayList<>(queue);
    queue.clear();
    bytes = 0;
    return all;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  int size() {
    return queue.size();
  }

  long bytes() {
    return bytes;
  }
}
