package io.swarmwatch.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AgentHealthTest {
  private final MutableClock clock = new MutableClock();
  private final AtomicBoolean connected = new AtomicBoolean(true);
  private final AtomicBoolean engineUp = new AtomicBoolean(true);

  private AgentHealth health(Duration maxDisconnected) {
    return new AgentHealth(
        () -> {
          if (!engineUp.get()) {
            throw new IllegalStateException("connection refused");
          }
        },
        connected::get,
        maxDisconnected,
        clock);
  }

  @Test
  void healthyWhenTheEngineAnswersAndTheStreamIsUp() {
    AgentHealth.Status s = health(Duration.ofMinutes(5)).check();
    assertThat(s).isEqualTo(new AgentHealth.Status(true, "ok", "connected"));
  }

  @Test
  void anEngineThatDoesNotAnswerIsUnhealthyWithTheReason() {
    engineUp.set(false);
    AgentHealth.Status s = health(Duration.ofMinutes(5)).check();
    assertThat(s.healthy()).isFalse();
    assertThat(s.engine()).isEqualTo("not answering: connection refused");
  }

  @Test
  void aCollectorAwayForAWhileIsToleratedThenUnhealthy() {
    AgentHealth h = health(Duration.ofMinutes(5));
    h.check();
    connected.set(false);
    clock.advance(Duration.ofSeconds(1));
    assertThat(h.check()).isEqualTo(new AgentHealth.Status(true, "ok", "disconnected for 0s"));
    clock.advance(Duration.ofMinutes(5));
    assertThat(h.check().healthy()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    AgentHealth.Status s = h.check();
    assertThat(s.healthy()).isFalse();
    assertThat(s.collector()).isEqualTo("disconnected for 301s");
    connected.set(true);
    assertThat(h.check().healthy()).isTrue();
  }

  @Test
  void neverConnectingCountsFromStart() {
    connected.set(false);
    AgentHealth h = health(Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(31));
    assertThat(h.check().healthy()).isFalse();
  }

  @Test
  void zeroMeansTheCollectorNeverMakesTheAgentUnhealthy() {
    connected.set(false);
    AgentHealth h = health(Duration.ZERO);
    clock.advance(Duration.ofDays(1));
    assertThat(h.check().healthy()).isTrue();
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
