package io.swarmwatch.agent.logs;

import io.swarmwatch.agent.ship.DeliveryListener;
import io.swarmwatch.agent.ship.Outbox;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.LogBatch;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Delivers log batches through the in-memory {@link Outbox}, which alone can lose them: a batch
 * sent on a stream that then broke, or dropped by a full outbox, is put in again until the
 * collector acknowledges it. A batch can thus arrive twice; the collector drops lines it already
 * stored (by their per-container line numbers).
 */
public final class OutboxLogSink implements LogSink, DeliveryListener {
  private final Outbox outbox;
  private final Map<AgentMessage, Pending> pending = new IdentityHashMap<>();
  private long maxAcked;
  private long droppedSeen;
  private long resent;

  public OutboxLogSink(Outbox outbox) {
    this.outbox = outbox;
    this.droppedSeen = outbox.dropped();
  }

  private static final class Pending {
    final Runnable acked;
    long seq;

    Pending(Runnable acked) {
      this.acked = acked;
    }
  }

  @Override
  public void submit(LogBatch batch, Runnable acked) {
    AgentMessage m = AgentMessage.newBuilder().setLogs(batch).build();
    synchronized (this) {
      pending.put(m, new Pending(acked));
    }
    outbox.put(m);
  }

  /** Batches put in the outbox again (stream broke before the ack, or the outbox dropped them). */
  public synchronized long resent() {
    return resent;
  }

  @Override
  public void sent(AgentMessage message, long seq) {
    if (!message.hasLogs()) {
      return;
    }
    Runnable done = null;
    synchronized (this) {
      Pending p = pending.get(message);
      if (p == null) {
        return;
      }
      if (seq <= maxAcked) {
        // The ack overtook this bookkeeping.
        pending.remove(message);
        done = p.acked;
      } else {
        p.seq = seq;
      }
    }
    if (done != null) {
      done.run();
    }
  }

  @Override
  public void acked(long seq) {
    List<Runnable> done = new ArrayList<>();
    synchronized (this) {
      maxAcked = Math.max(maxAcked, seq);
      var it = pending.values().iterator();
      while (it.hasNext()) {
        Pending p = it.next();
        if (p.seq > 0 && p.seq <= seq) {
          it.remove();
          done.add(p.acked);
        }
      }
    }
    done.forEach(Runnable::run);
  }

  @Override
  public void streamEnded() {
    List<AgentMessage> again = new ArrayList<>();
    synchronized (this) {
      for (var e : pending.entrySet()) {
        if (e.getValue().seq > 0) {
          e.getValue().seq = 0;
          again.add(e.getKey());
        }
      }
      resent += again.size();
    }
    again.forEach(outbox::put);
  }

  @Override
  public void check() {
    long dropped = outbox.dropped();
    List<AgentMessage> again = new ArrayList<>();
    synchronized (this) {
      if (dropped == droppedSeen) {
        return;
      }
      droppedSeen = dropped;
      for (var e : pending.entrySet()) {
        if (e.getValue().seq == 0 && !outbox.contains(e.getKey())) {
          again.add(e.getKey());
        }
      }
      resent += again.size();
    }
    again.forEach(outbox::put);
  }
}
