package io.swarmwatch.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration MIN = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(1);

  private static List<Long> nextMillis(Backoff b, int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(b.next().toMillis());
    }
    return out;
  }

  @Test
  void lowestJitterWaitsHalfTheCeilingWhichDoubles() {
    Backoff b = new Backoff(MIN, MAX, () -> 0.0);
    // ceilings 100, 200, 400, 800, then capped at 1000
    assertThat(nextMillis(b, 7)).containsExactly(50L, 100L, 200L, 400L, 500L, 500L, 500L);
  }

  @Test
  void highestJitterWaitsJustUnderTheCeiling() {
    Backoff b = new Backoff(MIN, MAX, () -> 0.999);
    assertThat(nextMillis(b, 6)).containsExactly(99L, 199L, 399L, 799L, 999L, 999L);
  }

  @Test
  void neverExceedsMaxEvenAfterManyAttempts() {
    Backoff b = new Backoff(MIN, MAX, () -> 0.999);
    for (int i = 0; i < 200; i++) {
      assertThat(b.next()).as("attempt %d", i).isLessThanOrEqualTo(MAX).isPositive();
    }
  }

  @Test
  void resetStartsAgainFromMin() {
    Backoff b = new Backoff(MIN, MAX, () -> 0.0);
    nextMillis(b, 5);
    b.reset();
    assertThat(nextMillis(b, 2)).containsExactly(50L, 100L);
  }

  @Test
  void minEqualToMaxIsAllowed() {
    Backoff b = new Backoff(MAX, MAX, () -> 0.0);
    assertThat(nextMillis(b, 3)).containsExactly(500L, 500L, 500L);
  }

  @Test
  void defaultRandomStaysWithinTheJitterWindow() {
    Backoff b = new Backoff(MIN, MAX);
    for (int i = 0; i < 50; i++) {
      long ceiling = Math.min(100L << Math.min(i, 30), 1000L);
      assertThat(b.next().toMillis()).as("attempt %d", i).isBetween(ceiling / 2, ceiling);
    }
  }

  @Test
  void rejectsZeroOrNegativeMinAndMaxBelowMin() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, MAX))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 < min <= max");
    assertThatThrownBy(() -> new Backoff(Duration.ofMillis(-1), MAX))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(MAX, MIN, () -> 0.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT1S")
        .hasMessageContaining("PT0.1S");
  }
}
