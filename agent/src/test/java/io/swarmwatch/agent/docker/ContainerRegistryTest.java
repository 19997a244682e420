package io.swarmwatch.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerEvent;
import io.swarmwatch.proto.v1.ContainerRemoved;
import io.swarmwatch.proto.v1.Snapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerRegistryTest {
  private final Recorder next = new Recorder();
  private final ContainerRegistry registry = new ContainerRegistry(next);

  /** The next sink: records what was passed on. */
  private static final class Recorder implements EngineSink {
    final List<Object> got = new ArrayList<>();

    @Override
    public void event(ContainerEvent event) {
      got.add(event);
    }

    @Override
    public void container(Container container) {
      got.add(container);
    }

    @Override
    public void removed(ContainerRemoved removed) {
      got.add(removed);
    }

    @Override
    public void snapshot(Snapshot snapshot) {
      got.add(snapshot);
    }
  }

  private static Container running(String id, long pid, long observed) {
    return Container.newBuilder()
        .setId(id)
        .setState("running")
        .setPid(pid)
        .setObservedUnixNanos(observed)
        .build();
  }

  private static ContainerRemoved removed(String id, long observed) {
    return ContainerRemoved.newBuilder().setId(id).setObservedUnixNanos(observed).build();
  }

  private static Snapshot snapshot(long takenAt, Container... cs) {
    return Snapshot.newBuilder().setTakenAtUnixNanos(takenAt).addAllContainers(List.of(cs)).build();
  }

  private List<String> runningIds() {
    return registry.running().stream().map(Container::getId).toList();
  }

  @Test
  void newestObservationWins() {
    registry.container(running("c1", 100, 2_000));
    registry.container(
        Container.newBuilder(running("c1", 0, 1_000)).setState("exited").build()); // stale

    assertThat(registry.running()).singleElement().extracting(Container::getPid).isEqualTo(100L);

    registry.container(Container.newBuilder(running("c1", 0, 3_000)).setState("exited").build());

    assertThat(registry.running()).isEmpty();
    assertThat(registry.size()).isEqualTo(1);
  }

  @Test
  void runningNeedsStateRunningAndAPid() {
    registry.container(running("up", 42, 1_000));
    registry.container(running("no-pid-yet", 0, 1_000));
    registry.container(
        Container.newBuilder(running("paused", 43, 1_000)).setState("paused").build());
    registry.container(
        Container.newBuilder(running("restarting", 44, 1_000)).setState("restarting").build());

    assertThat(runningIds()).containsExactly("up");
    assertThat(registry.size()).isEqualTo(4);
  }

  @Test
  void removeDropsTheContainerUnlessObservedAfterTheRemoval() {
    registry.container(running("c1", 100, 1_000));
    registry.container(running("c2", 200, 5_000));

    registry.removed(removed("c1", 2_000));
    registry.removed(removed("c2", 4_000)); // older than what is known of c2

    assertThat(runningIds()).containsExactly("c2");
  }

  @Test
  void staleObservationDoesNotBringARemovedContainerBack() {
    registry.container(running("c1", 100, 1_000));
    registry.removed(removed("c1", 2_000));

    registry.container(running("c1", 100, 1_500));
    // A snapshot listed before the destroy event, handed in after it.
    registry.snapshot(snapshot(1_400, running("c1", 100, 1_500)));

    assertThat(registry.size()).isZero();
  }

  @Test
  void snapshotDropsAbsentContainersObservedBeforeIt() {
    registry.container(running("gone", 1, 1_000));
    registry.container(running("later", 2, 9_000)); // observed after the snapshot was taken
    registry.container(running("kept", 3, 1_000));

    registry.remember(snapshot(5_000, running("kept", 33, 5_000), running("new", 4, 5_000)));

    assertThat(runningIds()).containsExactlyInAnyOrder("later", "kept", "new");
    assertThat(registry.running())
        .filteredOn(c -> c.getId().equals("kept"))
        .singleElement()
        .extracting(Container::getPid)
        .isEqualTo(33L);
    // A stale update of the container the snapshot dropped stays out.
    registry.container(running("gone", 1, 4_000));
    assertThat(runningIds()).doesNotContain("gone");
  }

  @Test
  void rememberDoesNotPassTheSnapshotOnButSnapshotDoes() {
    Snapshot s = snapshot(5_000, running("c1", 1, 5_000));

    registry.remember(s);
    assertThat(next.got).isEmpty();

    registry.snapshot(s);
    assertThat(next.got).containsExactly(s);
  }

  @Test
  void everythingIsPassedOnEvenWhatIsStale() {
    ContainerEvent e = ContainerEvent.newBuilder().setAction("start").setActorId("c1").build();
    Container fresh = running("c1", 1, 2_000);
    Container stale = running("c1", 1, 1_000);
    ContainerRemoved r = removed("c1", 500);

    registry.event(e);
    registry.container(fresh);
    registry.container(stale);
    registry.removed(r);

    // The collector applies its own newest-wins rule; the registry only filters its own view.
    assertThat(next.got).containsExactly(e, fresh, stale, r);
  }
}
