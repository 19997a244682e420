package io.swarmwatch.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.proto.v1.CollectorMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SwarmReporterElectionTest {
  private final SwarmReporterElection election = new SwarmReporterElection();

  /** A manager agent's stream: records what the collector sends it; can be made to fail. */
  private static final class Stream implements Consumer<CollectorMessage> {
    final String name;
    final List<CollectorMessage> got = new CopyOnWriteArrayList<>();
    volatile boolean closing;

    Stream(String name) {
      this.name = name;
    }

    @Override
    public void accept(CollectorMessage m) {
      if (closing) {
        throw new IllegalStateException("stream closed");
      }
      got.add(m);
    }

    boolean toldToStart() {
      return got.stream().anyMatch(m -> m.hasReportSwarm() && m.getReportSwarm().getEnabled());
    }
  }

  private Stream offer(String name) {
    Stream s = new Stream(name);
    election.offer(s, name, s);
    return s;
  }

  @Test
  void firstManagerIsChosenAndToldToStart() {
    Stream a = offer("a");
    Stream b = offer("b");

    assertThat(election.isChosen(a)).isTrue();
    assertThat(election.isChosen(b)).isFalse();
    assertThat(a.got)
        .singleElement()
        .satisfies(m -> assertThat(m.getReportSwarm().getEnabled()).isTrue());
    assertThat(b.got).isEmpty();
  }

  @Test
  void whenTheChosenWithdrawsTheNextInConnectionOrderTakesOver() {
    Stream a = offer("a");
    Stream b = offer("b");
    Stream c = offer("c");

    election.withdraw(a);

    assertThat(election.isChosen(b)).isTrue();
    assertThat(b.toldToStart()).isTrue();
    assertThat(c.got).isEmpty();
    assertThat(election.isChosen(a)).isFalse();
  }

  @Test
  void withdrawOfAnotherCandidateKeepsTheChosen() {
    Stream a = offer("a");
    Stream b = offer("b");
    Stream c = offer("c");

    election.withdraw(b);
    election.withdraw(a);

    assertThat(election.isChosen(c)).isTrue();
    assertThat(a.got).hasSize(1);
    assertThat(b.got).isEmpty();
  }

  @Test
  void aCandidateThatCannotBeReachedIsSkipped() {
    Stream a = offer("a");
    Stream b = offer("b");
    Stream c = offer("c");
    b.closing = true;

    election.withdraw(a);

    assertThat(election.isChosen(c)).isTrue();
    assertThat(c.toldToStart()).isTrue();
    // b is no candidate any more: c leaving leaves nobody.
    election.withdraw(c);
    assertThat(election.isChosen(b)).isFalse();
  }

  @Test
  void firstOfferThatFailsLeavesTheNextOfferToBeChosen() {
    Stream dead = new Stream("dead");
    dead.closing = true;
    election.offer(dead, "dead", dead);

    Stream b = offer("b");

    assertThat(election.isChosen(dead)).isFalse();
    assertThat(election.isChosen(b)).isTrue();
    assertThat(b.toldToStart()).isTrue();
  }

  @Test
  void withdrawIsIdempotentAndUnknownSessionsAreIgnored() {
    Stream a = offer("a");
    Stream b = offer("b");

    election.withdraw(a);
    election.withdraw(a);
    election.withdraw(new Object());

    assertThat(election.isChosen(b)).isTrue();
    // b was told once, not once per withdraw.
    assertThat(b.got).hasSize(1);
  }

  @Test
  void lastManagerLeavingLeavesNoneChosenUntilTheNextOffer() {
    Stream a = offer("a");
    election.withdraw(a);

    assertThat(election.isChosen(a)).isFalse();

    Stream b = offer("b");
    assertThat(election.isChosen(b)).isTrue();
    assertThat(b.toldToStart()).isTrue();
  }

  @Test
  void reconnectedAgentQueuesBehindTheOtherManagers() {
    Stream a = offer("a");
    Stream b = offer("b");

    // A reconnect of a: a new session, queued behind b.
    Stream a2 = offer("a2");
    election.withdraw(a);

    assertThat(election.isChosen(b)).isTrue();
    assertThat(a2.got).isEmpty();
  }
}
