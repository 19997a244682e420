package io.swarmwatch.collector.ingest;

import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.SpoolDrops;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What the ingest has taken in since start: messages applied by kind, streams, rejections. */
public final class IngestCounters {
  private final Map<AgentMessage.BodyCase, LongAdder> applied =
      new EnumMap<>(AgentMessage.BodyCase.class);
  private final LongAdder redelivered = new LongAdder();
  private final LongAdder streams = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final Map<String, SpoolDrops> spoolDrops = new ConcurrentHashMap<>();

  public IngestCounters() {
    for (AgentMessage.BodyCase c : AgentMessage.BodyCase.values()) {
      applied.put(c, new LongAdder());
    }
  }

  void countApplied(AgentMessage.BodyCase kind) {
    applied.get(kind).increment();
  }

  void countRedelivered() {
    redelivered.increment();
  }

  void countStream() {
    streams.increment();
  }

  void countRejected() {
    rejected.increment();
  }

  void spoolDrops(String nodeId, SpoolDrops drops) {
    spoolDrops.put(nodeId, drops);
  }

  /**
   * Per node: what its agent's spool dropped when full, as last reported (cumulative for the
   * agent's stream).
   */
  public Map<String, SpoolDrops> spoolDrops() {
    return Map.copyOf(spoolDrops);
  }

  /** Log lines the agents' full spools dropped, over the nodes, as last reported. */
  public long spoolDroppedLogLines() {
    return spoolDrops.values().stream().mapToLong(SpoolDrops::getLogLines).sum();
  }

  /** Messages of that kind applied to the model. */
  public long applied(String kind) {
    return applied.get(AgentMessage.BodyCase.valueOf(kind)).sum();
  }

  /** The kinds, as {@link #applied(String)} takes them ({@code HELLO}, {@code EVENT}, …). */
  public static Iterable<String> kinds() {
    return java.util.Arrays.stream(AgentMessage.BodyCase.values())
        .filter(c -> c != AgentMessage.BodyCase.BODY_NOT_SET)
        .map(Enum::name)
        .toList();
  }

  /** Messages at or below the stream's last applied sequence: acknowledged, not re-applied. */
  public long redelivered() {
    return redelivered.sum();
  }

  /** Agent streams that sent a valid Hello. */
  public long streams() {
    return streams.sum();
  }

  /** Messages that broke the protocol (their stream was ended). */
  public long rejected() {
    return rejected.sum();
  }
}
