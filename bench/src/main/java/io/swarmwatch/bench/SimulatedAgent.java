package io.swarmwatch.bench;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.CollectorMessage;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerUsage;
import io.swarmwatch.proto.v1.Health;
import io.swarmwatch.proto.v1.HealthProbe;
import io.swarmwatch.proto.v1.Hello;
import io.swarmwatch.proto.v1.HostSample;
import io.swarmwatch.proto.v1.IngestGrpc;
import io.swarmwatch.proto.v1.Limits;
import io.swarmwatch.proto.v1.LogBatch;
import io.swarmwatch.proto.v1.LogLine;
import io.swarmwatch.proto.v1.LogSource;
import io.swarmwatch.proto.v1.LogStream;
import io.swarmwatch.proto.v1.Node;
import io.swarmwatch.proto.v1.Snapshot;
import io.swarmwatch.proto.v1.SwarmIdentity;
import io.swarmwatch.proto.v1.UsageBatch;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.HdrHistogram.Recorder;

/**
 * One simulated node: an agent stream as the real agent sends it (Hello, a Snapshot of M running
 * containers with health checks and limits, then usage and host samples, health transitions and log
 * batches), with the real agent's flow control: at most {@code maxInFlight} unacknowledged
 * messages, and only while the stream is ready. What can't be sent waits in a backlog; its size is
 * what tells whether the collector keeps up.
 */
final class SimulatedAgent implements ClientResponseObserver<AgentMessage, CollectorMessage> {
  private static final int BACKLOG_LIMIT = 100_000;

  private final int index;
  private final int maxInFlight;
  private final Clock clock;
  private final Recorder ackLatency;
  private final List<Container> containers;
  private final ArrayDeque<AgentMessage.Builder> backlog = new ArrayDeque<>();
  // {seq, System.nanoTime() when sent}, oldest first.
  private final ArrayDeque<long[]> inFlight = new ArrayDeque<>();
  private final AtomicReference<Status> ended = new AtomicReference<>();
  private ClientCallStreamObserver<AgentMessage> out;
  private long seq;
  private long acked;
  private long sent;
  private long droppedFromBacklog;
  private long cpuNanos;
  private long lineNo;
  private boolean connected;

  SimulatedAgent(int index, int containerCount, int maxInFlight, Clock clock, Recorder ackLatency) {
    this.index = index;
    this.maxInFlight = maxInFlight;
    this.clock = clock;
    this.ackLatency = ackLatency;
    this.containers =
        IntStream.range(0, containerCount)
            .mapToObj(this::container)
            .map(Container.Builder::build)
            .toList();
  }

  String nodeId() {
    return "bench-node-" + index;
  }

  String hostname() {
    return "bench-" + index;
  }

  static String serviceName(int service) {
    return "bench_svc" + service;
  }

  private String containerId(int c) {
    return String.format("%032x%032x", index, c);
  }

  private SwarmIdentity identity(int c) {
    return SwarmIdentity.newBuilder()
        .setNodeId(nodeId())
        .setServiceId("bench-svc-" + c)
        .setServiceName(serviceName(c))
        .setTaskId(String.format("task%08dx%08d", index, c))
        .setTaskName(serviceName(c) + "." + (index + 1) + ".task" + index)
        .setStack("bench")
        .setSlot(index + 1)
        .build();
  }

  // Container c of every agent belongs to service c, as slot index+1: M services of N replicas.
  private Container.Builder container(int c) {
    long now = nanos();
    SwarmIdentity id = identity(c);
    return Container.newBuilder()
        .setId(containerId(c))
        .setName(id.getTaskName() + "." + containerId(c).substring(0, 25))
        .setImage("bench/app:1")
        .setState("running")
        .setCreatedUnixNanos(now)
        .setStartedUnixNanos(now)
        .setHealthStatus("healthy")
        .setHealth(Health.newBuilder().setStatus("healthy").addLog(probe(now, 0, "ok")))
        .putAllLabels(
            Map.of(
                "com.docker.swarm.node.id", id.getNodeId(),
                "com.docker.swarm.service.id", id.getServiceId(),
                "com.docker.swarm.service.name", id.getServiceName(),
                "com.docker.swarm.task.id", id.getTaskId(),
                "com.docker.swarm.task.name", id.getTaskName(),
                "com.docker.stack.namespace", "bench"))
        .setSwarm(id)
        .setLimits(Limits.newBuilder().setNanoCpus(500_000_000L).setMemoryBytes(256L << 20))
        .setObservedUnixNanos(now)
        .setPid(1000 + c);
  }

  private static HealthProbe probe(long at, int exit, String output) {
    return HealthProbe.newBuilder()
        .setStartUnixNanos(at - 2_000_000)
        .setEndUnixNanos(at)
        .setExitCode(exit)
        .setOutput(output)
        .build();
  }

