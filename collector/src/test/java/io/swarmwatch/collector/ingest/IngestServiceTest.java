package io.swarmwatch.collector.ingest;

import static io.swarmwatch.collector.Protos.event;
import static io.swarmwatch.collector.Protos.hello;
import static io.swarmwatch.collector.Protos.message;
import static io.swarmwatch.collector.Protos.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.collector.model.EventQuery;
import io.swarmwatch.collector.model.EventView;
import io.swarmwatch.collector.model.NodeView;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.CollectorMessage;
import io.swarmwatch.proto.v1.IngestGrpc;
import io.swarmwatch.proto.v1.Node;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gRPC edge: auth interceptor + IngestService over real gRPC transports. */
class IngestServiceTest {
  private static final String TOKEN = "s3cret-join-token";
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final ClusterModel model =
      new ClusterModel(new MutableClock(Instant.parse("2024-05-01T10:00:00Z")), 100);
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private void startInProcess(Optional<String> token) throws IOException {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(
                ServerInterceptors.intercept(
                    new IngestService(new Ingester(model)).definition(),
                    new AgentAuthInterceptor(token)))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  /** One agent stream, from the client side. */
  private static final class Agent implements StreamObserver<CollectorMessage> {
    final List<Long> acks = new CopyOnWriteArrayList<>();
    final List<Boolean> reportSwarm = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> end = new CompletableFuture<>();
    ClientCallStreamObserver<AgentMessage> out;

    @Override
    public void onNext(CollectorMessage m) {
      if (m.hasAck()) {
        acks.add(m.getAck().getSeq());
      }
      if (m.hasReportSwarm()) {
        reportSwarm.add(m.getReportSwarm().getEnabled());
      }
    }

    @Override
    public void onError(Throwable t) {
      end.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      end.complete(Status.OK);
    }

    /** Hello was answered (with what the collector holds of the stream: 0 for a new one). */
    boolean answered() {
      return !acks.isEmpty();
    }

    long lastAck() {
      return acks.isEmpty() ? 0 : acks.get(acks.size() - 1);
    }

    Status awaitEnd() {
      await().atMost(DEADLINE).until(end::isDone);
      return end.join();
    }
  }

  private Agent connect(String authorization) {
    IngestGrpc.IngestStub stub = IngestGrpc.newStub(channel);
    if (authorization != null) {
      Metadata md = new Metadata();
      md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    }
    Agent a = new Agent();
    a.out = (ClientCallStreamObserver<AgentMessage>) stub.connect(a);
    return a;
  }

  private List<EventView> events() {
    return model.events(
        new EventQuery(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            100));
  }

  private boolean agentConnected(String nodeId) {
    return model.node(nodeId).map(NodeView::agent).map(NodeView.AgentView::connected).orElse(false);
  }

  @Test
  void agentWithoutATokenIsRejectedWithAHint() throws IOException {
    startInProcess(Optional.of(TOKEN));
    Agent a = connect(null);
    a.out.onNext(hello(1, "agent-1", node("node-1", "alpha")));

    Status s = a.awaitEnd();

    assertThat(s.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(s.getDescription()).contains("no agent token").contains("SWARMWATCH_AGENT_TOKEN");
    assertThat(a.acks).isEmpty();
    assertThat(model.nodes()).isEmpty();
  }

  @Test
  void agentWithAWrongTokenIsRejectedWithAHint() throws IOException {
    startInProcess(Optional.of(TOKEN));
    Agent a = connect("Bearer not-the-token");
    a.out.onNext(hello(1, "agent-1", node("node-1", "alpha")));

    Status s = a.awaitEnd();

    assertThat(s.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(s.getDescription())
        .contains("wrong agent token")
        .doesNotContain(TOKEN)
        .doesNotContain("not-the-token");
    assertThat(model.nodes()).isEmpty();
  }

  @Test
  void agentWithTheRightTokenIsAcked() throws IOException {
    startInProcess(Optional.of(TOKEN));
    Agent a = connect("Bearer " + TOKEN);

    a.out.onNext(hello(1, "agent-1", node("node-1", "alpha")));
    a.out.onNext(message(2, event(1_000, "start", "c1", "web", 1).build()));
    a.out.onNext(message(3, event(2_000, "die", "c1", "web", 1).build()));

    await().atMost(DEADLINE).until(() -> a.lastAck() == 3);
    assertThat(a.acks).isSorted().allMatch(seq -> seq >= 0 && seq <= 3);
    assertThat(a.end).isNotDone();
    assertThat(agentConnected("node-1")).isTrue();
    assertThat(events()).extracting(EventView::action).containsExactly("start", "die");
  }

  @Test
  void redeliveryOverTheWireIsAckedNotDuplicated() throws IOException {
    startInProcess(Optional.of(TOKEN));
    Agent a = connect("Bearer " + TOKEN);
    a.out.onNext(hello(1, "agent-1", node("node-1", "alpha")));
    a.out.onNext(message(2, event(1_000, "start", "c1", "web", 1).build()));
    await().atMost(DEADLINE).until(() -> a.lastAck() == 2);
    a.out.onCompleted();

    // A reconnected agent resends from what it saw acknowledged (here: less, as after a lost ack).
    Agent again = connect("Bearer " + TOKEN);
    again.out.onNext(hello(3, "agent-1", node("node-1", "alpha")));
    again.out.onNext(message(2, event(1_000, "start", "c1", "web", 1).build()));
    again.out.onNext(message(3, event(2_000, "die", "c1", "web", 1).build()));

    await().atMost(DEADLINE).until(() -> again.lastAck() == 3);
    assertThat(events()).extracting(EventView::action).containsExactly("start", "die");
  }

  @Test
  void sequenceGoingBackwardsOnAStreamIsInvalidArgument() throws IOException {
    startInProcess(Optional.of(TOKEN));
    Agent a = connect("Bearer " + TOKEN);
    a.out.onNext(hello(1, "agent-1", node("node-1", "alpha")));
    a.out.onNext(message(2, event(1_000, "start", "c1", "web", 1).build()));
    a.out.onNext(message(2, event(1_000, "start", "c1", "web", 1).build()));

    Status s = a.awaitEnd();

    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).startsWith("seq 2 after seq 2: sequence numbers must increase");
    assertThat(events()).extracting(EventView::action).containsExactly("start");
  }

  @Test
  void streamNotStartingWithHelloIsInvalidArgument() throws IOException {
    startInProcess(Optional.of(TOKEN));
    Agent a = connect("Bearer " + TOKEN);
    a.out.onNext(message(1, event(1_000, "start", "c1", "web", 1).build()));

    Status s = a.awaitEnd();

    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("first message on a stream must be Hello");
    assertThat(a.acks).isEmpty();
    assertThat(events()).isEmpty();
  }

  @Test
  void protocolErrorAfterHelloEndsTheStreamAndDisconnectsTheAgent() throws IOException {
    startInProcess(Optional.of(TOKEN));
    Agent a = connect("Bearer " + TOKEN);
    a.out.onNext(hello(1, "agent-1", node("node-1", "alpha")));
    await().atMost(DEADLINE).until(() -> a.answered());
    a.out.onNext(hello(2, "agent-1", node("node-1", "alpha")));

    Status s = a.awaitEnd();

    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("Hello sent twice");
    assertThat(agentConnected("node-1")).isFalse();
  }

  @Test
  void agentEndingItsStreamIsMarkedDisconnected() throws IOException {
    startInProcess(Optional.of(TOKEN));
    Agent a = connect("Bearer " + TOKEN);
    a.out.onNext(hello(1, "agent-1", node("node-1", "alpha")));
    await().atMost(DEADLINE).until(() -> agentConnected("node-1"));

    a.out.onCompleted();

    assertThat(a.awaitEnd().getCode()).isEqualTo(Status.Code.OK);
    await().atMost(DEADLINE).until(() -> !agentConnected("node-1"));
  }

  @Test
  void agentCancellingItsStreamIsMarkedDisconnected() throws IOException {
    startInProcess(Optional.of(TOKEN));
    Agent a = connect("Bearer " + TOKEN);
    a.out.onNext(hello(1, "agent-1", node("node-1", "alpha")));
    await().atMost(DEADLINE).until(() -> agentConnected("node-1"));

    a.out.cancel("agent shutting down", null);

    await().atMost(DEADLINE).until(() -> !agentConnected("node-1"));
  }

  @Test
  void reconnectedAgentStaysConnectedWhenItsOldStreamEnds() throws IOException {
    startInProcess(Optional.of(TOKEN));
    Agent old = connect("Bearer " + TOKEN);
    old.out.onNext(hello(1, "agent-1", node("node-1", "alpha")));
    await().atMost(DEADLINE).until(() -> old.answered());
    Agent fresh = connect("Bearer " + TOKEN);
    fresh.out.onNext(hello(1, "agent-1", node("node-1", "alpha")));
    await().atMost(DEADLINE).until(() -> fresh.answered());

    old.out.onCompleted();
    old.awaitEnd();

    assertThat(agentConnected("node-1")).isTrue();
  }

  private static Node manager(String id, String hostname) {
    return node(id, hostname).toBuilder().setRole("manager").build();
  }

  @Test
  void managerAgentIsAskedToReportTheSwarmView() throws IOException {
    startInProcess(Optional.empty());
    Agent worker = connect(null);
    worker.out.onNext(hello(1, "agent-w", node("node-w", "worker-1")));
    Agent m = connect(null);

    m.out.onNext(hello(1, "agent-1", manager("node-1", "alpha")));

    await().atMost(DEADLINE).until(() -> m.reportSwarm.equals(List.of(true)));
    await().atMost(DEADLINE).until(() -> m.answered() && worker.answered());
    assertThat(worker.reportSwarm).isEmpty();
  }

  @Test
  void whenTheReportingManagersStreamEndsTheNextConnectedManagerIsAsked() throws IOException {
    startInProcess(Optional.empty());
    Agent first = connect(null);
    first.out.onNext(hello(1, "agent-1", manager("node-1", "alpha")));
    await().atMost(DEADLINE).until(() -> first.reportSwarm.equals(List.of(true)));
    Agent second = connect(null);
    second.out.onNext(hello(1, "agent-2", manager("node-2", "beta")));
    await().atMost(DEADLINE).until(() -> second.answered());
    assertThat(second.reportSwarm).isEmpty();

    first.out.onCompleted();

    await().atMost(DEADLINE).until(() -> second.reportSwarm.equals(List.of(true)));
    assertThat(first.awaitEnd().getCode()).isEqualTo(Status.Code.OK);
  }

  @Test
  void whenTheReportingManagerCancelsItsStreamTheNextConnectedManagerIsAsked() throws IOException {
    startInProcess(Optional.empty());
    Agent first = connect(null);
    first.out.onNext(hello(1, "agent-1", manager("node-1", "alpha")));
    await().atMost(DEADLINE).until(() -> first.reportSwarm.equals(List.of(true)));
    Agent second = connect(null);
    second.out.onNext(hello(1, "agent-2", manager("node-2", "beta")));
    await().atMost(DEADLINE).until(() -> second.answered());

    first.out.cancel("agent shutting down", null);

    await().atMost(DEADLINE).until(() -> second.reportSwarm.equals(List.of(true)));
  }

  @Test
  void withoutATokenAnInProcessAgentIsAccepted() throws IOException {
    startInProcess(Optional.empty());
    Agent a = connect(null);
    a.out.onNext(hello(1, "agent-1", node("node-1", "alpha")));

    await().atMost(DEADLINE).until(() -> a.answered());
    assertThat(agentConnected("node-1")).isTrue();
  }

  @Test
  void withoutATokenALocalhostAgentIsAcceptedOverRealTcp() throws IOException {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                ServerInterceptors.intercept(
                    new IngestService(new Ingester(model)),
                    new AgentAuthInterceptor(Optional.empty())))
            .build()
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    Agent a = connect(null);

    a.out.onNext(hello(1, "agent-1", node("node-1", "alpha")));
    a.out.onNext(message(2, event(1_000, "start", "c1", "web", 1).build()));

    await().atMost(DEADLINE).until(() -> a.lastAck() == 2);
    assertThat(agentConnected("node-1")).isTrue();
    assertThat(events()).extracting(EventView::action).containsExactly("start");

    a.out.onCompleted();
    assertThat(a.awaitEnd().getCode()).isEqualTo(Status.Code.OK);
    await().atMost(DEADLINE).until(() -> !agentConnected("node-1"));
  }
}
