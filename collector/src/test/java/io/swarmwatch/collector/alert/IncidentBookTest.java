package io.swarmwatch.collector.alert;

import static io.swarmwatch.collector.alert.Changes.T0;
import static io.swarmwatch.collector.alert.Changes.cleared;
import static io.swarmwatch.collector.alert.Changes.raised;
import static io.swarmwatch.collector.alert.Changes.replica;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.collector.alert.config.AlertRules;
import io.swarmwatch.collector.alert.format.Notice;
import io.swarmwatch.collector.alert.format.Notice.Kind;
import io.swarmwatch.collector.rules.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Grouping, batching, repeat, resolve and flap damping, with time passed in by hand. */
class IncidentBookTest {
  static final AlertRules RULES =
      new AlertRules(
          List.of(),
          List.of(),
          List.of(),
          new AlertRules.Grouping(
              Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofHours(4)),
          new AlertRules.Flapping(2, Duration.ofMinutes(15), Duration.ofMinutes(5)),
          AlertRules.DEFAULT_DELIVERY,
          Severity.WARNING);

  private final IncidentBook book = new IncidentBook(RULES, "https://sw.example");

  private Instant at(long millis) {
    return T0.plusMillis(millis);
  }

  @Test
  void replicasFailingTogetherMakeOneFiringMessageAfterTheGroupWait() {
    book.apply(raised(replica("shop_web", 1, "n1"), "unhealthy", "probe: 503", at(0)), at(0));
    book.apply(raised(replica("shop_web", 2, "n2"), "unhealthy", "probe: 503", at(100)), at(100));
    assertThat(book.due(at(499))).isEmpty();
    assertThat(book.nextDue()).contains(at(500));
    List<Notice> out = book.due(at(500));
    assertThat(out).hasSize(1);
    Notice n = out.get(0);
    assertThat(n.kind()).isEqualTo(Kind.FIRING);
    assertThat(n.service()).isEqualTo("shop_web");
    assertThat(n.stack()).isEqualTo("shop");
    assertThat(n.replicas()).extracting(Notice.Replica::slot).containsExactly("1", "2");
    assertThat(n.summary()).isEqualTo("unhealthy on 2 replicas of shop_web: probe: 503");
    assertThat(n.link()).isEqualTo("https://sw.example/#/services/shop_web");
    assertThat(book.due(at(10_000))).isEmpty();
    assertThat(book.firing()).hasSize(1);
  }

  @Test
  void anotherRuleOrServiceIsAnotherIncident() {
    book.apply(raised(replica("web", 1, "n1"), "unhealthy", "x", at(0)), at(0));
    book.apply(
        raised(replica("web", 1, "n1"), "memory-pressure", Severity.WARNING, "y", at(0)), at(0));
    book.apply(raised(replica("api", 1, "n1"), "unhealthy", "z", at(0)), at(0));
    assertThat(book.due(at(500))).hasSize(3).extracting(Notice::incidentId).doesNotHaveDuplicates();
  }

  @Test
  void aBlipShorterThanTheGroupWaitSendsNothing() {
    book.apply(raised(replica("web", 1, "n1"), "unhealthy", "x", at(0)), at(0));
    book.apply(cleared(replica("web", 1, "n1"), "unhealthy", at(200)), at(200));
    assertThat(book.due(at(1000))).isEmpty();
    assertThat(book.firing()).isEmpty();
    assertThat(book.nextDue()).isEmpty();
  }

  @Test
  void laterReplicasAreBatchedIntoOneUpdatePerGroupInterval() {
    book.apply(raised(replica("web", 1, "n1"), "unhealthy", "x", at(0)), at(0));
    assertThat(book.due(at(500))).hasSize(1);
    book.apply(raised(replica("web", 2, "n1"), "unhealthy", "x", at(1000)), at(1000));
    book.apply(raised(replica("web", 3, "n1"), "unhealthy", "x", at(2000)), at(2000));
    book.apply(cleared(replica("web", 1, "n1"), "unhealthy", at(3000)), at(3000));
    assertThat(book.due(at(30_499))).isEmpty();
    List<Notice> out = book.due(at(30_500));
    assertThat(out).hasSize(1);
    assertThat(out.get(0).kind()).isEqualTo(Kind.UPDATE);
    assertThat(out.get(0).replicas()).extracting(Notice.Replica::slot).containsExactly("2", "3");
    assertThat(out.get(0).recovered()).extracting(Notice.Replica::slot).containsExactly("1");
    // A new reason alone is not news.
    book.apply(
        raised(replica("web", 2, "n1"), "unhealthy", "other output", at(40_000)), at(40_000));
    assertThat(book.due(at(100_000))).isEmpty();
  }

