package io.swarmwatch.collector.ingest;

import io.swarmwatch.collector.logs.Logs;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.CollectorMessage;
import io.swarmwatch.proto.v1.Hello;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Applies agent messages to the model. Transport-free: the gRPC edge hands each stream to a {@link
 * Session} and relays the acks it is given. One session per stream; a session is used by one thread
 * at a time (gRPC delivers a stream's messages serially).
 *
 * <p>Exactly once: the {@link HighWaterMarks} hold, per agent stream id, the highest seq applied
 * and the highest made durable. A message at or below the applied mark is a redelivery
 * (acknowledged, not applied); acks name the durable mark only.
 */
public final class Ingester {
  private final ClusterModel model;
  private final SwarmReporterElection election;
  private final IngestCounters counters = new IngestCounters();
  private final Logs logs;
  private final HighWaterMarks marks;

  public Ingester(ClusterModel model) {
    this(model, new SwarmReporterElection());
  }

  public Ingester(ClusterModel model, SwarmReporterElection election) {
    this(model, election, null);
  }

  /**
   * @param logs where log batches go; null for a collector without a log store (batches are then
   *     acknowledged and dropped)
   */
  public Ingester(ClusterModel model, SwarmReporterElection election, Logs logs) {
    this(model, election, logs, HighWaterMarks.inMemory());
  }

  /**
   * @param marks where the per-stream high-water marks are kept (and made durable)
   */
  public Ingester(
      ClusterModel model, SwarmReporterElection election, Logs logs, HighWaterMarks marks) {
    this.model = model;
    this.election = election;
    this.logs = logs;
    this.marks = marks;
  }

  public IngestCounters counters() {
    return counters;
  }

  public Session open(String peer) {
    return open(peer, m -> {}, seq -> {});
  }

  public Session open(String peer, Consumer<CollectorMessage> sender) {
    return open(peer, sender, seq -> {});
  }

  /**
   * @param sender sends a message to this stream's agent (thread-safe; may throw once the stream is
   *     closing)
   * @param acks told the seq to acknowledge: once after Hello (what the collector holds of the
   *     stream, maybe 0), then each time more is durable; any thread
   */
  public Session open(String peer, Consumer<CollectorMessage> sender, LongConsumer acks) {
    return new Session(peer, sender, acks);
  }

  /** One agent stream: Hello first, then the rest, sequence numbers strictly increasing. */
  public final class Session {
    private final String peer;
    private final Consumer<CollectorMessage> sender;
    private final LongConsumer acks;
    private Hello hello;
    private long session;
    private HighWaterMarks.Mark mark;
    // The highest seq seen on this stream after Hello (0: none yet).
    private long lastOnStream;
    private Runnable unlisten = () -> {};

    private Session(String peer, Consumer<CollectorMessage> sender, LongConsumer acks) {
      this.peer = peer;
      this.sender = sender;
      this.acks = acks;
    }

    /**
     * Applies one message. Returns, for Hello, the seq the collector holds durably of the stream
     * (what it acknowledges first); for any other, the stream's highest applied seq. A message with
     * a sequence at or below the highest applied one is a redelivery: acknowledged, not re-applied.
     * Within one session sequence numbers must increase (a redelivery follows a reconnect, on a new
     * session); one that does not ends the session, what came before it stays applied.
     *
     * @throws IngestException when the message breaks the protocol (the stream must end)
     */
    public long apply(AgentMessage m) throws IngestException {
      try {
        return applyOrThrow(m);
      } catch (IngestException e) {
        counters.countRejected();
        throw e;
      }
    }

    private long applyOrThrow(AgentMessage m) throws IngestException {
      if (m.getSeq() <= 0) {
        throw new IngestException("message without a sequence number (seq must be >= 1)");
      }
      if (hello == null) {
        if (!m.hasHello()) {
          throw new IngestException(
              "the first message on a stream must be Hello, got " + m.getBodyCase());
        }
        Hello h = m.getHello();
        if (h.getAgentId().isBlank() || h.getNode().getId().isBlank()) {
          throw new IngestException("Hello without agent_id or node.id");
        }
        if (h.getStreamId().isBlank()) {
          throw new IngestException("Hello without stream_id");
        }
        hello = h;
        mark = marks.mark(h.getStreamId());
        unlisten = marks.listen(h.getStreamId(), acks);
        session = model.agentConnected(h.getNode(), h.getAgentVersion());
        counters.countStream();
        counters.countApplied(m.getBodyCase());
        if (h.getNode().getRole().equals("manager")) {
          election.offer(this, describe(), sender);
        }
        long held = mark.durable();
        acks.accept(held);
        return held;
      }
      if (m.getSeq() <= lastOnStream) {
        // A resend comes on a new stream, never on the same one: an agent going backwards here is
        // broken (or not an agent). What it sent before stays applied; the stream ends.
        throw new IngestException(
            "seq "
                + m.getSeq()
                + " after seq "
                + lastOnStream
                + ": sequence numbers must increase within a stream (everything up to seq "
                + lastOnStream
                + " is kept)");
      }
      lastOnStream = m.getSeq();
      long applied;
      synchronized (mark) {
        if (m.getSeq() <= mark.applied()) {
          counters.countRedelivered();
          return mark.applied();
        }
        applyBody(m);
        mark.applied(m.getSeq());
        applied = mark.applied();
      }
      marks.advanced(hello.getStreamId(), mark);
      return applied;
    }

    private void applyBody(AgentMessage m) throws IngestException {
      String node = hello.getNode().getId();
      switch (m.getBodyCase()) {
        case SNAPSHOT -> model.applySnapshot(node, m.getSnapshot());
        case EVENT -> model.event(node, m.getEvent());
        case CONTAINER -> model.upsert(node, m.getContainer());
        case REMOVED -> model.remove(m.getRemoved());
        case USAGE -> model.usage(m.getUsage());
        case HOST -> model.host(node, m.getHost());
        case STATS -> model.agentStats(node, m.getStats());
        case LOGS -> {
          if (logs != null) {
            logs.ingest(node, hello.getNode().getHostname(), m.getLogs());
          }
        }
        case SWARM -> {
          // Only the chosen reporter's view counts: a late view from an agent that was
          // replaced must not overwrite the current reporter's.
          if (election.isChosen(this)) {
            model.swarmView(m.getSwarm());
          }
        }
        case SPOOL_DROPS -> {
          counters.spoolDrops(node, m.getSpoolDrops());
          model.spoolDrops(node, m.getSpoolDrops());
        }
        case HELLO -> throw new IngestException("Hello sent twice on one stream");
        case BODY_NOT_SET ->
            throw new IngestException(
                "message " + m.getSeq() + " has no body (an agent newer than this collector?)");
      }
      model.agentSeen(node);
      counters.countApplied(m.getBodyCase());
    }

    /** The stream ended (either side); idempotent. */
    public void close() {
      unlisten.run();
      if (hello != null) {
        election.withdraw(this);
        model.agentDisconnected(hello.getNode().getId(), session);
      }
    }

    public String describe() {
      return hello == null
          ? peer
          : hello.getNode().getHostname() + " (" + hello.getAgentId() + ", " + peer + ")";
    }
  }
}
