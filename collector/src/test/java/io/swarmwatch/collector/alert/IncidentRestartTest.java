package io.swarmwatch.collector.alert;

import static io.swarmwatch.collector.alert.Changes.T0;
import static io.swarmwatch.collector.alert.Changes.raised;
import static io.swarmwatch.collector.alert.Changes.replica;
import static io.swarmwatch.collector.alert.IncidentBookTest.RULES;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.collector.alert.format.Notice;
import io.swarmwatch.collector.alert.format.Notice.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incidents across a collector restart: saved to a real file, loaded into a new book the way a new
 * process does, with the rules' flags arriving again (or not) after it.
 */
class IncidentRestartTest {
  private static final Duration SETTLE = Duration.ofSeconds(60);
  @TempDir Path dir;

  private Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  /** A book with one announced incident (web.1 unhealthy), saved, then "restarted" at {@code t}. */
  private IncidentBook restartedWithOneFiring(long t) {
    IncidentBook before = new IncidentBook(RULES, "");
    before.apply(raised(replica("shop_web", 1, "n1"), "unhealthy", "probe: 503", at(0)), at(0));
    assertThat(before.due(at(1))).extracting(Notice::kind).containsExactly(Kind.FIRING);
    new IncidentStore(dir).save(before.all());

    IncidentBook after = new IncidentBook(RULES, "");
    after.restore(new IncidentStore(dir).load(), at(t).plus(SETTLE));
    return after;
  }

  @Test
  void aStillFiringIncidentContinuesWithoutANewFiringMessage() {
    IncidentBook book = restartedWithOneFiring(100);
    String id = book.firing().get(0).id;
    assertThat(book.firing().get(0).startsAt).isEqualTo(at(0));
    // The rules rebuild their flags from the agents' snapshots and raise it again.
    book.apply(raised(replica("shop_web", 1, "n1"), "unhealthy", "probe: 503", at(0)), at(105));
    assertThat(book.due(at(106))).isEmpty();
    assertThat(book.due(at(100).plus(SETTLE).plusSeconds(5))).isEmpty();
    assertThat(book.firing()).extracting(i -> i.id).containsExactly(id);
    // The repeat interval (4 h) counts from the firing message before the restart.
    assertThat(book.nextDue()).contains(at(1).plus(Duration.ofHours(4)));
    assertThat(book.due(at(1).plus(Duration.ofHours(4))))
        .extracting(Notice::kind, Notice::incidentId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.REPEAT, id));
  }

  @Test
  void anIncidentWhoseReplicaRecoveredWhileTheCollectorWasDownResolvesAfterTheSettlePeriod() {
    IncidentBook book = restartedWithOneFiring(100);
    String id = book.firing().get(0).id;
    assertThat(book.due(at(150))).as("quiet while agents may still reconnect").isEmpty();
    assertThat(book.nextDue()).contains(at(100).plus(SETTLE));
    assertThat(book.due(at(160))).as("the settle period ended: recovered, group wait").isEmpty();
    List<Notice> out = book.due(at(161));
    assertThat(out)
        .extracting(Notice::kind, Notice::incidentId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.RESOLVED, id));
    assertThat(out.get(0).replicas()).extracting(Notice.Replica::slot).containsExactly("1");
    assertThat(book.firing()).isEmpty();
    assertThat(book.all()).isEmpty();
  }

  @Test
  void anIncidentNotYetAnnouncedAtTheCrashIsAnnouncedOnceConfirmed() {
    IncidentBook before = new IncidentBook(RULES, "");
    before.apply(raised(replica("web", 2, "n1"), "unhealthy", "x", at(0)), at(0));
    new IncidentStore(dir).save(before.all()); // crashed inside the group wait
    IncidentBook book = new IncidentBook(RULES, "");
    book.restore(new IncidentStore(dir).load(), at(10).plus(SETTLE));
    assertThat(book.due(at(11))).isEmpty();
    book.apply(raised(replica("web", 2, "n1"), "unhealthy", "x", at(0)), at(12));
    assertThat(book.due(at(12))).extracting(Notice::kind).containsExactly(Kind.FIRING);
  }

  @Test
  void everyFieldSurvivesTheFile() throws Exception {
    IncidentBook book = restartedWithOneFiring(100);
    Incident i = book.firing().get(0);
    assertThat(i.announced).isTrue();
    assertThat(i.lastSent).isEqualTo(at(1));
    assertThat(i.dueAt).isNull();
    assertThat(i.rule).isEqualTo("unhealthy");
    assertThat(i.stack).isEqualTo("shop");
    assertThat(i.replicas())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.taskId()).isEqualTo("task1abcdefghijklmnopqrstu");
              assertThat(r.reason()).isEqualTo("probe: 503");
              assertThat(r.since()).isEqualTo(at(0));
            });
    assertThat(i.lastAffected).isEqualTo(i.replicas());
    assertThat(dir.resolve("incidents.json.tmp")).doesNotExist();
  }

  @Test
  void anUnreadableFileIsMovedAsideAndAlertingStartsAfresh() throws Exception {
    Files.writeString(dir.resolve("incidents.json"), "{\"incidents\": [{\"id\": ");
    assertThat(new IncidentStore(dir).load()).isEmpty();
    assertThat(dir.resolve("incidents.json.unreadable")).exists();
    assertThat(dir.resolve("incidents.json")).doesNotExist();
  }
}
