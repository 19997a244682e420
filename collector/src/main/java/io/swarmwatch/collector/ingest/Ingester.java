package io.swarmwatch.collector.ingest;

import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.Hello;

/**
 * Applies agent messages to the model. Transport-free: the gRPC edge hands each stream to a {@link
 * Session} and relays what it returns. One session per stream; a session is used by one thread at a
 * time (gRPC delivers a stream's messages serially).
 */
public final class Ingester {
  private final ClusterModel model;

  public Ingester(ClusterModel model) {
    this.model = model;
  }

  public Session open(String peer) {
    return new Session(peer);
  }

  /** One agent stream: Hello first, then the rest, sequence numbers strictly increasing. */
  public final class Session {
    private final String peer;
    private Hello hello;
    private long session;
    private long lastSeq;

    private Session(String peer) {
      this.peer = peer;
    }

    /**
     * Applies one message and returns the sequence number to acknowledge. A message with a sequence
     * at or below the last applied one is a redelivery: acknowledged, not re-applied.
     *
     * @throws IngestException when the message breaks the protocol (the stream must end)
     */
    public long apply(AgentMessage m) throws IngestException {
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
        return lastSeq;
      }
      if (m.getSeq() <= lastSeq) {
        return lastSeq;
      }
      String node = hello.getNode().getId();
      switch (m.getBodyCase()) {
        case SNAPSHOT -> model.applySnapshot(node, m.getSnapshot());
        case EVENT -> model.event(node, m.getEvent());
        case CONTAINER -> model.upsert(node, m.getContainer());
        case REMOVED -> model.remove(m.getRemoved());
        case HELLO -> throw new IngestException("Hello sent twice on one stream");
        case BODY_NOT_SET ->
            throw new IngestException(
                "message " + m.getSeq() + " has no body (an agent newer than this collector?)");
      }
      model.agentSeen(node);
      lastSeq = m.getSeq();
      return lastSeq;
    }

    /** The stream ended (either side); idempotent. */
    public void close() {
      if (hello != null) {
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
