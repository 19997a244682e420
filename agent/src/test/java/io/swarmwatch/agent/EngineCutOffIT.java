package io.swarmwatch.agent;

import static io.swarmwatch.testing.TestEngine.docker;
import static io.swarmwatch.testing.TestEngine.dockerQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import io.swarmwatch.agent.docker.EngineWatcher;
import io.swarmwatch.agent.docker.WatchConfig;
import io.swarmwatch.agent.proxy.EngineProxy;
import io.swarmwatch.agent.proxy.EngineProxy.Request;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerEvent;
import io.swarmwatch.proto.v1.Snapshot;
import io.swarmwatch.testing.TestEngine;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Engine connection drops (an {@link EngineProxy} cut: open connections closed, new ones
 * refused) while a container lives and dies. The watcher must come back by itself, replay the gap
 * with {@code since=}, deliver each event once (the replay is inclusive of the last instant seen),
 * and re-list the Engine in a {@link Snapshot}.
 */
class EngineCutOffIT {
  private static final Duration STEP = Duration.ofSeconds(30);

  private final RecordingSink sink = new RecordingSink();
  private final List<String> containers = new ArrayList<>();
  private EngineProxy proxy;
  private DockerClient engine;
  private EngineWatcher watcher;

  @BeforeEach
  void start() {
    proxy = EngineProxy.start(TestEngine.require());
    engine = AgentMain.connect(proxy.dockerHost());
    // Exec events forwarded: then every event the watcher keeps reaches the sink, and the newest
    // one delivered is exactly where the watcher resumes (the skip of replayed events runs before
    // the exec filter, so this covers the default configuration's path too).
    watcher =
        new EngineWatcher(
            engine,
            new WatchConfig(
                proxy.dockerHost(), true, Duration.ofMillis(100), Duration.ofSeconds(1)),
            sink,
            Clock.systemUTC());
  }

  @AfterEach
  void cleanUp() throws Exception {
    watcher.close();
    engine.close();
    proxy.close();
    for (String c : containers) {
      dockerQuietly("rm", "-f", c);
    }
  }

  @Test
  void eventsDuringAnOutageArriveOnceAfterReconnectFollowedByASnapshot() {
    watcher.start();
    String probe = run("swarmwatch-test/plain:1");
    await("event stream established").atMost(STEP).until(() -> sink.hasEvent(probe, "start"));

    int requestsAtCut = proxy.requests().size();
    int refusedAtCut = proxy.refusedConnections();
    proxy.cut();
    // A refused reconnect means the old stream has ended and all it carried has been handled.
    await("the watcher tried to reconnect and was refused")
        .atMost(STEP)
        .until(() -> proxy.refusedConnections() > refusedAtCut);
    List<ContainerEvent> beforeCut = List.copyOf(sink.events);
    long lastSeen =
        beforeCut.stream().mapToLong(ContainerEvent::getTimeUnixNanos).max().orElseThrow();
    int snapshotsBeforeCut = sink.snapshots.size();

    String c = run("-e", "EXIT_CODE=5", "-e", "EXIT_AFTER=0", "swarmwatch-test/exit:1");
    await("container exited while the agent is cut off")
        .atMost(STEP)
        .until(() -> docker("inspect", "-f", "{{.State.Status}}", c).equals("exited"));
    assertThat(sink.events(c)).as("events that got through the cut").isEmpty();
    assertThat(sink.snapshots).as("snapshots taken while cut").hasSize(snapshotsBeforeCut);

    proxy.restore();

    await("the gap's events, replayed after reconnect")
        .atMost(STEP)
        .untilAsserted(() -> assertThat(sink.actions(c)).contains("create", "start", "die"));
    ContainerEvent die =
        sink.events(c).stream().filter(e -> e.getAction().equals("die")).findFirst().orElseThrow();
    assertThat(die.getAttributesMap()).containsEntry("exitCode", "5");
    await("a snapshot after reconnect shows the container exited with 5")
        .atMost(STEP)
        .untilAsserted(
            () -> {
              List<Snapshot> afterCut =
                  sink.snapshots.subList(snapshotsBeforeCut, sink.snapshots.size());
              assertThat(afterCut).as("snapshots after reconnect").isNotEmpty();
              Container x =
                  afterCut.get(afterCut.size() - 1).getContainersList().stream()
                      .filter(k -> k.getId().equals(c))
                      .findFirst()
                      .orElseThrow(() -> new AssertionError(c + " missing from the snapshot"));
              assertThat(x.getState()).isEqualTo("exited");
              assertThat(x.getExitCode()).isEqualTo(5);
            });

    // Still following: a container started after the outage is seen too.
    String after = run("swarmwatch-test/plain:1");
    await("events after the outage").atMost(STEP).until(() -> sink.hasEvent(after, "start"));

    // The resume asked for the newest event already delivered (since= is inclusive), so the
    // Engine sent that one again: the once-only checks below did meet a replayed event.
    List<Request> resumes =
        proxy.requests().subList(requestsAtCut, proxy.requests().size()).stream()
            .filter(r -> r.path().endsWith("/events"))
            .toList();
    assertThat(resumes).as("event stream requests after the cut").isNotEmpty();
    assertThat(sinceNanos(resumes.get(0))).as("since= of the resume").isEqualTo(lastSeen);

    assertThat(sink.actions(c))
        .as("events of the container that lived in the gap")
        .containsOnlyOnce("create", "start", "die")
        .doesNotHaveDuplicates();
    List<ContainerEvent> all = List.copyOf(sink.events);
    for (ContainerEvent e : beforeCut) {
      assertThat(Collections.frequency(all, e)).as("deliveries of %s", brief(e)).isEqualTo(1);
    }
    Map<String, Long> deliveries =
        all.stream().collect(Collectors.groupingBy(EngineCutOffIT::brief, Collectors.counting()));
    assertThat(deliveries)
        .as("events delivered more than once")
        .allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
  }

  /** The {@code since} query parameter (fractional unix seconds) in unix nanoseconds. */
  private static long sinceNanos(Request r) {
    String query = r.target().substring(r.target().indexOf('?') + 1);
    for (String kv : query.split("&")) {
      if (kv.startsWith("since=")) {
        String[] secFrac = URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8).split("\\.");
        String frac = secFrac.length > 1 ? (secFrac[1] + "000000000").substring(0, 9) : "0";
        return Long.parseLong(secFrac[0]) * 1_000_000_000L + Long.parseLong(frac);
      }
    }
    throw new AssertionError("no since= in " + r.target());
  }

  private static String brief(ContainerEvent e) {
    return e.getTimeUnixNanos() + " " + e.getType() + " " + e.getAction() + " " + e.getActorId();
  }

  private String run(String... args) {
    List<String> cmd = new ArrayList<>(List.of("run", "-d", "--stop-timeout", "1"));
    cmd.addAll(List.of(args));
    String id = docker(cmd.toArray(String[]::new));
    containers.add(id);
    return id;
  }
}
