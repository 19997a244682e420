package io.swarmwatch.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swarmwatch.proto.v1.SwarmService;
import io.swarmwatch.proto.v1.SwarmView;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SwarmReporter with a fake reader and sink, on short real intervals. */
class SwarmReporterTest {
  private static final Duration LONG = Duration.ofSeconds(30);
  private static final Duration SHORT = Duration.ofMillis(200);
  private static final Duration QUIET = Duration.ofMillis(800);

  private final FakeReader reader = new FakeReader();
  private final List<SwarmView> sent = new CopyOnWriteArrayList<>();
  private SwarmReporter reporter;

  @AfterEach
  void close() {
    if (reporter != null) {
      reporter.close();
    }
  }

  /** Returns views of one service whose image is {@link #content}; taken_at always differs. */
  private static final class FakeReader implements Supplier<SwarmView> {
    final AtomicInteger calls = new AtomicInteger();
    final List<Long> callNanos = new CopyOnWriteArrayList<>();
    final AtomicLong takenAt = new AtomicLong(1_000);
    volatile String content = "web:1";
    volatile int failFirst;

    @Override
    public SwarmView get() {
      int n = calls.incrementAndGet();
      callNanos.add(System.nanoTime());
      if (n <= failFirst) {
        throw new IllegalStateException("This node is not a swarm manager (call " + n + ")");
      }
      return SwarmView.newBuilder()
          .setTakenAtUnixNanos(takenAt.incrementAndGet())
          .addServices(SwarmService.newBuilder().setId("svc-1").setName("web").setImage(content))
          .build();
    }
  }

  private SwarmReporter start(Duration interval, Duration debounce) {
    reporter = new SwarmReporter(reader, sent::add, interval, debounce);
    reporter.start();
    return reporter;
  }

  @Test
  void disabledReporterNeverReadsEvenWhenPoked() {
    start(SHORT, Duration.ofMillis(10));

    reporter.poke();

    await().during(QUIET).atMost(QUIET.multipliedBy(2)).until(() -> reader.calls.get() == 0);
    assertThat(sent).isEmpty();
    assertThat(reporter.enabled()).isFalse();
  }

  @Test
  void enablingSendsAViewPromptly() {
    start(LONG, Duration.ofMillis(50));

    reporter.setEnabled(true);

    await().atMost(Duration.ofSeconds(2)).until(() -> sent.size() == 1);
    assertThat(sent.get(0).getServices(0).getImage()).isEqualTo("web:1");
    assertThat(reporter.enabled()).isTrue();
    assertThat(reporter.reads()).isEqualTo(1);
  }

  @Test
  void unchangedViewIsNotSentAgainThoughItsTimeDiffers() {
    start(SHORT, Duration.ofMillis(10));
    reporter.setEnabled(true);

    await().atMost(Duration.ofSeconds(5)).until(() -> reader.calls.get() >= 4);
    assertThat(sent).hasSize(1);

    reader.content = "web:2";

    await().atMost(Duration.ofSeconds(2)).until(() -> sent.size() == 2);
    assertThat(sent.get(1).getServices(0).getImage()).isEqualTo("web:2");
    assertThat(sent.get(1).getTakenAtUnixNanos()).isGreaterThan(sent.get(0).getTakenAtUnixNanos());
  }

  @Test
  void pokeReadsAgainAfterTheDebounceNotBefore() {
    Duration debounce = Duration.ofMillis(150);
    start(LONG, debounce);
    reporter.setEnabled(true);
    await().atMost(Duration.ofSeconds(2)).until(() -> reader.calls.get() == 1);

    long pokedAt = System.nanoTime();
    reporter.poke();

    await().atMost(debounce.plusSeconds(1)).until(() -> reader.calls.get() == 2);
    assertThat(reader.callNanos.get(1) - pokedAt).isGreaterThanOrEqualTo(debounce.toNanos());
    // Same content: read, not sent.
    assertThat(sent).hasSize(1);
  }

