package io.swarmwatch.collector.model;

import static io.swarmwatch.collector.Protos.node;
import static io.swarmwatch.collector.SwarmProtos.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.SwarmProtos;
import io.swarmwatch.proto.v1.Filesystem;
import io.swarmwatch.proto.v1.HostSample;
import io.swarmwatch.proto.v1.NetInterface;
import io.swarmwatch.proto.v1.Node;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nodes: the swarm view's nodes merged with what each node's agent says, and host metrics. */
class SwarmNodesTest {
  private static final long T0_NANOS = 1_714_557_600_000_000_000L;

  private final ClusterModel model =
      new ClusterModel(new MutableClock(Instant.parse("2024-05-01T10:00:00Z")), 100);

  @Test
  void swarmNodeWithoutAnAgentIsListedWithTheSwarmsFacts() {
    model.agentConnected(node("node-1", "alpha"), "1.2.3");
    model.swarmView(
        view(T0_NANOS)
            .addNodes(
                SwarmProtos.node("node-2", "beta", "manager")
                    .setLeader(true)
                    .setManagerReachability("reachable")
                    .putLabels("zone", "b"))
            .build());

    List<NodeView> nodes = model.nodes();

    assertThat(nodes).extracting(NodeView::id).containsExactly("node-1", "node-2");
    NodeView beta = nodes.get(1);
    assertThat(beta.hostname()).isEqualTo("beta");
    assertThat(beta.role()).isEqualTo("manager");
    assertThat(beta.availability()).isEqualTo("active");
    assertThat(beta.status()).isEqualTo("ready");
    assertThat(beta.engineVersion()).isEqualTo("20.10.24");
    assertThat(beta.address()).isEqualTo("10.0.0.7");
    assertThat(beta.os()).isEmpty();
    assertThat(beta.cpus()).isEqualTo(2);
    assertThat(beta.memoryBytes()).isEqualTo(4L << 30);
    assertThat(beta.labels()).containsExactlyEntriesOf(Map.of("zone", "b"));
    assertThat(beta.leader()).isTrue();
    assertThat(beta.managerReachability()).isEqualTo("reachable");
    assertThat(beta.agent().connected()).isFalse();
    assertThat(beta.agent().version()).isNull();
    assertThat(beta.agent().lastSeen()).isNull();
    assertThat(beta.host()).isNull();
  }

  @Test
  void swarmsRoleAvailabilityAndStatusWinOverTheAgentsHello() {
    // The agent said "active" and "ready" at connect; the node was drained and went down since.
    model.agentConnected(node("node-1", "alpha"), "1.2.3");
    model.swarmView(
        view(T0_NANOS)
            .addNodes(
                SwarmProtos.node("node-1", "alpha", "manager")
                    .setAvailability("drain")
                    .setStatus("down")
                    .setEngineVersion("20.10.0")
                    .setCpus(1)
                    .putLabels("disk", "ssd"))
            .build());

    NodeView n = model.nodes().get(0);

    assertThat(model.nodes()).hasSize(1);
    assertThat(n.role()).isEqualTo("manager");
    assertThat(n.availability()).isEqualTo("drain");
    assertThat(n.status()).isEqualTo("down");
    assertThat(n.labels()).containsExactlyEntriesOf(Map.of("disk", "ssd"));
    assertThat(n.leader()).isFalse();
    assertThat(n.managerReachability()).isNull();
    // What the agent measures itself wins.
    assertThat(n.engineVersion()).isEqualTo("27.3.1");
    assertThat(n.cpus()).isEqualTo(4);
    assertThat(n.os()).isEqualTo("linux");
    assertThat(n.agent().connected()).isTrue();
    assertThat(n.agent().version()).isEqualTo("1.2.3");
  }

  @Test
  void agentWithoutSwarmViewHasNoLabelsAndIsNoLeader() {
    model.agentConnected(node("node-1", "alpha"), "1.2.3");

    NodeView n = model.nodes().get(0);

    assertThat(n.labels()).isEmpty();
    assertThat(n.leader()).isFalse();
    assertThat(n.managerReachability()).isNull();
  }

  @Test
  void swarmNodeIsFoundByIdOrHostname() {
    model.swarmView(view(T0_NANOS).addNodes(SwarmProtos.node("node-9", "iota", "worker")).build());

    assertThat(model.node("node-9")).map(NodeView::hostname).contains("iota");
    assertThat(model.node("iota")).map(NodeView::id).contains("node-9");
    assertThat(model.node("kappa")).isEmpty();
  }

  @Test
  void nodesAreSortedByHostnameAcrossBothSources() {
    model.agentConnected(node("n-c", "charlie"), "1.0");
    model.swarmView(
        view(T0_NANOS)
            .addNodes(SwarmProtos.node("n-d", "delta", "worker"))
            .addNodes(SwarmProtos.node("n-a", "alpha", "manager"))
            .build());

    assertThat(model.nodes())
        .extracting(NodeView::hostname, n -> n.agent().connected())
        .containsExactly(tuple("alpha", false), tuple("charlie", true), tuple("delta", false));
  }

  @Test
  void hostSampleBecomesTheNodesHostView() {
    model.agentConnected(Node.newBuilder(node("node-1", "alpha")).build(), "1.0");
    model.host(
        "node-1",
        HostSample.newBuilder()
            .setTimeUnixNanos(T0_NANOS)
            .setCpus(4)
            .setCpuPercent(37.5)
            .setLoad1(1.5)
            .setLoad5(1.0)
            .setLoad15(0.5)
            .setMemoryTotalBytes(8L << 30)
            .setMemoryAvailableBytes(6L << 30)
            .setSwapTotalBytes(1L << 30)
            .setSwapUsedBytes(0)
            .setUptimeSeconds(3600)
            .addFilesystems(
                Filesystem.newBuilder()
                    .setMount("/")
                    .setType("ext4")
                    .setDevice("/dev/sda1")
                    .setTotalBytes(100L << 30)
                    .setFreeBytes(40L << 30)
                    .setTotalInodes(1000)
                    .setFreeInodes(900))
            .addInterfaces(
                NetInterface.newBuilder()
                    .setName("eth0")
                    .setRxBytes(10)
                    .setTxBytes(20)
                    .setRxErrors(1)
                    .setTxErrors(2)
                    .setRxDropped(3))
            .build());

    HostView h = model.nodes().get(0).host();

    assertThat(h)
        .isEqualTo(
            new HostView(
                "2024-05-01T10:00:00Z",
                4,
                37.5,
                1.5,
                1.0,
                0.5,
                8L << 30,
                6L << 30,
                1L << 30,
                0,
                3600,
                List.of(
                    new HostView.Filesystem(
                        "/", "ext4", "/dev/sda1", 100L << 30, 40L << 30, 1000, 900)),
                List.of(new HostView.Interface("eth0", 10, 20, 1, 2, 3))));
  }

  @Test
  void firstHostSampleWithoutACpuPercentShowsNull() {
    model.host(
        "node-1", HostSample.newBuilder().setTimeUnixNanos(T0_NANOS).setCpuPercent(-1).build());
    model.swarmView(view(T0_NANOS).addNodes(SwarmProtos.node("node-1", "alpha", "worker")).build());

    assertThat(model.nodes().get(0).host().cpuPercent()).isNull();
  }
}