  private long nanos() {
    var i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  /** Opens the stream and queues Hello and the Snapshot. */
  void connect(IngestGrpc.IngestStub stub) {
    stub.connect(this);
    Hello hello =
        Hello.newBuilder()
            .setAgentId(nodeId())
            .setStreamId(UUID.randomUUID().toString())
            .setAgentVersion("bench")
            .setNode(
                Node.newBuilder()
                    .setId(nodeId())
                    .setHostname(hostname())
                    .setRole("worker")
                    .setAvailability("active")
                    .setStatus("ready")
                    .setCpus(2)
                    .setMemoryBytes(8L << 30))
            .build();
    send(AgentMessage.newBuilder().setHello(hello));
    send(
        AgentMessage.newBuilder()
            .setSnapshot(
                Snapshot.newBuilder().setTakenAtUnixNanos(nanos()).addAllContainers(containers)));
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
    synchronized (this) {
      out = requestStream;
    }
    requestStream.setOnReadyHandler(this::drain);
  }

  @Override
  public void onNext(CollectorMessage m) {
    if (!m.hasAck()) {
      return;
    }
    long now = System.nanoTime();
    synchronized (this) {
      connected = true;
      acked = Math.max(acked, m.getAck().getSeq());
      while (!inFlight.isEmpty() && inFlight.peekFirst()[0] <= acked) {
        ackLatency.recordValue((now - inFlight.pollFirst()[1]) / 1000);
      }
    }
    drain();
  }

  @Override
  public void onError(Throwable t) {
    ended.compareAndSet(null, Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    ended.compareAndSet(null, Status.OK.withDescription("the collector ended the stream"));
  }

  /** A usage sample of every container and a host sample: what a real agent sends per interval. */
  void sample() {
    long now = nanos();
    cpuNanos += 50_000_000L;
    UsageBatch.Builder usage = UsageBatch.newBuilder().setTimeUnixNanos(now);
    for (Container c : containers) {
      usage.addContainers(
          ContainerUsage.newBuilder()
              .setContainerId(c.getId())
              .setSource("cgroup-v1")
              .setCpuUsageNanos(cpuNanos)
              .setCpuPercentOfHostCore(0.5)
              .setCpuPercentOfLimit(1.0)
              .setCpuPeriods(cpuNanos / 100_000_000L)
              .setMemoryUsageBytes(40L << 20)
              .setMemoryWorkingSetBytes(30L << 20)
              .setMemoryLimitBytes(256L << 20)
              .setOomKills(0)
              .setPids(3));
    }
    send(AgentMessage.newBuilder().setUsage(usage));
    send(
        AgentMessage.newBuilder()
            .setHost(
                HostSample.newBuilder()
                    .setTimeUnixNanos(now)
                    .setCpus(2)
                    .setCpuPercent(12.5)
                    .setLoad1(0.5)
                    .setMemoryTotalBytes(8L << 30)
                    .setMemoryAvailableBytes(4L << 30)
                    .setUptimeSeconds(3600)));
  }

  /** Container {@code c}'s health check starts failing ({@code unhealthy}) or passes again. */
  void health(int c, boolean healthy) {
    long now = nanos();
    Container base = containers.get(c % containers.size());
    Health.Builder h =
        Health.newBuilder()
            .setStatus(healthy ? "healthy" : "unhealthy")
            .setFailingStreak(healthy ? 0 : 3)
            .addLog(probe(now, healthy ? 0 : 1, healthy ? "ok" : "bench: probe failed"));
    send(
        AgentMessage.newBuilder()
            .setContainer(
                base.toBuilder()
                    .setHealthStatus(healthy ? "healthy" : "unhealthy")
                    .setHealth(h)
                    .setObservedUnixNanos(now)));
  }

  /** {@code n} lines of ~150 bytes from container {@code c}; {@code marker}, if set, is one. */
  void logs(int c, int n, String marker) {
    long now = nanos();
    Container from = containers.get(c % containers.size());
    LogBatch.Builder b =
        LogBatch.newBuilder()
            .addSources(
                LogSource.newBuilder()
                    .setContainerId(from.getId())
                    .setContainerName(from.getName())
                    .setSwarm(from.getSwarm()));
    for (int i = 0; i < n; i++) {
      String text =
          (i == 0 && marker != null ? marker + " " : "")
              + "2026-12-04T10:00:00.000Z INFO request handled path=/api/items/"
              + lineNo
              + " status=200 duration_ms=12 bytes=5120 user=bench-user-"
              + (lineNo % 97)
              + " trace=abcdef0123456789";
      b.addLines(
          LogLine.newBuilder()
              .setTimeUnixNanos(now + i)
              .setContainerId(from.getId())
              .setStream(LogStream.STDOUT)
              .setLine(ByteString.copyFrom(text, StandardCharsets.UTF_8))
              .setLineNo(++lineNo));
    }
    send(AgentMessage.newBuilder().setLogs(b));
  }

  private void send(AgentMessage.Builder m) {
    synchronized (this) {
      if (backlog.size() >= BACKLOG_LIMIT) {
        backlog.pollFirst();
        droppedFromBacklog++;
      }
      backlog.addLast(m);
    }
    drain();
  }

  private void drain() {
    synchronized (this) {
      if (out == null || ended.get() != null) {
        return;
      }
      while (!backlog.isEmpty() && inFlight.size() < maxInFlight && out.isReady()) {
        AgentMessage m = backlog.pollFirst().setSeq(++seq).build();
        inFlight.addLast(new long[] {seq, System.nanoTime()});
        out.onNext(m);
        sent++;
      }
    }
  }

  synchronized Stats stats() {
    return new Stats(connected, sent, acked, backlog.size(), inFlight.size(), droppedFromBacklog);
  }

  Status ended() {
    return ended.get();
  }

  void close() {
    synchronized (this) {
      if (out != null && ended.get() == null) {
        out.onCompleted();
      }
    }
  }

  record Stats(boolean connected, long sent, long acked, int backlog, int inFlight, long dropped) {}
}
