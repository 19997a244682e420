package io.swarmwatch.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parsesEachUnit() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("0s")).isEqualTo(Duration.ZERO);
  }

  @Test
  void addsUpCompoundDurations() {
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("1m500ms")).isEqualTo(Duration.ofMillis(60_500));
    assertThat(Durations.parse("1d2h3m4s5ms"))
        .isEqualTo(Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4).plusMillis(5));
  }

  @Test
  void toleratesSurroundingWhitespace() {
    assertThat(Durations.parse("  10s \n")).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void rejectsMalformedDurationsWithExamples() {
    for (String bad : new String[] {"10", "m5", "5x", "1h 30m", "1.5h", "-5s", "10S", "s", "5m!"}) {
      assertThatThrownBy(() -> Durations.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "' is not a duration")
          .hasMessageContaining("1h30m");
    }
  }

  @Test
  void rejectsEmptyAndBlank() {
    for (String blank : new String[] {"", "   "}) {
      assertThatThrownBy(() -> Durations.parse(blank))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("empty duration");
    }
  }

  @Test
  void rejectsDurationsTooLargeToRepresent() {
    // An overflow must be an IllegalArgumentException like any other bad value, so callers that
    // turn those into configuration or request errors handle it too.
    for (String huge :
        new String[] {"999999999999999999d", "99999999999999999999s", "9223372036854775807d"}) {
      assertThatThrownBy(() -> Durations.parse(huge))
          .as(huge)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(huge);
    }
  }
}
