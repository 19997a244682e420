package io.swarmwatch.collector.ingest;

import static io.swarmwatch.collector.Protos.event;
import static io.swarmwatch.collector.Protos.hello;
import static io.swarmwatch.collector.Protos.message;
import static io.swarmwatch.collector.Protos.node;
import static io.swarmwatch.collector.Protos.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.collector.model.EventQuery;
import io.swarmwatch.collector.model.EventView;
import io.swarmwatch.collector.model.NodeView;
import io.swarmwatch.collector.model.ReplicaQuery;
import io.swarmwatch.collector.model.ReplicaView;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.ContainerRemoved;
import io.swarmwatch.proto.v1.Hello;
import io.swarmwatch.proto.v1.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IngesterTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
  private final ClusterModel model = new ClusterModel(clock, 100);
  private final Ingester ingester = new Ingester(model);

  private List<EventView> events() {
    return model.events(
        new EventQuery(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            1000));
  }

  private Ingester.Session helloed() throws IngestException {
    Ingester.Session s = ingester.open("10.0.0.9:51234");
    // A new stream: the collector holds nothing of it yet.
    assertThat(s.apply(hello(1, "agent-1", node("node-1", "alpha")))).isEqualTo(0);
    return s;
  }

  @Test
  void helloRegistersTheConnectedAgent() throws IngestException {
    helloed();

    assertThat(model.nodes())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.id()).isEqualTo("node-1");
              assertThat(n.hostname()).isEqualTo("alpha");
              assertThat(n.agent().connected()).isTrue();
              assertThat(n.agent().version()).isEqualTo("1.2.3");
            });
  }

  @Test
  void firstMessageMustBeHello() {
    Ingester.Session s = ingester.open("peer");

    assertThatThrownBy(() -> s.apply(message(1, event(1, "start", "c1", "web", 1).build())))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("first message on a stream must be Hello")
        .hasMessageContaining("EVENT");
    assertThat(events()).isEmpty();
    assertThat(model.nodes()).isEmpty();
  }

  @Test
  void sequenceNumbersStartAtOne() {
    Ingester.Session s = ingester.open("peer");

    assertThatThrownBy(() -> s.apply(hello(0, "agent-1", node("node-1", "alpha"))))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("seq must be >= 1");
    assertThat(model.nodes()).isEmpty();
  }

  @Test
  void sequenceNumberZeroAfterHelloIsRejectedToo() throws IngestException {
    Ingester.Session s = helloed();

    assertThatThrownBy(() -> s.apply(message(0, event(1, "start", "c1", "web", 1).build())))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("seq must be >= 1");
  }

  @Test
  void helloWithoutAgentIdNodeIdOrStreamIdIsRejected() {
    Hello good = hello(1, "agent-1", node("node-1", "alpha")).getHello();
    record Case(Hello hello, String message) {}
    List<Case> cases =
        List.of(
            new Case(good.toBuilder().setAgentId("").build(), "Hello without agent_id or node.id"),
            new Case(
                good.toBuilder().setAgentId("  ").build(), "Hello without agent_id or node.id"),
            new Case(
                good.toBuilder().setNode(good.getNode().toBuilder().setId("")).build(),
                "Hello without agent_id or node.id"),
            new Case(good.toBuilder().clearNode().build(), "Hello without agent_id or node.id"),
            new Case(good.toBuilder().setStreamId("").build(), "Hello without stream_id"));
    for (Case c : cases) {
      Ingester.Session s = ingester.open("peer");
      assertThatThrownBy(
              () -> s.apply(AgentMessage.newBuilder().setSeq(1).setHello(c.hello).build()))
          .as(c.message)
          .isInstanceOf(IngestException.class)
          .hasMessage(c.message);
    }
    assertThat(model.nodes()).isEmpty();
  }

  @Test
  void messagesAreAppliedAndAcknowledged() throws IngestException {
    Ingester.Session s = helloed();

    assertThat(
            s.apply(
                AgentMessage.newBuilder()
                    .setSeq(2)
                    .setSnapshot(
                        Snapshot.newBuilder()
                            .setTakenAtUnixNanos(1_000)
                            .addContainers(
                                task("c1", "web", 1, "node-1").setObservedUnixNanos(1_000))
                            .addContainers(
                                task("c2", "web", 2, "node-1").setObservedUnixNanos(1_000)))
                    .build()))
        .isEqualTo(2);
    assertThat(s.apply(message(3, event(2_000, "die", "c1", "web", 1).build()))).isEqualTo(3);
    assertThat(
            s.apply(
                message(
                    4,
                    task("c1", "web", 1, "node-1")
                        .setObservedUnixNanos(2_000)
                        .setState("exited")
                        .build())))
        .isEqualTo(4);
    assertThat(
            s.apply(
                AgentMessage.newBuilder()
                    .setSeq(5)
                    .setRemoved(
                        ContainerRemoved.newBuilder().setId("c2").setObservedUnixNanos(3_000))
                    .build()))
        .isEqualTo(5);

    assertThat(model.replicas(ReplicaQuery.ALL))
        .extracting(ReplicaView::containerId, ReplicaView::state, ReplicaView::node)
        .containsExactly(tuple("c1", "exited", "node-1"));
    assertThat(events())
        .extracting(EventView::action, EventView::node)
        .containsExactly(tuple("die", "node-1"));
  }

  @Test
  void redeliveredMessagesAreAcknowledgedButNotAppliedTwice() throws IngestException {
    Ingester.Session s = helloed();
    assertThat(s.apply(message(2, event(1_000, "start", "c1", "web", 1).build()))).isEqualTo(2);
    assertThat(s.apply(message(3, event(2_000, "die", "c1", "web", 1).build()))).isEqualTo(3);
    s.close();

    // The agent's reconnect logic resends, on a new stream, what it had not seen acknowledged.
    Ingester.Session again = ingester.open("10.0.0.9:51235");
    again.apply(hello(4, "agent-1", node("node-1", "alpha")));
    assertThat(again.apply(message(2, event(1_000, "start", "c1", "web", 1).build()))).isEqualTo(3);
    assertThat(again.apply(message(3, event(2_000, "die", "c1", "web", 1).build()))).isEqualTo(3);

    assertThat(events()).extracting(EventView::action).containsExactly("start", "die");

    assertThat(again.apply(message(4, event(3_000, "destroy", "c1", "web", 1).build())))
        .isEqualTo(4);
    assertThat(events()).extracting(EventView::action).containsExactly("start", "die", "destroy");
    assertThat(ingester.counters().redelivered()).isEqualTo(2);
  }

  @Test
  void sequenceGoingBackwardsWithinAStreamEndsItAndKeepsWhatCameBefore() throws IngestException {
    Ingester.Session s = helloed();
    s.apply(message(2, event(1_000, "start", "c1", "web", 1).build()));
    s.apply(message(3, event(2_000, "die", "c1", "web", 1).build()));

    assertThatThrownBy(() -> s.apply(message(2, event(1_000, "start", "c1", "web", 1).build())))
        .isInstanceOf(IngestException.class)
        .hasMessage(
            "seq 2 after seq 3: sequence numbers must increase within a stream (everything up to"
                + " seq 3 is kept)");
    assertThatThrownBy(() -> s.apply(message(3, event(2_000, "die", "c1", "web", 1).build())))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("seq 3 after seq 3");
    assertThatThrownBy(() -> s.apply(hello(1, "agent-1", node("node-1", "alpha"))))
        .isInstanceOf(IngestException.class);

    assertThat(events()).extracting(EventView::action).containsExactly("start", "die");
    assertThat(ingester.counters().rejected()).isEqualTo(3);
  }

  @Test
  void aNewSessionOfAKnownStreamIsAnsweredWithWhatIsHeldAndDropsWhatWasApplied()
      throws IngestException {
    // Hello's own seq is informational: the answer is what the collector holds of the stream.
    Ingester.Session first = ingester.open("peer");
    assertThat(first.apply(hello(41, "agent-1", node("node-1", "alpha")))).isEqualTo(0);
    first.apply(message(1, event(1, "start", "c1", "web", 1).build()));
    first.apply(message(2, event(2, "die", "c1", "web", 1).build()));
    first.close();

    Ingester.Session again = ingester.open("peer");
    assertThat(again.apply(hello(99, "agent-1", node("node-1", "alpha")))).isEqualTo(2);
    assertThat(again.apply(message(2, event(2, "die", "c1", "web", 1).build()))).isEqualTo(2);
    assertThat(again.apply(message(3, event(3, "destroy", "c1", "web", 1).build()))).isEqualTo(3);
    assertThat(events()).extracting(EventView::action).containsExactly("start", "die", "destroy");
    assertThat(ingester.counters().redelivered()).isEqualTo(1);
  }

  @Test
  void secondHelloIsRejected() throws IngestException {
    Ingester.Session s = helloed();

    assertThatThrownBy(() -> s.apply(hello(2, "agent-1", node("node-1", "alpha"))))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("Hello sent twice");
  }

  @Test
  void messageWithoutBodyIsRejected() throws IngestException {
    Ingester.Session s = helloed();

    assertThatThrownBy(() -> s.apply(AgentMessage.newBuilder().setSeq(2).build()))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("message 2 has no body");
  }

  @Test
  void everyAppliedMessageMovesLastSeen() throws IngestException {
    Ingester.Session s = helloed();
    clock.advance(Duration.ofSeconds(30));

    s.apply(message(2, event(1, "start", "c1", "web", 1).build()));

    assertThat(model.nodes())
        .extracting(n -> n.agent().lastSeen())
        .containsExactly("2024-05-01T10:00:30Z");
  }

  @Test
  void closeMarksTheNodesAgentDisconnectedAndIsIdempotent() throws IngestException {
    Ingester.Session s = helloed();

    s.close();
    s.close();

    assertThat(model.nodes()).extracting(n -> n.agent().connected()).containsExactly(false);
  }

  @Test
  void closingAnOldStreamLeavesTheReconnectedAgentConnected() throws IngestException {
    Ingester.Session old = helloed();
    Ingester.Session reconnected = helloed();

    old.close();

    assertThat(model.nodes()).extracting(n -> n.agent().connected()).containsExactly(true);

    reconnected.close();
    assertThat(model.nodes()).extracting(n -> n.agent().connected()).containsExactly(false);
  }

  @Test
  void closeBeforeHelloTouchesNothing() {
    ingester.open("peer").close();
    assertThat(model.nodes()).isEmpty();
  }

  @Test
  void describeNamesThePeerAndOnceKnownTheAgent() throws IngestException {
    Ingester.Session s = ingester.open("10.0.0.9:51234");
    assertThat(s.describe()).isEqualTo("10.0.0.9:51234");

    s.apply(hello(1, "agent-1", node("node-1", "alpha")));

    assertThat(s.describe()).isEqualTo("alpha (agent-1, 10.0.0.9:51234)");
    assertThat(model.nodes()).extracting(NodeView::id).containsExactly("node-1");
  }

  @Test
  void spoolDropsReportedByTheAgentShowInTheNodeViewAndCounters() throws IngestException {
    Ingester.Session s = helloed();
    s.apply(
        AgentMessage.newBuilder()
            .setSeq(2)
            .setSpoolDrops(
                io.swarmwatch.proto.v1.SpoolDrops.newBuilder()
                    .setLogLines(500)
                    .setLogBytes(75_000)
                    .setLogBatches(1)
                    .setSamples(3))
            .build());

    assertThat(model.nodes().get(0).agent().spoolDrops())
        .isEqualTo(new io.swarmwatch.collector.model.NodeView.SpoolDropsView(500, 75_000, 1, 3));
    assertThat(ingester.counters().spoolDroppedLogLines()).isEqualTo(500);
  }
}
