package io.swarmwatch.agent.ship;

import static io.swarmwatch.agent.ship.SpoolTest.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Metadata;
import io.grpc.Status;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.Hello;
import io.swarmwatch.proto.v1.Node;
import io.swarmwatch.proto.v1.Snapshot;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shipper against a real gRPC server on loopback ({@link FakeCollector}). */
class ShipperTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Hello HELLO =
      Hello.newBuilder()
          .setAgentId("n8d0s1a2b3c4d5e6f7g8h9i0j")
          .setStreamId("5e0c9f4a-6a51-4d8e-9b7a-3c2d1e0f9a8b")
          .setAgentVersion("0.1.0-test")
          .setNode(Node.newBuilder().setId("n8d0s1a2b3c4d5e6f7g8h9i0j").setHostname("worker-1"))
          .build();

  @TempDir Path dir;
  private final List<Shipper> shippers = new ArrayList<>();
  private final List<Spool> spools = new ArrayList<>();
  private final List<FakeCollector> collectors = new ArrayList<>();

  /** Each call is a new snapshot whose taken_at is the call count: 1 for the first session. */
  private final AtomicInteger snapshotCalls = new AtomicInteger();

  private final Supplier<Snapshot> snapshots =
      () -> Snapshot.newBuilder().setTakenAtUnixNanos(snapshotCalls.incrementAndGet()).build();

  @AfterEach
  void closeAll() throws InterruptedException {
    shippers.forEach(Shipper::close);
    spools.forEach(Spool::close);
    for (FakeCollector c : collectors) {
      c.close();
    }
  }

  private FakeCollector collector(FakeCollector c) {
    collectors.add(c);
    return c;
  }

  private static ShipperConfig config(String target, Optional<String> token) {
    return new ShipperConfig(
        target,
        token,
        Duration.ofMillis(50),
        Duration.ofMillis(200),
        Duration.ofMillis(300),
        Duration.ofSeconds(5),
        Duration.ofSeconds(30));
  }

  private Spool spool() {
    Spool s =
        Spool.open(
            new SpoolConfig(
                dir,
                SpoolConfig.DEFAULT_MAX_BYTES,
                SpoolConfig.DEFAULT_SEGMENT_BYTES,
                Duration.ofMillis(20)));
    spools.add(s);
    return s;
  }

  private Shipper start(ShipperConfig config, Spool spool, Supplier<Hello> hello) {
    Shipper s = new Shipper(config, spool, hello, snapshots);
    shippers.add(s);
    s.start();
    return s;
  }

  private static List<Long> seqs(List<AgentMessage> messages) {
    return messages.stream().map(AgentMessage::getSeq).toList();
  }

  private static List<String> actions(List<AgentMessage> messages) {
    return messages.stream().map(m -> m.getEvent().getAction()).toList();
  }

  @Test
  void sendsHelloThenTheSpoolInOrderThenAFreshSnapshot() {
    FakeCollector collector = collector(FakeCollector.acking(0));
    Spool spool = spool();
    spool.put(event("create"));
    spool.put(event("start"));
    spool.put(event("health_status: healthy"));

    Shipper shipper = start(config(collector.target(), Optional.empty()), spool, () -> HELLO);

    await().atMost(DEADLINE).until(() -> shipper.acked() == 4);
    assertThat(shipper.connected()).isTrue();
    List<AgentMessage> r = List.copyOf(collector.received);
    assertThat(r).hasSize(5);
    assertThat(r.get(0).getHello()).isEqualTo(HELLO);
    assertThat(actions(r.subList(1, 4)))
        .containsExactly("create", "start", "health_status: healthy");
    assertThat(seqs(r.subList(1, 5))).containsExactly(1L, 2L, 3L, 4L);
    assertThat(r.get(4).hasSnapshot()).isTrue();
    assertThat(r.get(4).getSnapshot().getTakenAtUnixNanos()).isEqualTo(1);
    assertThat(collector.headers).hasSize(1);
    assertThat(collector.headers.get(0).get(AUTHORIZATION)).isNull();

    // Live: a message put while streaming goes out next, on the same stream.
    spool.put(event("die"));
    await().atMost(DEADLINE).until(() -> shipper.acked() == 5);
    assertThat(collector.received).hasSize(6);
    assertThat(collector.received.get(5).getSeq()).isEqualTo(5);
    assertThat(collector.received.get(5).getEvent().getAction()).isEqualTo("die");
    assertThat(collector.callStartNanos).hasSize(1);
  }

  @Test
  void aRestartedAgentResendsOnlyWhatTheCollectorDoesNotHold() {
    FakeCollector collector = collector(FakeCollector.acking(0));
    Spool spool = spool();
    spool.put(event("a"));
    spool.put(event("b"));
    Shipper first = start(config(collector.target(), Optional.empty()), spool, () -> HELLO);
    await().atMost(DEADLINE).until(() -> first.acked() == 3);
    first.close();
    spool.close();

    Spool again = spool();
    again.put(event("c"));
    Shipper second = start(config(collector.target(), Optional.empty()), again, () -> HELLO);
    await().atMost(DEADLINE).until(() -> collector.received.size() >= 7);
    await().atMost(DEADLINE).until(() -> second.acked() > 3);
    List<AgentMessage> r = List.copyOf(collector.received.subList(4, 7));
    assertThat(r.get(0).hasHello()).isTrue();
    assertThat(actions(r.subList(1, 2))).containsExactly("c");
    assertThat(r.get(1).getSeq()).isGreaterThan(3);
    assertThat(r.get(2).hasSnapshot()).isTrue();
    assertThat(collector.received).hasSize(7);
  }

  @Test
  void collectorsRequestToReportTheSwarmIsPassedOnAndWithdrawnWhenTheStreamEnds() throws Exception {
    FakeCollector collector = collector(FakeCollector.acking(0));
    collector.askToReportSwarm = true;
    List<Boolean> told = new CopyOnWriteArrayList<>();
    Shipper shipper =
        new Shipper(
            config(collector.target(), Optional.empty()),
            spool(),
            () -> HELLO,
            snapshots,
            told::add);
    shippers.add(shipper);
    shipper.start();

    await().atMost(DEADLINE).until(() -> told.equals(List.of(true)));

    // The collector will choose again among the agents connected then: stop until told.
    collector.close();
    // (Each failed reconnect says false again.)
    await()
        .atMost(DEADLINE)
        .until(() -> told.size() >= 2 && !told.subList(1, told.size()).contains(true));
  }

  @Test
  void sendsTheTokenAsBearerAuthorization() {
    FakeCollector collector = collector(FakeCollector.acking(0));
    ShipperConfig config = config(collector.target(), Optional.of("SWMTKN-1-s3cret"));

    Shipper shipper = start(config, spool(), () -> HELLO);

    await().atMost(DEADLINE).until(shipper::connected);
    assertThat(collector.headers).isNotEmpty();
    assertThat(collector.headers.get(0).get(AUTHORIZATION)).isEqualTo("Bearer SWMTKN-1-s3cret");
    assertThat(config.toString()).doesNotContain("s3cret").contains("token=set");
  }

  @Test
  void reconnectsToARestartedCollectorAndSendsWhatWaitedInTheSpool() throws Exception {
    FakeCollector first = collector(FakeCollector.acking(0));
    int port = first.port();
    Spool spool = spool();
    Shipper shipper = start(config(first.target(), Optional.empty()), spool, () -> HELLO);
    spool.put(event("start"));
    await().atMost(DEADLINE).until(() -> shipper.acked() == 2);

    first.close();
    await().atMost(DEADLINE).until(() -> !shipper.connected());
    // Put while no collector is there: must wait in the spool for the next session.
    spool.put(event("die"));
    spool.put(event("destroy"));
    FakeCollector second = collector(FakeCollector.acking(port));

    await().atMost(DEADLINE).until(() -> second.received.size() >= 4);
    await().atMost(DEADLINE).until(shipper::connected);
    List<AgentMessage> r = List.copyOf(second.received);
    assertThat(r).hasSize(4);
    assertThat(r.get(0).getHello()).isEqualTo(HELLO);
    assertThat(first.maxSeq()).isEqualTo(2);
    // Not what the first collector acknowledged: what waited, then a fresh snapshot.
    assertThat(actions(r.subList(1, 3))).containsExactly("die", "destroy");
    assertThat(seqs(r.subList(1, 4))).containsExactly(3L, 4L, 5L);
    assertThat(r.get(3).hasSnapshot()).isTrue();
    assertThat(r.get(3).getSnapshot().getTakenAtUnixNanos())
        .as("a fresh snapshot, not the first session's")
        .isEqualTo(2);
    await().atMost(DEADLINE).until(() -> shipper.acked() == 5);
  }

  @Test
  void aRefusedAgentNeverConnectsAndRetriesNoFasterThanRejectedBackoff() {
    FakeCollector collector =
        collector(
            FakeCollector.rejecting(
                0, Status.UNAUTHENTICATED.withDescription("unknown join token")));
    // backoffMax (200 ms) < rejectedBackoff (300 ms): every wait is the rejected floor.
    ShipperConfig config =
        new ShipperConfig(
            collector.target(),
            Optional.of("wrong"),
            Duration.ofMillis(10),
            Duration.ofMillis(200),
            Duration.ofMillis(300),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30));

    Shipper shipper = start(config, spool(), () -> HELLO);

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(shipper.connected()).isFalse();
              assertThat(collector.callStartNanos).hasSizeGreaterThanOrEqualTo(4);
            });
    assertThat(shipper.connected()).isFalse();
    assertThat(shipper.acked()).isZero();
    assertThat(collector.received).isEmpty();
    List<Long> starts = List.copyOf(collector.callStartNanos);
    for (int i = 1; i < starts.size(); i++) {
      assertThat(Duration.ofNanos(starts.get(i) - starts.get(i - 1)))
          .as("gap before attempt %d", i + 1)
          .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }
    long firstSecond =
        starts.stream().filter(t -> t - starts.get(0) < Duration.ofSeconds(1).toNanos()).count();
    // With backoffMin 10 ms it would be dozens; the floor allows at most 1 + 1000/300.
    assertThat(firstSecond).isBetween(1L, 4L);
  }

  @Test
  void reconnectsWithinItsOwnBackoffOnceTheCollectorIsBackAfterAnOutage() throws Exception {
    FakeCollector first = collector(FakeCollector.acking(0));
    int port = first.port();
    Shipper shipper = start(config(first.target(), Optional.empty()), spool(), () -> HELLO);
    await().atMost(DEADLINE).until(shipper::connected);
    first.close();
    long down = System.nanoTime();
    // Down long enough for gRPC's own connect backoff (1 s, x1.6, ...) to grow past 2 s: left
    // alone it would keep failing this shipper's attempts that long after the collector is back.
    await("the collector is down a while")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !shipper.connected() && System.nanoTime() - down >= 6_000_000_000L);
    FakeCollector back = collector(FakeCollector.acking(port));
    long up = System.nanoTime();
    await().atMost(DEADLINE).until(shipper::connected);
    assertThat((System.nanoTime() - up) / 1_000_000)
        .as("ms from the collector's return to the stream (shipper backoff max 200 ms)")
        .isLessThan(1500);
    assertThat(back.received).isNotEmpty();
  }

  @Test
  void retriesWhileTheEngineDoesNotAnswerAndConnectsOnceItDoes() {
    FakeCollector collector = collector(FakeCollector.acking(0));
    AtomicBoolean engineUp = new AtomicBoolean();
    AtomicInteger helloCalls = new AtomicInteger();
    Supplier<Hello> hello =
        () -> {
          helloCalls.incrementAndGet();
          if (!engineUp.get()) {
            throw new RuntimeException(
                "java.io.IOException: connect failed", new ConnectException("Connection refused"));
          }
          return HELLO;
        };

    Shipper shipper = start(config(collector.target(), Optional.empty()), spool(), hello);

    await().atMost(DEADLINE).until(() -> helloCalls.get() >= 3);
    assertThat(shipper.connected()).isFalse();
    // No stream is opened before there is a Hello to send.
    assertThat(collector.callStartNanos).isEmpty();

    engineUp.set(true);
    await().atMost(DEADLINE).until(shipper::connected);
    await().atMost(DEADLINE).until(() -> collector.received.size() >= 2);
    assertThat(collector.received.get(0).getHello()).isEqualTo(HELLO);
    assertThat(collector.received.get(1).hasSnapshot()).isTrue();
    assertThat(collector.received.get(1).getSeq()).isEqualTo(1);
    assertThat(collector.callStartNanos).hasSize(1);
  }

  @Test
  void closeIsPromptEndsTheStreamGracefullyAndIsIdempotent() {
    FakeCollector collector = collector(FakeCollector.acking(0));
    Shipper shipper = start(config(collector.target(), Optional.empty()), spool(), () -> HELLO);
    await().atMost(DEADLINE).until(() -> shipper.acked() == 1);

    assertThat(timeToClose(shipper)).isLessThan(Duration.ofSeconds(2));
    assertThat(shipper.connected()).isFalse();
    // Half-closed, not cancelled: the collector sees a clean end of stream.
    await().atMost(DEADLINE).until(() -> collector.halfCloses.get() == 1);

    assertThat(timeToClose(shipper)).isLessThan(Duration.ofMillis(500));
    assertThat(collector.callStartNanos).hasSize(1);
  }

  @Test
  void closeIsPromptWhileTheCollectorHasNotAnsweredHello() {
    FakeCollector collector = collector(FakeCollector.silent(0));
    ShipperConfig config =
        new ShipperConfig(
            collector.target(),
            Optional.empty(),
            Duration.ofMillis(50),
            Duration.ofMillis(200),
            Duration.ofMillis(300),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30));
    Shipper shipper = start(config, spool(), () -> HELLO);
    await().atMost(DEADLINE).until(() -> collector.received.size() == 1);
    assertThat(shipper.connected()).isFalse();

    assertThat(timeToClose(shipper)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void closeIsPromptWhenNoCollectorListens() throws InterruptedException {
    FakeCollector gone = FakeCollector.acking(0);
    String target = gone.target();
    gone.close();
    AtomicInteger helloCalls = new AtomicInteger();
    Shipper shipper =
        start(
            config(target, Optional.empty()),
            spool(),
            () -> {
              helloCalls.incrementAndGet();
              return HELLO;
            });
    await().atMost(DEADLINE).until(() -> helloCalls.get() >= 2);

    assertThat(timeToClose(shipper)).isLessThan(Duration.ofSeconds(2));
    assertThat(shipper.connected()).isFalse();
    assertThat(timeToClose(shipper)).isLessThan(Duration.ofMillis(500));
  }

  @Test
  void closeWithoutStartIsPrompt() {
    Shipper shipper =
        new Shipper(config("127.0.0.1:1", Optional.empty()), spool(), () -> HELLO, snapshots);

    assertThat(timeToClose(shipper)).isLessThan(Duration.ofSeconds(1));
    assertThat(timeToClose(shipper)).isLessThan(Duration.ofSeconds(1));
    assertThat(shipper.connected()).isFalse();
  }

  private static Duration timeToClose(Shipper shipper) {
    long start = System.nanoTime();
    shipper.close();
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
