package io.swarmwatch.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParamsTest {
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static Params params(String name, String... values) {
    return new Params(Map.of(name, List.of(values)), CLOCK);
  }

  private static void assertBadRequest(Runnable r, String... messageParts) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> assertThat(e.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST))
        .hasMessageContainingAll(messageParts);
  }

  @Test
  void timeParsesRfc3339() {
    assertThat(params("since", "2024-04-30T08:15:00Z").time("since"))
        .contains(Instant.parse("2024-04-30T08:15:00Z"));
    assertThat(params("since", "2024-04-30T08:15:00.123456789Z").time("since"))
        .contains(Instant.parse("2024-04-30T08:15:00.123456789Z"));
    assertThat(params("since", "2024-04-30T10:15:00+02:00").time("since"))
        .contains(Instant.parse("2024-04-30T08:15:00Z"));
  }

  @Test
  void timeParsesADurationAgoFromTheClock() {
    assertThat(params("since", "10m").time("since")).contains(NOW.minus(Duration.ofMinutes(10)));
    assertThat(params("since", "1h30m").time("since")).contains(NOW.minus(Duration.ofMinutes(90)));
    assertThat(params("since", "7d").time("since")).contains(NOW.minus(Duration.ofDays(7)));
    assertThat(params("since", "0s").time("since")).contains(NOW);
  }

  @Test
  void timeAbsentOrBlankIsEmpty() {
    assertThat(params("other", "x").time("since")).isEmpty();
    assertThat(params("since", "  ").time("since")).isEmpty();
  }

  @Test
  void timeRejectsGarbageNamingTheParameter() {
    for (String bad :
        new String[] {"yesterday", "2024-05-01", "10", "-10m", "2024-05-01 10:00:00Z"}) {
      assertBadRequest(
          () -> params("until", bad).time("until"),
          "parameter 'until'",
          "RFC 3339",
          "duration ago",
          "'" + bad + "'");
    }
  }

  @Test
  void timeRejectsDurationsReachingBeforeTheStartOfTime() {
    for (String huge : new String[] {"9999999999999d", "999999999999999999d"}) {
      assertBadRequest(() -> params("since", huge).time("since"), "parameter 'since'", huge);
    }
  }

  @Test
  void integerWithinBounds() {
    assertThat(params("limit", "5").integer("limit", 100, 1, 10)).isEqualTo(5);
    assertThat(params("limit", "1").integer("limit", 100, 1, 10)).isEqualTo(1);
    assertThat(params("limit", "10").integer("limit", 100, 1, 10)).isEqualTo(10);
    assertThat(params("other", "5").integer("limit", 100, 1, 10)).isEqualTo(100);
  }

  @Test
  void integerOutOfBoundsOrMalformedIsABadRequest() {
    assertBadRequest(
        () -> params("limit", "0").integer("limit", 100, 1, 10),
        "parameter 'limit' must be between 1 and 10, got 0");
    assertBadRequest(() -> params("limit", "11").integer("limit", 100, 1, 10), "got 11");
    assertBadRequest(
        () -> params("limit", "abc").integer("limit", 100, 1, 10),
        "parameter 'limit' must be an integer, got 'abc'");
    assertBadRequest(
        () -> params("limit", "99999999999").integer("limit", 100, 1, 10), "must be an integer");
  }

  @Test
  void stringTrimsAndRejectsRepeats() {
    assertThat(params("service", " web ").string("service")).contains("web");
    assertThat(params("service", "").string("service")).isEmpty();
    assertThat(new Params(Map.of("service", List.of()), CLOCK).string("service")).isEmpty();
    assertBadRequest(
        () -> params("service", "web", "api").string("service"),
        "parameter 'service' given more than once");
  }

  @Test
  void allowRejectsUnknownParametersListingTheKnownOnes() {
    assertThat(params("service", "web").allow(Set.of("service", "node")).string("service"))
        .contains("web");
    assertBadRequest(
        () -> params("sevrice", "web").allow(Set.of("service", "node")),
        "unknown parameter 'sevrice'",
        "node, service");
  }
}
