package io.swarmwatch.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The pure parts of EngineWatcher (the rest needs an Engine: see EngineWatcherIT). */
class EngineWatcherTest {
  @Test
  void sinceParamIsSecondsDotNineDigitNanos() {
    assertThat(EngineWatcher.sinceParam(1_700_000_000_000_000_005L))
        .isEqualTo("1700000000.000000005");
    assertThat(EngineWatcher.sinceParam(1_700_000_000_123_456_789L))
        .isEqualTo("1700000000.123456789");
    assertThat(EngineWatcher.sinceParam(1_700_000_000_100_000_000L))
        .isEqualTo("1700000000.100000000");
  }

  @Test
  void sinceParamOnWholeSecondsAndZero() {
    assertThat(EngineWatcher.sinceParam(1_700_000_000_000_000_000L))
        .isEqualTo("1700000000.000000000");
    assertThat(EngineWatcher.sinceParam(999_999_999L)).isEqualTo("0.999999999");
    assertThat(EngineWatcher.sinceParam(0)).isEqualTo("0.000000000");
  }

  @Test
  void sinceParamUsesAsciiDigitsWhateverTheDefaultLocale() {
    // An agent started with LANG=ar_EG.UTF-8 must still send the Engine "1700000000.000000005".
    Locale before = Locale.getDefault(Locale.Category.FORMAT);
    try {
      Locale.setDefault(Locale.Category.FORMAT, Locale.forLanguageTag("ar-EG"));
      assertThat(EngineWatcher.sinceParam(1_700_000_000_000_000_005L))
          .isEqualTo("1700000000.000000005");
    } finally {
      Locale.setDefault(Locale.Category.FORMAT, before);
    }
  }
}
