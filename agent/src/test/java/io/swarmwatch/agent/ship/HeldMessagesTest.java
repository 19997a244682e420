package io.swarmwatch.agent.ship;

import static io.swarmwatch.agent.ship.SpoolTest.event;
import static io.swarmwatch.agent.ship.SpoolTest.logs;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.HostSample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeldMessagesTest {
  private static AgentMessage host(int i) {
    return AgentMessage.newBuilder().setHost(HostSample.newBuilder().setCpus(i)).build();
  }

  @Test
  void withinTheBoundNothingIsDroppedAndOrderIsKept() {
    HeldMessages h = new HeldMessages(1 << 20);
    List<AgentMessage> put = List.of(event("a"), logs(2, 10), host(1), event("b"));
    for (AgentMessage m : put) {
      assertThat(h.add(m, null)).isEmpty();
    }
    List<AgentMessage> out = new ArrayList<>();
    while (!h.isEmpty()) {
      out.add(h.peek().message());
      h.removeFirst();
    }
    assertThat(out).isEqualTo(put);
    assertThat(h.bytes()).isZero();
  }

  @Test
  void pastTheBoundOldestLogBatchesGoFirstThenSamplesNeverEvents() {
    AgentMessage batch = logs(10, 100);
    // Exactly full with a sample, an event and three batches.
    HeldMessages h =
        new HeldMessages(
            host(1).getSerializedSize()
                + event("a").getSerializedSize()
                + 3L * batch.getSerializedSize());
    assertThat(h.add(host(1), null)).isEmpty();
    assertThat(h.add(event("a"), null)).isEmpty();
    for (int i = 0; i < 3; i++) {
      assertThat(h.add(batch, null)).isEmpty();
    }

    // Over the bound: the oldest log batch goes, not the older sample or event.
    List<HeldMessages.Held> dropped = h.add(event("b"), null);
    assertThat(dropped).extracting(d -> d.message().hasLogs()).containsExactly(true);
    assertThat(h.size()).isEqualTo(5);

    // Only samples and events left to drop: the sample goes, events stay even over the bound.
    HeldMessages small = new HeldMessages(64 * 1024);
    small.add(host(2), null);
    for (int i = 0; small.bytes() <= 64 * 1024; i++) {
      List<HeldMessages.Held> d = small.add(event("e" + i + "-".repeat(1000)), null);
      if (!d.isEmpty()) {
        assertThat(d).extracting(x -> x.message().hasHost()).containsExactly(true);
      }
    }
    assertThat(small.peek().message().hasEvent()).isTrue();
  }
}