  @Test
  void resolvedGoesOutWhenTheLastReplicaRecoversListingWhatWasAffected() {
    book.apply(raised(replica("web", 1, "n1"), "unhealthy", "x", at(0)), at(0));
    book.due(at(500));
    book.apply(cleared(replica("web", 1, "n1"), "unhealthy", at(5000)), at(5000));
    assertThat(book.firing()).isEmpty();
    assertThat(book.due(at(5499))).isEmpty();
    List<Notice> out = book.due(at(5500));
    assertThat(out).extracting(Notice::kind).containsExactly(Kind.RESOLVED);
    assertThat(out.get(0).replicas()).extracting(Notice.Replica::slot).containsExactly("1");
    assertThat(out.get(0).summary()).isEqualTo("unhealthy on 1 replica of web: resolved");
    assertThat(book.nextDue()).isEmpty();
  }

  @Test
  void aReFireBeforeTheResolvedIsSentContinuesSilently() {
    book.apply(raised(replica("web", 1, "n1"), "unhealthy", "x", at(0)), at(0));
    String id = book.due(at(500)).get(0).incidentId();
    book.apply(cleared(replica("web", 1, "n1"), "unhealthy", at(1000)), at(1000));
    book.apply(raised(replica("web", 1, "n1"), "unhealthy", "x", at(1200)), at(1200));
    assertThat(book.due(at(60_000))).isEmpty();
    assertThat(book.firing()).singleElement().satisfies(i -> assertThat(i.id).isEqualTo(id));
  }

  @Test
  void stillFiringIsRepeated() {
    book.apply(raised(replica("web", 1, "n1"), "unhealthy", "x", at(0)), at(0));
    book.due(at(500));
    Instant repeat = at(500).plus(Duration.ofHours(4));
    assertThat(book.nextDue()).contains(repeat);
    assertThat(book.due(repeat.minusMillis(1))).isEmpty();
    assertThat(book.due(repeat)).extracting(Notice::kind).containsExactly(Kind.REPEAT);
  }

  @Test
  void flappingHoldsTheResolveSoAFlapIsNotAnotherPairOfMessages() {
    int sent = 0;
    long t = 0;
    // Two full fire/resolve cycles: threshold 2 reached.
    for (int i = 0; i < 2; i++) {
      book.apply(raised(replica("web", 1, "n1"), "unhealthy", "x", at(t)), at(t));
      sent += book.due(at(t + 500)).size();
      book.apply(cleared(replica("web", 1, "n1"), "unhealthy", at(t + 1000)), at(t + 1000));
      sent += book.due(at(t + 1500)).size();
      t += 10_000;
    }
    assertThat(sent).isEqualTo(4);
    // Third firing is announced, but its resolve is held for flapping.hold (5m)...
    book.apply(raised(replica("web", 1, "n1"), "unhealthy", "x", at(t)), at(t));
    List<Notice> firing = book.due(at(t + 500));
    assertThat(firing).extracting(Notice::kind).containsExactly(Kind.FIRING);
    book.apply(cleared(replica("web", 1, "n1"), "unhealthy", at(t + 1000)), at(t + 1000));
    assertThat(book.due(at(t + 60_000))).isEmpty();
    // ...and re-fires within it are silent.
    for (int i = 0; i < 5; i++) {
      long f = t + 70_000 + i * 10_000;
      book.apply(raised(replica("web", 1, "n1"), "unhealthy", "x", at(f)), at(f));
      book.apply(cleared(replica("web", 1, "n1"), "unhealthy", at(f + 2000)), at(f + 2000));
      assertThat(book.due(at(f + 5000))).isEmpty();
    }
    long last = t + 70_000 + 4 * 10_000 + 2000;
    List<Notice> resolved = book.due(at(last).plus(Duration.ofMinutes(5)));
    assertThat(resolved).extracting(Notice::kind).containsExactly(Kind.RESOLVED);
    assertThat(resolved.get(0).flapping()).isTrue();
    assertThat(resolved.get(0).incidentId()).isEqualTo(firing.get(0).incidentId());
  }

  @Test
  void flagsBelowTheMinimumSeverityAreIgnored() {
    book.apply(
        raised(replica("web", 1, "n1"), "no-limits", Severity.INFO, "none set", at(0)), at(0));
    assertThat(book.due(at(1000))).isEmpty();
    assertThat(book.firing()).isEmpty();
  }

  @Test
  void aNodeFlagIsItsOwnIncident() {
    book.apply(raised(Changes.node("node-7"), "node-down", "Down", at(0)), at(0));
    Notice n = book.due(at(500)).get(0);
    assertThat(n.service()).isEmpty();
    assertThat(n.summary()).isEqualTo("node-down on node node-7: Down");
    assertThat(n.link()).isEqualTo("https://sw.example/#/nodes/node-7");
  }
}
