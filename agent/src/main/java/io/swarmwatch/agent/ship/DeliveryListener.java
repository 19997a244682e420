package io.swarmwatch.agent.ship;

import io.swarmwatch.proto.v1.AgentMessage;

/**
 * Told what becomes of the messages the {@link Shipper} takes from the outbox, so a producer that
 * must not lose anything (log delivery) can tell acknowledged from merely sent. Called on the
 * shipper's and gRPC's threads: implementations must be quick and thread-safe.
 */
public interface DeliveryListener {
  DeliveryListener NONE =
      new DeliveryListener() {
        @Override
        public void sent(AgentMessage message, long seq) {}

        @Override
        public void acked(long seq) {}

        @Override
        public void streamEnded() {}
      };

  /** {@code message} (the very instance taken from the outbox) went out with {@code seq}. */
  void sent(AgentMessage message, long seq);

  /** The collector applied every message with a sequence up to {@code seq}. */
  void acked(long seq);

  /** The stream ended: what was sent on it and not acknowledged may not have arrived. */
  void streamEnded();
}
