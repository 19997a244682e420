package io.swarmwatch.collector.ingest;

import static io.swarmwatch.collector.Protos.hello;
import static io.swarmwatch.collector.Protos.node;
import static io.swarmwatch.collector.SwarmProtos.replicated;
import static io.swarmwatch.collector.SwarmProtos.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.SwarmProtos;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.collector.model.NodeView;
import io.swarmwatch.collector.model.ServiceView;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.CollectorMessage;
import io.swarmwatch.proto.v1.ContainerUsage;
import io.swarmwatch.proto.v1.HostSample;
import io.swarmwatch.proto.v1.Node;
import io.swarmwatch.proto.v1.UsageBatch;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The Ingester's part in the swarm reporter election, and the usage, host and swarm messages. */
class IngesterSwarmTest {
  private static final long T0_NANOS = 1_714_557_600_000_000_000L;

  private final ClusterModel model =
      new ClusterModel(new MutableClock(Instant.parse("2024-05-01T10:00:00Z")), 100);
  private final SwarmReporterElection election = new SwarmReporterElection();
  private final Ingester ingester = new Ingester(model, election);

  private static Node manager(String id, String hostname) {
    return node(id, hostname).toBuilder().setRole("manager").build();
  }

  /** A stream after its Hello, with what the collector sent to it. */
  private record Stream(Ingester.Session session, List<CollectorMessage> sent) {
    boolean toldToStart() {
      return sent.stream().anyMatch(m -> m.hasReportSwarm() && m.getReportSwarm().getEnabled());
    }
  }

  private Stream connect(Node n) throws IngestException {
    List<CollectorMessage> sent = new CopyOnWriteArrayList<>();
    Ingester.Session s = ingester.open("peer-" + n.getId(), sent::add);
    s.apply(hello(1, "agent-" + n.getId(), n));
    return new Stream(s, sent);
  }

  private static AgentMessage swarm(long seq, String service, long replicas) {
    return SwarmProtos.message(
        seq, view(T0_NANOS + seq).addServices(replicated(service, replicas)).build());
  }

  private List<String> services() {
    return model.services().stream().map(ServiceView::name).toList();
  }

  @Test
  void workersAreNeverAskedToReport() throws IngestException {
    Stream w = connect(node("node-1", "alpha"));

    assertThat(w.sent()).isEmpty();
    assertThat(election.isChosen(w.session())).isFalse();
  }

  @Test
  void firstManagerIsAskedToReportTheOthersAreNot() throws IngestException {
    Stream a = connect(manager("m1", "alpha"));
    Stream b = connect(manager("m2", "beta"));

    assertThat(a.toldToStart()).isTrue();
    assertThat(b.sent()).isEmpty();
    assertThat(election.isChosen(a.session())).isTrue();
  }

  @Test
  void onlyTheChosenManagersViewIsApplied() throws IngestException {
    Stream a = connect(manager("m1", "alpha"));
    Stream b = connect(manager("m2", "beta"));

    // Both acknowledged; only the chosen one's view counts.
    assertThat(b.session().apply(swarm(2, "from-b", 1))).isEqualTo(2);
    assertThat(services()).isEmpty();
    assertThat(a.session().apply(swarm(2, "from-a", 1))).isEqualTo(2);
    assertThat(services()).containsExactly("from-a");
  }

  @Test
  void whenTheChosenManagersStreamEndsTheNextReportsAndItsViewsCount() throws IngestException {
    Stream a = connect(manager("m1", "alpha"));
    Stream b = connect(manager("m2", "beta"));
    a.session().apply(swarm(2, "from-a", 1));

    a.session().close();

    assertThat(b.toldToStart()).isTrue();
    // A late view from the replaced reporter is ignored.
    a.session().apply(swarm(3, "late-a", 1));
    assertThat(services()).containsExactly("from-a");
    b.session().apply(swarm(2, "from-b", 1));
    assertThat(services()).containsExactly("from-b");
  }

  @Test
  void workerSendingAViewIsIgnored() throws IngestException {
    Stream w = connect(node("node-1", "alpha"));

    w.session().apply(swarm(2, "from-worker", 1));

    assertThat(services()).isEmpty();
    assertThat(model.swarmViewTime()).isEmpty();
  }

  @Test
  void usageAndHostSamplesAreApplied() throws IngestException {
    Stream w = connect(node("node-1", "alpha"));
    model.upsert("node-1", io.swarmwatch.collector.Protos.task("c1", "web", 1, "node-1").build());

    w.session()
        .apply(
            AgentMessage.newBuilder()
                .setSeq(2)
                .setUsage(
                    UsageBatch.newBuilder()
                        .setTimeUnixNanos(T0_NANOS)
                        .addContainers(ContainerUsage.newBuilder().setContainerId("c1").setPids(7)))
                .build());
    w.session()
        .apply(
            AgentMessage.newBuilder()
                .setSeq(3)
                .setHost(HostSample.newBuilder().setTimeUnixNanos(T0_NANOS).setCpus(8))
                .build());

    assertThat(model.container("c1").orElseThrow().usage().pids()).isEqualTo(7);
    assertThat(model.nodes())
        .singleElement()
        .extracting(NodeView::host)
        .satisfies(h -> assertThat(h.cpus()).isEqualTo(8));
  }
}
