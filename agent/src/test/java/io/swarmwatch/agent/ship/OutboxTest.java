package io.swarmwatch.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.ContainerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OutboxTest {
  static AgentMessage event(String action) {
    return AgentMessage.newBuilder()
        .setEvent(ContainerEvent.newBuilder().setType("container").setAction(action))
        .build();
  }

  /** Takes everything out in order, as the shipper does (peek, send, remove). */
  private static List<String> drain(Outbox outbox) throws InterruptedException {
    List<String> out = new ArrayList<>();
    AgentMessage m;
    while ((m = outbox.peek(0, TimeUnit.MILLISECONDS)) != null) {
      out.add(m.getEvent().getAction());
      outbox.remove(m);
    }
    return out;
  }

  @Test
  void rejectsCapacityBelowOne() {
    assertThatThrownBy(() -> new Outbox(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Outbox(-5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deliversInFifoOrder() throws InterruptedException {
    Outbox outbox = new Outbox(10);
    for (String a : List.of("create", "start", "health_status: healthy", "die")) {
      outbox.put(event(a));
    }

    assertThat(outbox.size()).isEqualTo(4);
    assertThat(drain(outbox)).containsExactly("create", "start", "health_status: healthy", "die");
    assertThat(outbox.size()).isZero();
    assertThat(outbox.dropped()).isZero();
  }

  @Test
  void whenFullDropsTheOldestAndCountsIt() throws InterruptedException {
    Outbox outbox = new Outbox(3);
    for (int i = 1; i <= 7; i++) {
      outbox.put(event("e" + i));
    }

    assertThat(outbox.size()).isEqualTo(3);
    assertThat(outbox.dropped()).isEqualTo(4);
    assertThat(drain(outbox)).containsExactly("e5", "e6", "e7");
    // The count is since start, not since the last drain.
    outbox.put(event("e8"));
    assertThat(outbox.dropped()).isEqualTo(4);
  }

  @Test
  void capacityOneKeepsOnlyTheNewest() throws InterruptedException {
    Outbox outbox = new Outbox(1);
    outbox.put(event("a"));
    outbox.put(event("b"));

    assertThat(outbox.dropped()).isEqualTo(1);
    assertThat(drain(outbox)).containsExactly("b");
  }

  @Test
  void peekDoesNotRemove() throws InterruptedException {
    Outbox outbox = new Outbox(4);
    AgentMessage a = event("a");
    outbox.put(a);

    assertThat(outbox.peek(0, TimeUnit.MILLISECONDS)).isSameAs(a);
    assertThat(outbox.peek(0, TimeUnit.MILLISECONDS)).isSameAs(a);
    assertThat(outbox.size()).isEqualTo(1);
  }

  @Test
  void peekOnEmptyWaitsForTheTimeoutThenReturnsNull() throws InterruptedException {
    Outbox outbox = new Outbox(4);

    long start = System.nanoTime();
    AgentMessage m = outbox.peek(150, TimeUnit.MILLISECONDS);
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(m).isNull();
    assertThat(waitedMillis).isGreaterThanOrEqualTo(150);
  }

  @Test
  void peekWithZeroTimeoutReturnsAtOnce() throws InterruptedException {
    assertThat(new Outbox(4).peek(0, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void putFromAnotherThreadWakesAWaitingPeek() throws Exception {
    Outbox outbox = new Outbox(4);
    AtomicReference<Thread> waiter = new AtomicReference<>();
    CompletableFuture<AgentMessage> peeked =
        CompletableFuture.supplyAsync(
            () -> {
              waiter.set(Thread.currentThread());
              try {
                return outbox.peek(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    // Only put once the peek is really parked in its timed wait.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> waiter.get() != null && waiter.get().getState() == Thread.State.TIMED_WAITING);
    assertThat(peeked).isNotDone();

    AgentMessage m = event("start");
    outbox.put(m);

    // Far sooner than the 30 s timeout: the put woke it.
    assertThat(peeked.get(5, TimeUnit.SECONDS)).isSameAs(m);
  }

  @Test
  void interruptEndsAWaitingPeek() {
    Outbox outbox = new Outbox(4);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> outbox.peek(30, TimeUnit.SECONDS))
          .isInstanceOf(InterruptedException.class);
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void removeOnlyRemovesTheCurrentHead() throws InterruptedException {
    Outbox outbox = new Outbox(4);
    AgentMessage a = event("a");
    AgentMessage b = event("b");
    outbox.put(a);
    outbox.put(b);

    outbox.remove(b); // not the head: nothing happens
    assertThat(outbox.size()).isEqualTo(2);
    assertThat(outbox.peek(0, TimeUnit.MILLISECONDS)).isSameAs(a);

    outbox.remove(a);
    assertThat(outbox.size()).isEqualTo(1);
    assertThat(outbox.peek(0, TimeUnit.MILLISECONDS)).isSameAs(b);

    outbox.remove(a); // already gone: b stays
    assertThat(outbox.peek(0, TimeUnit.MILLISECONDS)).isSameAs(b);
  }

  @Test
  void removeAfterTheSentMessageWasDroppedKeepsTheNewerOnes() throws InterruptedException {
    // The shipper peeks a, and while it sends, a full outbox drops a for c.
    Outbox outbox = new Outbox(2);
    AgentMessage a = event("a");
    outbox.put(a);
    outbox.put(event("b"));
    assertThat(outbox.peek(0, TimeUnit.MILLISECONDS)).isSameAs(a);
    outbox.put(event("c"));

    outbox.remove(a);

    assertThat(outbox.dropped()).isEqualTo(1);
    assertThat(drain(outbox)).containsExactly("b", "c");
  }

  @Test
  void removeOnEmptyIsHarmless() {
    Outbox outbox = new Outbox(2);
    outbox.remove(event("x"));
    assertThat(outbox.size()).isZero();
  }
}