  @Test
  void burstOfPokesIsOneRead() throws InterruptedException {
    Duration debounce = Duration.ofMillis(400);
    start(LONG, debounce);
    reporter.setEnabled(true);
    await().atMost(Duration.ofSeconds(2)).until(() -> reader.calls.get() == 1);

    // A rolling update: an event every 20 ms for 200 ms, all inside one debounce window.
    ScheduledExecutorService events = Executors.newSingleThreadScheduledExecutor();
    try {
      for (int i = 0; i <= 10; i++) {
        events.schedule(reporter::poke, 20L * i, TimeUnit.MILLISECONDS);
      }
      await().atMost(Duration.ofSeconds(3)).until(() -> reader.calls.get() >= 2);
      await().during(QUIET).atMost(QUIET.multipliedBy(2)).until(() -> reader.calls.get() == 2);
    } finally {
      events.shutdownNow();
      assertThat(events.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void readsPeriodicallyAtTheInterval() {
    start(SHORT, Duration.ofMillis(10));
    reporter.setEnabled(true);

    await().atMost(Duration.ofSeconds(5)).until(() -> reader.calls.get() >= 5);

    List<Long> at = List.copyOf(reader.callNanos);
    for (int i = 1; i < 5; i++) {
      assertThat(at.get(i) - at.get(i - 1))
          .as("gap between read %d and %d", i - 1, i)
          .isGreaterThanOrEqualTo(SHORT.toNanos());
    }
  }

  @Test
  void disablingStopsReadingAndSending() {
    start(SHORT, Duration.ofMillis(10));
    reporter.setEnabled(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> reader.calls.get() >= 2);

    reporter.setEnabled(false);
    reader.content = "web:2"; // would be sent if anything still read
    int reads = reader.calls.get();

    // A read already under way may finish; nothing after it, and nothing is sent.
    await()
        .during(QUIET)
        .atMost(QUIET.multipliedBy(2))
        .until(() -> reader.calls.get() <= reads + 1);
    assertThat(sent).hasSize(1);
    assertThat(reporter.enabled()).isFalse();
  }

  @Test
  void reEnablingSendsTheUnchangedViewAgain() {
    start(LONG, Duration.ofMillis(10));
    reporter.setEnabled(true);
    await().atMost(Duration.ofSeconds(2)).until(() -> sent.size() == 1);

    reporter.setEnabled(false);
    reporter.setEnabled(true);

    // A newly chosen reporter must send its view even if it sent the same one before.
    await().atMost(Duration.ofSeconds(2)).until(() -> sent.size() == 2);
    assertThat(sent.get(1).getServices(0)).isEqualTo(sent.get(0).getServices(0));
  }

  @Test
  void readerFailuresAreCountedAndReadingGoesOn() {
    reader.failFirst = 2;
    start(SHORT, Duration.ofMillis(10));
    reporter.setEnabled(true);

    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
    assertThat(reporter.failures()).isEqualTo(2);
    assertThat(reporter.reads()).isEqualTo(1);
    assertThat(reader.calls.get()).isEqualTo(3);
  }

  @Test
  void sinkFailureIsCountedAndTheSameViewIsSentNextTime() {
    AtomicInteger attempts = new AtomicInteger();
    reporter =
        new SwarmReporter(
            reader,
            v -> {
              if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("outbox closed");
              }
              sent.add(v);
            },
            SHORT,
            Duration.ofMillis(10));
    reporter.start();
    reporter.setEnabled(true);

    // The unchanged view is not taken for sent: the next periodic read sends it.
    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
    assertThat(reporter.failures()).isEqualTo(1);
    assertThat(sent.get(0).getServices(0).getImage()).isEqualTo("web:1");
  }

  @Test
  void zeroDebounceReadsAtOnce() {
    start(LONG, Duration.ZERO);
    reporter.setEnabled(true);
    await().atMost(Duration.ofSeconds(2)).until(() -> reader.calls.get() == 1);

    reporter.poke();

    await().atMost(Duration.ofSeconds(2)).until(() -> reader.calls.get() == 2);
  }

  @Test
  void closeIsPromptIdempotentAndFinal() {
    start(LONG, Duration.ofMillis(10));
    reporter.setEnabled(true);
    await().atMost(Duration.ofSeconds(2)).until(() -> reader.calls.get() == 1);

    long t0 = System.nanoTime();
    reporter.close();
    reporter.close();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));

    reporter.poke();
    reporter.setEnabled(false);
    reporter.setEnabled(true);
    await().during(QUIET).atMost(QUIET.multipliedBy(2)).until(() -> reader.calls.get() == 1);
  }

  @Test
  void closeWithoutStartReturns() {
    reporter = new SwarmReporter(reader, sent::add, SHORT, SHORT);

    reporter.close();
    reporter.close();

    assertThat(reader.calls.get()).isZero();
  }
}
