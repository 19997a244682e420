package io.swarmwatch.collector.model;

import static io.swarmwatch.collector.Protos.globalTask;
import static io.swarmwatch.collector.Protos.task;
import static io.swarmwatch.collector.SwarmProtos.global;
import static io.swarmwatch.collector.SwarmProtos.pending;
import static io.swarmwatch.collector.SwarmProtos.replicated;
import static io.swarmwatch.collector.SwarmProtos.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.SwarmProtos;
import io.swarmwatch.proto.v1.Resources;
import io.swarmwatch.proto.v1.SwarmService;
import io.swarmwatch.proto.v1.SwarmTask;
import io.swarmwatch.proto.v1.SwarmView;
import io.swarmwatch.proto.v1.UpdateStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Services with desired/running/healthy counts and a status, with and without the swarm view. */
class ServicesTest {
  private static final long T0_NANOS = 1_714_557_600_000_000_000L;

  private final ClusterModel model =
      new ClusterModel(new MutableClock(Instant.parse("2024-05-01T10:00:00Z")), 100);

  private static SwarmTask.Builder running(String containerId, String service, int slot) {
    return SwarmProtos.task(containerId, service, slot, "node-1", "running", 100);
  }

  private ServiceView only() {
    List<ServiceView> all = model.services();
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  /** Service {@code web} wanting {@code desired} replicas, one task and container per health. */
  private ServiceView webWith(long desired, String... healths) {
    SwarmView.Builder v = view(T0_NANOS).addServices(replicated("web", desired));
    for (int i = 0; i < healths.length; i++) {
      int slot = i + 1;
      model.upsert(
          "node-1", task("c" + slot, "web", slot, "node-1").setHealthStatus(healths[i]).build());
      v.addTasks(running("c" + slot, "web", slot));
    }
    model.swarmView(v.build());
    return only();
  }

  @Test
  void replicatedServiceShowsItsSpec() {
    model.swarmView(
        view(T0_NANOS)
            .addServices(
                replicated("web", 2)
                    .setStack("shop")
                    .setImage("nginx:1.27@sha256:abc")
                    .putLabels("team", "core")
                    .setLimits(
                        Resources.newBuilder().setNanoCpus(500_000_000).setMemoryBytes(64L << 20))
                    .setReservations(Resources.newBuilder().setMemoryBytes(16L << 20))
                    .setUpdateStatus(
                        UpdateStatus.newBuilder()
                            .setState("updating")
                            .setMessage("update in progress")
                            .setStartedUnixNanos(T0_NANOS)))
            .build());

    ServiceView s = only();

    assertThat(s.id()).isEqualTo("svc-web");
    assertThat(s.name()).isEqualTo("web");
    assertThat(s.stack()).isEqualTo("shop");
    assertThat(s.mode()).isEqualTo("replicated");
    assertThat(s.image()).isEqualTo("nginx:1.27@sha256:abc");
    assertThat(s.desired()).isEqualTo(2);
    assertThat(s.running()).isZero();
    assertThat(s.healthy()).isZero();
    assertThat(s.status()).isEqualTo("down");
    assertThat(s.labels()).containsExactlyEntriesOf(Map.of("team", "core"));
    assertThat(s.limits()).isEqualTo(new ServiceView.Resources(500_000_000L, 64L << 20));
    assertThat(s.reservations()).isEqualTo(new ServiceView.Resources(null, 16L << 20));
    assertThat(s.update())
        .isEqualTo(
            new ServiceView.Update("updating", "update in progress", "2024-05-01T10:00:00Z", null));
  }

  @Test
  void serviceWithoutLimitsUpdateOrStackHasNulls() {
    model.swarmView(
        view(T0_NANOS)
            .addServices(
                replicated("web", 1)
                    .setLimits(Resources.getDefaultInstance())
                    .setReservations(Resources.getDefaultInstance()))
            .build());

    ServiceView s = only();

    assertThat(s.stack()).isNull();
    assertThat(s.limits()).isNull();
    assertThat(s.reservations()).isNull();
    assertThat(s.update()).isNull();
    assertThat(s.labels()).isEmpty();
  }

  @Test
  void allHealthyOrWithoutHealthCheckIsOk() {
    ServiceView s = webWith(3, "healthy", "", "healthy");

    assertThat(s.running()).isEqualTo(3);
    assertThat(s.healthy()).isEqualTo(3);
    assertThat(s.status()).isEqualTo("ok");
  }

  @Test
  void startingAndUnhealthyReplicasAreRunningButNotHealthy() {
    ServiceView s = webWith(3, "healthy", "starting", "unhealthy");

    assertThat(s.running()).isEqualTo(3);
    assertThat(s.healthy()).isEqualTo(1);
    assertThat(s.status()).isEqualTo("degraded");
  }

  @Test
  void noHealthyReplicaIsDown() {
    ServiceView s = webWith(2, "starting", "unhealthy");

    assertThat(s.healthy()).isZero();
    assertThat(s.status()).isEqualTo("down");
  }

  @Test
  void fewerReplicasThanDesiredIsDegraded() {
    ServiceView s = webWith(3, "healthy", "healthy");

    assertThat(s.running()).isEqualTo(2);
    assertThat(s.desired()).isEqualTo(3);
    assertThat(s.status()).isEqualTo("degraded");
  }

  @Test
  void scaledToZeroIsOk() {
    ServiceView s = webWith(0);

    assertThat(s.desired()).isZero();
    assertThat(s.status()).isEqualTo("ok");
  }

  @Test
  void exitedAndPendingReplicasAreNotRunning() {
    model.upsert(
        "node-1",
        task("c1", "web", 1, "node-1")
            .setState("exited")
            .setHealthStatus("")
            .setFinishedUnixNanos(5_000)
            .build());
    model.swarmView(
        view(T0_NANOS)
            .addServices(replicated("web", 2))
            .addTasks(SwarmProtos.task("c1", "web", 1, "node-1", "failed", 100))
            .addTasks(pending("t2", "web", 2, 100))
            .build());

    ServiceView s = only();

    assertThat(s.running()).isZero();
    assertThat(s.healthy()).isZero();
    assertThat(s.status()).isEqualTo("down");
  }

  @Test
  void globalServiceWantsOneReplicaPerNodeWithAWantedTask() {
    model.upsert("node-1", globalTask("g1", "agent", "node-1").build());
    model.upsert("node-2", globalTask("g2", "agent", "node-2").setHealthStatus("").build());
    model.swarmView(
        view(T0_NANOS)
            .addServices(global("agent"))
            .addTasks(SwarmProtos.task("g1", "agent", 0, "node-1", "running", 100))
            // Two tasks on node-2 (an old one and its replacement): one node.
            .addTasks(SwarmProtos.task("g2-old", "agent", 0, "node-2", "failed", 50))
            .addTasks(SwarmProtos.task("g2", "agent", 0, "node-2", "running", 100))
            // node-3 was drained: its task is being shut down, not wanted.
            .addTasks(
                SwarmProtos.task("g3", "agent", 0, "node-3", "running", 100)
                    .setDesiredState("shutdown"))
            .build());

    ServiceView s = only();

    assertThat(s.mode()).isEqualTo("global");
    assertThat(s.desired()).isEqualTo(2);
    assertThat(s.running()).isEqualTo(2);
    assertThat(s.healthy()).isEqualTo(2);
    assertThat(s.status()).isEqualTo("ok");
  }

  @Test
  void jobModeHasNoDesiredCountAndUnknownStatus() {
    model.swarmView(
        view(T0_NANOS)
            .addServices(SwarmService.newBuilder().setId("j").setName("migrate").setMode("unknown"))
            .build());

    ServiceView s = only();

    assertThat(s.desired()).isNull();
    assertThat(s.status()).isEqualTo("unknown");
  }

  @Test
  void withoutAViewServicesComeFromContainersWithUnknownStatus() {
    model.upsert("node-1", task("w1", "web", 1, "node-1").build());
    model.upsert("node-1", task("w2", "web", 2, "node-1").setHealthStatus("starting").build());
    model.upsert("node-1", task("a1", "api", 1, "node-1").build());

    assertThat(model.services())
        .extracting(
            ServiceView::name,
            ServiceView::id,
            ServiceView::mode,
            ServiceView::desired,
            ServiceView::running,
            ServiceView::healthy,
            ServiceView::status)
        .containsExactly(
            tuple("api", "svc-api", null, null, 1, 1, "unknown"),
            tuple("web", "svc-web", null, null, 2, 1, "unknown"));
    assertThat(model.services().get(1).image()).isEqualTo("nginx:1.27");
    assertThat(model.services().get(1).labels()).isEmpty();
  }

  @Test
  void servicesAreSortedByNameAndIncludeThoseWithoutReplicas() {
    model.swarmView(
        view(T0_NANOS)
            .addServices(replicated("zeta", 1))
            .addServices(replicated("alpha", 1))
            .addServices(global("mid"))
            .build());

    assertThat(model.services())
        .extracting(ServiceView::name, ServiceView::desired)
        .containsExactly(tuple("alpha", 1L), tuple("mid", 0L), tuple("zeta", 1L));
  }

  @Test
  void newViewReplacesTheOldOneWhole() {
    model.swarmView(view(T0_NANOS).addServices(replicated("web", 1)).build());
    model.swarmView(view(T0_NANOS + 1).addServices(replicated("api", 1)).build());

    assertThat(model.services()).extracting(ServiceView::name).containsExactly("api");
    assertThat(model.swarmViewTime()).contains(Instant.parse("2024-05-01T10:00:00.000000001Z"));
  }

  @Test
  void viewFromANewReporterWithAClockBehindStillReplacesTheOldOne() {
    // The first reporting manager went away; the next one's clock is 30 s behind. The election
    // decides whose view counts, so its view must not be ignored until its clock catches up.
    model.swarmView(view(T0_NANOS).addServices(replicated("web", 1)).build());
    model.swarmView(view(T0_NANOS - 30_000_000_000L).addServices(replicated("web", 3)).build());

    assertThat(only().desired()).isEqualTo(3);
  }
}
