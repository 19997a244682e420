package io.swarmwatch.collector.rules;

import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.collector.Protos;
import io.swarmwatch.collector.SwarmProtos;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.common.Env;
import io.swarmwatch.common.Times;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerUsage;
import io.swarmwatch.proto.v1.Health;
import io.swarmwatch.proto.v1.HealthProbe;
import io.swarmwatch.proto.v1.SwarmService;
import io.swarmwatch.proto.v1.SwarmTask;
import io.swarmwatch.proto.v1.SwarmView;
import io.swarmwatch.proto.v1.UsageBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cluster model fed the way agents feed it, and a rule engine over it that is not started: each
 * {@link #round()} evaluates once at the mutable clock's time, so tests move time by hand.
 */
final class RulesFixture implements AutoCloseable {
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  static final String NODE = "node-1";

  final MutableClock clock = new MutableClock(T0);
  final ClusterModel model = new ClusterModel(clock, 1000);
  final RuleEngine engine;
  final List<FlagChange> heard = new ArrayList<>();
  private long observed = 1;

  RulesFixture() {
    this(Map.of());
  }

  RulesFixture(Map<String, String> env) {
    this(RulesConfig.from(new Env(env)).inMemory(), T0);
  }

  /** With this configuration (e.g. one keeping state on disk), its clock starting at {@code t}. */
  RulesFixture(RulesConfig config, Instant start) {
    clock.advance(Duration.between(T0, start));
    engine = new RuleEngine(model, config, clock);
    engine.subscribe(heard::add);
    // What start() does, minus the thread: rounds run on the test's thread.
    engine.attach();
    model.agentConnected(Protos.node(NODE, "host-1"), "1.0.0");
  }

  static long nanos(Instant t) {
    return Times.toUnixNanos(t);
  }

  long now() {
    return nanos(clock.instant());
  }

  /** Time passes with the agent reporting as usual. */
  void advance(Duration d) {
    clock.advance(d);
    model.agentSeen(NODE);
  }

  /** Time passes without a word from the agent. */
  void advanceSilently(Duration d) {
    clock.advance(d);
  }

  /** One evaluation; returns the changes it made (also kept in {@link #heard}). */
  List<FlagChange> round() {
    return engine.evaluate();
  }

  List<CurrentFlag> flags() {
    return engine.flags();
  }

  /** Service {@code name} wanting {@code replicas}, with one running task per container given. */
  void swarm(SwarmService.Builder service, SwarmTask.Builder... tasks) {
    SwarmView.Builder v =
        SwarmProtos.view(now())
            .addServices(service)
            .addNodes(SwarmProtos.node(NODE, "host-1", "manager"));
    for (SwarmTask.Builder t : tasks) {
      v.addTasks(t);
    }
    model.swarmView(v.build());
  }

  static SwarmTask.Builder running(String containerId, String service, int slot) {
    return SwarmProtos.task(containerId, service, slot, NODE, "running", 100);
  }

  /** A running task container, observed now. */
  Container.Builder container(String id, String service, int slot) {
    return Protos.task(id, service, slot, NODE)
        .setObservedUnixNanos(now() + observed++)
        .setCreatedUnixNanos(now() - 1_000_000_000L)
        .setStartedUnixNanos(now() - 1_000_000_000L);
  }

  void put(Container.Builder c) {
    c.setObservedUnixNanos(now() + observed++);
    model.upsert(NODE, c.build());
  }

  /** The container's health as the agent inspects it: one probe with this exit code and output. */
  void health(Container.Builder c, String status, int exitCode, String output) {
    c.setHealthStatus(status)
        .setHealth(
            Health.newBuilder()
                .setStatus(status)
                .setFailingStreak(exitCode == 0 ? 0 : 3)
                .addLog(
                    HealthProbe.newBuilder()
                        .setStartUnixNanos(now() - 5_000_000)
                        .setEndUnixNanos(now())
                        .setExitCode(exitCode)
                        .setOutput(output)));
    put(c);
  }

  /** The container ended at the clock's time with this exit code. */
  void died(Container.Builder c, int exitCode, boolean oom) {
    c.setState("exited")
        .setExitCode(exitCode)
        .setOomKilled(oom)
        .setFinishedUnixNanos(now())
        .setHealthStatus("");
    put(c);
  }

  void usage(String containerId, ContainerUsage.Builder u) {
    model.usage(
        UsageBatch.newBuilder()
            .setTimeUnixNanos(now())
            .addContainers(u.setContainerId(containerId))
            .build());
  }

  @Override
  public void close() {
    engine.close();
  }
}
