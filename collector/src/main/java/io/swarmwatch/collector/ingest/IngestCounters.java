package io.swarmwatch.collector.ingest;

import io.swarmwatch.proto.v1.AgentMessage;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the ingest has taken in since start: messages applied by kind, streams, rejections. */
public final class IngestCounters {
  private final Map<AgentMessage.BodyCase, LongAdder> applied =
      new EnumMap<>(AgentMessage.BodyCase.class);
  private final LongAdder redelivered = new LongAdder();
  private final LongAdder streams = new LongAdder();
  private final LongAdder rejected = new LongAdder();

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
