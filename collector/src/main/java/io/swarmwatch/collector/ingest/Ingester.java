package io.swarmwatch.collector.ingest;

import io.swarmwatch.collector.logs.Logs;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.CollectorMessage;
import io.swarmwatch.proto.v1.Hello;
import java.util.function.Consumer;

/**
 * Applies agent messages to the model. Transport-free: the gRPC edge hands each stream to a {@link
 * Session} and relays what it returns. One session per stream; a session is used by one thread at a
 * time (gRPC delivers a stream's messages serially).
 */
public final class Ingester {
  private final ClusterModel model;
  private final SwarmReporterElection election;
  private final IngestCounters counters = new IngestCounters();
  private final Logs logs;

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
    this.model = model;
    this.election = election;
    this.logs = logs;
  }

  public IngestCounters counters() {
    return counters;
  }

  public Session open(String peer) {
    return open(peer, m -> {});
  }

  /**
   * @param sender sends a message to this stream's agent (thread-safe; may throw once the stream is
   *     closing)
   */
  public Session open(String peer, Consumer<CollectorMessage> sender) {
    return new Session(peer, sender);
  }

  /** One agent stream: Hello first, then the rest, sequence numbers strictly increasing. */
  public final class Session {
    private final String peer;
    private final Consumer<CollectorMessage> sender;
    private Hello hello;
    private long session;
    private long lastSeq;

    private Session(String peer, Consumer<CollectorMessage> sender) {
      this.peer = peer;
      this.sender = sender;
    }

    /**
     * Applies one message and returns the sequence number to acknowledge. A message with a sequence
     * at or below the last applied one is a redelivery: acknowledged, not re-applied.
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
        lastSeq = m.getSeq();
        session = model.agentConnected(h.getNode(), h.getAgentVersion());
        counters.countStream();
        counters.countApplied(m.getBodyCase());
        if (h.getNode().getRole().equals("manager")) {
          election.offer(this, describe(), sender);
        }
        return lastSeq;
      }
      if (m.getSeq() <= lastSeq) {
        counters.countRedelivered();
        return lastSeq;
      }
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
        case HELLO -> throw new IngestException("Hello sent twice on one stream");
        case BODY_NOT_SET ->
            throw new IngestException(
                "message " + m.getSeq() + " has no body (an agent newer than this collector?)");
      }
      model.agentSeen(node);
      counters.countApplied(m.getBodyCase());
      lastSeq = m.getSeq();
      return lastSeq;
    }

    /** The stream ended (either side); idempotent. */
    public void close() {
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
