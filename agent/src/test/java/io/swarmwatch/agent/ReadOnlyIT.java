package io.swarmwatch.agent;

import static io.swarmwatch.testing.TestEngine.docker;
import static io.swarmwatch.testing.TestEngine.dockerQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import io.swarmwatch.agent.docker.EngineWatcher;
import io.swarmwatch.agent.docker.NodeReader;
import io.swarmwatch.agent.docker.WatchConfig;
import io.swarmwatch.agent.health.AgentHealth;
import io.swarmwatch.agent.proxy.EngineProxy;
import io.swarmwatch.agent.proxy.EngineProxy.Request;
import io.swarmwatch.agent.ship.FakeCollector;
import io.swarmwatch.agent.swarm.SwarmViewReader;
import io.swarmwatch.common.Env;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.testing.TestEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's contract with the Engine: <b>it only reads</b>. Its Engine-facing components run
 * through an {@link EngineProxy} that records every HTTP request, while the test changes the Engine
 * through the real socket (a swarm service, a health flip, a kill, a plain container).
 *
 * <p>The allowlist, which is the contract:
 *
 * <ul>
 *   <li>method {@code GET} or {@code HEAD}, on any path, with no request body and no connection
 *       upgrade (an upgrade is a hijacked attach/exec stream);
 *   <li>nothing else, unless listed in {@link #OTHER_READS} as {@code "METHOD /pattern"} with the
 *       reason it is still a read. It is empty: docker-java 3.7.1 sends every call the agent makes
 *       (events, container list, inspect and one-shot stats, info, nodes, services, tasks) as a
 *       bodiless GET.
 * </ul>
 *
 * <p>A new Engine-facing component joins the contract with a line in {@link #exercises}.
 */
class ReadOnlyIT {
  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD");

  /** {@code "METHOD /pattern"} → why that request does not change the Engine. */
  private static final Map<String, String> OTHER_READS = Map.of();

  /** Endpoints the scenario must make the agent call: proof the components really ran. */
  private static final List<String> EXPECTED =
      List.of(
          "GET /events",
          "GET /containers/json",
          "GET /containers/{id}/json",
          "GET /info",
          "GET /nodes",
          "GET /services",
          "GET /tasks",
          "GET /containers/{id}/stats",
          "GET /_ping");

  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration STEP = Duration.ofSeconds(30);

  private final RecordingSink sink = new RecordingSink();
  private final List<String> services = new ArrayList<>();
  private final List<String> containers = new ArrayList<>();
  private final Map<String, AutoCloseable> running = new LinkedHashMap<>();
  private final Map<String, AtomicInteger> pollsOk = new ConcurrentHashMap<>();
  private final List<String> pollFailures = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService poller;
  private EngineProxy proxy;
  private DockerClient engine;
  private FakeCollector collector;

  /**
   * The agent's Engine-facing components, each driven through the proxy for the whole scenario: a
   * component with threads of its own is {@code running} (started, closed at the end), a blocking
   * read is {@code polled} every {@link #POLL}. Add the next component here.
   */
  private List<Exercise> exercises(WatchConfig watch) {
    return List.of(
        Exercise.running(
            "EngineWatcher",
            client -> {
              EngineWatcher w = new EngineWatcher(client, watch, sink, Clock.systemUTC());
              w.start();
              return w;
            }),
        Exercise.polled(
            "EngineWatcher.snapshot",
            client ->
                new EngineWatcher(client, watch, new RecordingSink(), Clock.systemUTC())
                    .snapshot()),
        Exercise.polled("NodeReader.read", client -> new NodeReader(client).read()),
        // What the container healthcheck triggers: a ping of the Engine per probe.
        Exercise.polled(
            "AgentHealth.check",
            client ->
                new AgentHealth(
                        () -> client.pingCmd().exec(), () -> true, Duration.ZERO, Clock.systemUTC())
                    .check()),
        Exercise.polled(
            "SwarmViewReader.read",
            client -> new SwarmViewReader(client, Clock.systemUTC()).read()),
        // The whole agent, every component started as in production, talking to a collector that
        // asks it to report the swarm view. No cgroup tree where it looks, so every container's
        // usage comes through the Engine's stats API.
        Exercise.running(
            "AgentMain",
            client -> {
              AgentMain agent = new AgentMain(wholeAgentConfig(), Clock.systemUTC());
              agent.start();
              return agent;
            }));
  }

  private AgentConfig wholeAgentConfig() {
    return AgentConfig.from(
        new Env(
            Map.of(
                "DOCKER_HOST", proxy.dockerHost(),
                "SWARMWATCH_COLLECTOR", collector.target(),
                "SWARMWATCH_CGROUP_ROOT", "/nonexistent/swarmwatch-readonly-cgroup",
                "SWARMWATCH_USAGE_INTERVAL", "1s",
                "SWARMWATCH_HOST_INTERVAL", "1s",
                "SWARMWATCH_STATS_INTERVAL", "1s",
                "SWARMWATCH_SWARM_INTERVAL", "1s",
                "SWARMWATCH_RECONNECT_MIN", "100ms",
                "SWARMWATCH_RECONNECT_MAX", "1s")));
  }

  /** One agent component: either started once ({@code start}) or read repeatedly ({@code poll}). */
  private record Exercise(
      String name, Function<DockerClient, AutoCloseable> start, Consumer<DockerClient> poll) {
    static Exercise running(String name, Function<DockerClient, AutoCloseable> start) {
      return new Exercise(name, start, null);
    }

    static Exercise polled(String name, Consumer<DockerClient> read) {
      return new Exercise(name, null, read);
    }
  }

  @BeforeEach
  void startProxy() {
    proxy = EngineProxy.start(TestEngine.require());
    engine = AgentMain.connect(proxy.dockerHost());
    collector = FakeCollector.acking(0);
    collector.askToReportSwarm = true;
  }

  @AfterEach
  void cleanUp() throws Exception {
    stopExercises();
    for (String s : services) {
      dockerQuietly("service", "rm", s);
    }
    for (String c : containers) {
      dockerQuietly("rm", "-f", c);
    }
    if (engine != null) {
      engine.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (collector != null) {
      collector.close();
    }
  }

  @Test
  void theAgentOnlyReadsFromTheEngine() throws Exception {
    List<Exercise> exercises =
        exercises(
            new WatchConfig(
                proxy.dockerHost(), false, Duration.ofMillis(100), Duration.ofSeconds(1)));
    startExercises(exercises);

    String service = TestEngine.uniqueName("swarmwatch-readonly");
    services.add(service);
    docker(
        "service",
        "create",
        "--detach",
        "--no-resolve-image",
        "--stop-grace-period",
        "1s",
        "--name",
        service,
        "--replicas",
        "2",
        "swarmwatch-test/healthy:1");
    await("2 task containers running, their starts seen through the proxy")
        .atMost(STEP)
        .until(
            () -> {
              List<String> tasks = taskContainers(service, false);
              return tasks.size() == 2 && tasks.stream().allMatch(t -> sink.hasEvent(t, "start"));
            });
    List<String> tasks = taskContainers(service, false);
    // Engine stats calls take 1-2 s each: wait until the whole agent's usage rounds got through.
    await("the whole agent's usage, host, stats and swarm messages at its collector")
        .atMost(STEP)
        .until(
            () ->
                engineStatsSamples().findAny().isPresent()
                    && collector.received.stream().anyMatch(AgentMessage::hasHost)
                    && collector.received.stream().anyMatch(AgentMessage::hasStats)
                    && collector.received.stream().anyMatch(AgentMessage::hasSwarm));

    String flipped = tasks.get(0);
    docker("exec", flipped, "sh", "-c", "echo down > /tmp/unhealthy");
    await("unhealthy").atMost(STEP).until(() -> sink.hasEvent(flipped, "health_status: unhealthy"));

    String killed = tasks.get(1);
    docker("kill", killed);
    await("die after kill").atMost(STEP).until(() -> sink.hasEvent(killed, "die"));

    String plain = docker("run", "-d", "swarmwatch-test/plain:1");
    containers.add(plain);
    await("plain container start").atMost(STEP).until(() -> sink.hasEvent(plain, "start"));
    docker("rm", "-f", plain);
    await("plain container removal").atMost(STEP).until(() -> sink.wasRemoved(plain));

    docker("service", "rm", service);
    await("service's containers removed")
        .atMost(STEP)
        .until(() -> taskContainers(service, true).isEmpty() && sink.wasRemoved(flipped));

    stopExercises();
    List<Request> requests = proxy.requests();
    printEndpoints(requests);

    assertThat(pollFailures).as("failed reads through the proxy").isEmpty();
    for (Exercise e : exercises) {
      if (e.poll() != null) {
        assertThat(pollsOk.get(e.name()).get())
            .as("%s calls that succeeded", e.name())
            .isGreaterThanOrEqualTo(3);
      }
    }
    assertThat(
            collector.received.stream()
                .map(m -> m.getBodyCase().name())
                .distinct()
                .sorted()
                .toList())
        .as("what the whole agent sent its collector")
        .contains("HELLO", "SNAPSHOT", "EVENT", "CONTAINER", "USAGE", "HOST", "STATS", "SWARM");
    assertThat(requests.stream().map(ReadOnlyIT::endpoint).distinct())
        .as("endpoints the agent called")
        .containsAll(EXPECTED);
    assertThat(
            requests.stream().filter(r -> endpoint(r).equals("GET /containers/{id}/json")).count())
        .as("container inspects")
        .isGreaterThanOrEqualTo(4);
    assertThat(requests.stream().filter(r -> !isRead(r)).map(Request::describe).distinct())
        .as("requests that are not reads (allowed: GET/HEAD without body or upgrade, OTHER_READS)")
        .isEmpty();
  }

  private java.util.stream.Stream<io.swarmwatch.proto.v1.ContainerUsage> engineStatsSamples() {
    return collector.received.stream()
        .filter(AgentMessage::hasUsage)
        .flatMap(m -> m.getUsage().getContainersList().stream())
        .filter(u -> u.getSource().equals("engine-stats"));
  }

  private static boolean isRead(Request r) {
    if (OTHER_READS.containsKey(r.method() + " " + r.pattern())) {
      return true;
    }
    return READ_METHODS.contains(r.method())
        && r.contentLength() <= 0
        && !r.chunked()
        && !r.upgrade();
  }

  /** {@code METHOD /path-pattern}, without the API version prefix and the query. */
  private static String endpoint(Request r) {
    String p = r.pattern();
    int q = p.indexOf('?');
    p = (q < 0 ? p : p.substring(0, q)).replaceFirst("^/v[0-9]+\\.[0-9]+/", "/");
    return r.method() + " " + p;
  }

  private static void printEndpoints(List<Request> requests) {
    Map<String, Integer> counts = new TreeMap<>();
    requests.forEach(r -> counts.merge(r.describe(), 1, Integer::sum));
    StringBuilder b =
        new StringBuilder("ReadOnlyIT: ")
            .append(requests.size())
            .append(" requests on ")
            .append(requests.stream().mapToInt(Request::connection).distinct().count())
            .append(" connections; distinct (method, path):\n");
    counts.forEach((k, n) -> b.append(String.format("  %5d  %s%n", n, k)));
    System.out.print(b);
  }

  private void startExercises(List<Exercise> exercises) {
    // A thread per polled read, so a slow one (a snapshot of a busy Engine) starves no other.
    AtomicInteger threadNo = new AtomicInteger();
    poller =
        Executors.newScheduledThreadPool(
            (int) Math.max(1, exercises.stream().filter(e -> e.poll() != null).count()),
            r -> {
              Thread t = new Thread(r, "readonly-poller-" + threadNo.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    for (Exercise e : exercises) {
      if (e.start() != null) {
        running.put(e.name(), e.start().apply(engine));
      } else {
        pollsOk.put(e.name(), new AtomicInteger());
        poller.scheduleWithFixedDelay(
            () -> {
              try {
                e.poll().accept(engine);
                pollsOk.get(e.name()).incrementAndGet();
              } catch (RuntimeException ex) {
                pollFailures.add(e.name() + ": " + ex);
              }
            },
            0,
            POLL.toMillis(),
            TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Idempotent: after it returns, no component sends anything more through the proxy. */
  private void stopExercises() throws InterruptedException {
    if (poller != null) {
      poller.shutdown(); // no interrupt: a read in flight finishes (interrupted, it fails)
      assertThat(poller.awaitTermination(10, TimeUnit.SECONDS)).as("poller stopped").isTrue();
    }
    for (Map.Entry<String, AutoCloseable> c : running.entrySet()) {
      try {
        c.getValue().close();
      } catch (Exception e) {
        throw new AssertionError("closing " + c.getKey(), e);
      }
    }
    running.clear();
  }

  private static List<String> taskContainers(String service, boolean all) {
    List<String> args = new ArrayList<>(List.of("ps", "-q", "--no-trunc"));
    if (all) {
      args.add("-a");
    }
    args.addAll(List.of("--filter", "label=com.docker.swarm.service.name=" + service));
    String out = docker(args.toArray(String[]::new));
    return out.isEmpty() ? List.of() : Arrays.asList(out.split("\\s+"));
  }
}
