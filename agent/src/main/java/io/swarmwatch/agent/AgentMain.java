package io.swarmwatch.agent;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.swarmwatch.agent.docker.ContainerRegistry;
import io.swarmwatch.agent.docker.EngineSink;
import io.swarmwatch.agent.docker.EngineWatcher;
import io.swarmwatch.agent.docker.NoTlsContext;
import io.swarmwatch.agent.docker.NodeReader;
import io.swarmwatch.agent.health.AgentHealth;
import io.swarmwatch.agent.health.HealthServer;
import io.swarmwatch.agent.host.HostSampler;
import io.swarmwatch.agent.logs.LogCollector;
import io.swarmwatch.agent.logs.LogSink;
import io.swarmwatch.agent.metrics.AgentMetrics;
import io.swarmwatch.agent.ship.Shipper;
import io.swarmwatch.agent.ship.Spool;
import io.swarmwatch.agent.swarm.SwarmReporter;
import io.swarmwatch.agent.swarm.SwarmViewReader;
import io.swarmwatch.agent.usage.UsageSampler;
import io.swarmwatch.agent.usage.UsageTarget;
import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import io.swarmwatch.common.Logging;
import io.swarmwatch.common.Version;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerEvent;
import io.swarmwatch.proto.v1.ContainerRemoved;
import io.swarmwatch.proto.v1.Hello;
import io.swarmwatch.proto.v1.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent process, until SIGTERM: the Engine watcher, the usage sampler, the host sampler and (on
 * the manager the collector picks) the swarm reporter put messages in the on-disk spool; the
 * shipper streams it to the collector.
 *
 * <p>Threads, whatever the number of containers: docker-java's event stream, the usage sampler, one
 * scheduler for host samples and the agent's own metrics, the swarm reporter, the shipper, gRPC's
 * event loop, and for logs one selector thread over all containers' log streams plus one inspect
 * thread. No thread per container.
 */
public final class AgentMain implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentMain.class);

  private final DockerClient docker;
  private final EngineWatcher watcher;
  private final SwarmReporter swarmReporter;
  private final Shipper shipper;
  private final UsageSampler usage;
  private final HostSampler host;
  private final LogCollector logs;
  private final AgentMetrics metrics;
  private final NodeReader nodes;
  private final AgentConfig config;
  private final Clock clock;
  private final Spool outbox;
  private final ScheduledExecutorService periodic;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private HealthServer health;
  private boolean hostFailing;

  /**
   * @throws io.swarmwatch.common.ConfigException if the host's /proc or /sys is not where the
   *     configuration says
   */
  AgentMain(AgentConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    // First: OSHI reads its paths once, when its classes load (see OshiPaths).
    this.host = HostSampler.create(config.host(), clock);
    this.docker = connect(config.dockerHost());
    // Opened before anything can produce: it holds what the last run did not deliver.
    Spool outbox = Spool.open(config.spool());
    this.outbox = outbox;
    SwarmViewReader swarmView = new SwarmViewReader(docker, clock);
    this.swarmReporter =
        new SwarmReporter(
            swarmView::read,
            v -> outbox.put(AgentMessage.newBuilder().setSwarm(v).build()),
            config.swarmInterval(),
            Duration.ofMillis(250));
    // A batch's lines count as delivered (the checkpoints move) once the batch is forced to disk
    // in the spool: from there it survives an agent restart.
    LogSink logSink =
        (batch, durable) -> outbox.put(AgentMessage.newBuilder().setLogs(batch).build(), durable);
    Runnable[] containerChanged = {() -> {}};
    ContainerRegistry registry =
        new ContainerRegistry(
            new OutboxSink(outbox, swarmReporter, () -> containerChanged[0].run()));
    this.watcher = new EngineWatcher(docker, config.watch(), registry, clock);
    this.usage =
        new UsageSampler(
            config.usage(),
            () -> targets(registry),
            batch -> outbox.put(AgentMessage.newBuilder().setUsage(batch).build()),
            docker,
            clock);
    NodeReader nodes = new NodeReader(docker);
    this.nodes = nodes;
    String streamId = outbox.streamId();
    String version = Version.of(AgentMain.class);
    this.shipper =
        new Shipper(
            config.shipper(),
            outbox,
            () -> {
              var node = nodes.read();
              return Hello.newBuilder()
                  .setAgentId(node.getId())
                  .setStreamId(streamId)
                  .setAgentVersion(version)
                  .setNode(node)
                  .build();
            },
            () -> {
              Snapshot s = watcher.snapshot();
              registry.remember(s);
              return s;
            },
            swarmReporter::setEnabled);
    if (config.logs().enabled() && config.logs().engine().isPresent()) {
      this.logs = LogCollector.create(config.logs(), registry::all, docker, logSink);
      containerChanged[0] = logs::poke;
    } else {
      this.logs = null;
      if (config.logs().enabled()) {
        log.warn(
            "log capture is off: it reads the Engine over unix:// or plain tcp://, and DOCKER_TLS_VERIFY"
                + " is set");
      }
    }
    this.metrics = new AgentMetrics();
    registerMetrics(registry);
    if (logs != null) {
      metrics
          .counter("logs.lines", "log lines read from the Engine", logs, LogCollector::lines)
          .counter("logs.bytes", "log bytes read from the Engine", logs, LogCollector::bytes)
          .counter("logs.batches", "log batches handed on", logs, LogCollector::batches)
          .counter("logs.streams", "container log streams opened", logs, LogCollector::streams)
          .counter(
              "logs.errors", "failed log streams and checkpoint writes", logs, LogCollector::errors)
          .counter(
              "logs.pauses",
              "times reading stopped because the collector lagged",
              logs,
              LogCollector::pauses);
    }
    this.periodic =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "swarmwatch-periodic");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * The running containers to sample, with their CPU limit in cores: {@code NanoCpus} (what {@code
   * --cpus} and swarm's {@code --limit-cpu} set), else {@code CpuQuota / CpuPeriod}, else none.
   */
  static List<UsageTarget> targets(ContainerRegistry registry) {
    return registry.running().stream()
        .map(c -> new UsageTarget(c.getId(), c.getPid(), cpuLimitCores(c)))
        .toList();
  }

  static double cpuLimitCores(Container c) {
    var l = c.getLimits();
    if (l.getNanoCpus() > 0) {
      return l.getNanoCpus() / 1e9;
    }
    if (l.getCpuQuota() > 0) {
      return (double) l.getCpuQuota() / (l.getCpuPeriod() > 0 ? l.getCpuPeriod() : 100_000);
    }
    return 0;
  }

  private void registerMetrics(ContainerRegistry registry) {
    metrics
        .counter("engine.events", "Engine events received", watcher, EngineWatcher::events)
        .counter(
            "engine.subscriptions",
            "event stream subscriptions (the first, then one per reconnect)",
            watcher,
            EngineWatcher::subscriptions)
        .counter(
            "engine.errors",
            "Engine connection losses and failed calls",
            watcher,
            EngineWatcher::engineErrors)
        .counter("engine.inspects", "container inspections", watcher, EngineWatcher::inspects)
        .counter(
            "engine.inspect.errors",
            "container inspections that failed",
            watcher,
            EngineWatcher::inspectErrors)
        .gauge("containers", "containers known on this node", null, registry, r -> r.size())
        .counter("usage.rounds", "usage sampling rounds", usage, UsageSampler::rounds)
        .counter("usage.samples", "container usage samples taken", usage, UsageSampler::samples)
        .counter(
            "usage.fallbacks",
            "usage samples read from the Engine stats API (no readable cgroup)",
            usage,
            UsageSampler::fallbacks)
        .counter("usage.gone", "containers gone before they were read", usage, UsageSampler::gone)
        .counter("usage.errors", "usage samples that failed", usage, UsageSampler::errors)
        .counter("swarm.reads", "reads of the swarm view", swarmReporter, SwarmReporter::reads)
        .counter(
            "swarm.failures",
            "failed reads of the swarm view",
            swarmReporter,
            SwarmReporter::failures)
        .counter(
            "collector.sessions",
            "streams opened to the collector (the first, then one per reconnect)",
            shipper,
            Shipper::sessions)
        .counter("collector.sent", "messages sent to the collector", shipper, Shipper::sent)
        .counter("collector.acked", "messages the collector acknowledged", shipper, Shipper::acked)
        .gauge(
            "spool.bytes",
            "bytes of unacknowledged messages on disk",
            "bytes",
            outbox,
            Spool::bytes)
        .gauge("spool.segments", "spool segment files", null, outbox, Spool::segments)
        .counter(
            "spool.dropped.log.lines",
            "log lines dropped because the spool was full (since the stream began)",
            outbox,
            s -> s.drops().getLogLines())
        .counter(
            "spool.dropped.samples",
            "samples dropped because the spool was full (since the stream began)",
            outbox,
            s -> s.drops().getSamples())
        .counter(
            "spool.write.errors",
            "failed spool writes (disk full, I/O error); the messages wait in memory",
            outbox,
            Spool::writeErrors)
        .gauge(
            "spool.held",
            "messages waiting in memory because the spool cannot be written",
            null,
            outbox,
            Spool::held);
  }

  private void sampleHost() {
    try {
      outbox.put(AgentMessage.newBuilder().setHost(host.sample()).build());
      if (hostFailing) {
        hostFailing = false;
        log.info("host sampling works again");
      }
    } catch (RuntimeException e) {
      if (!hostFailing) {
        hostFailing = true;
        log.warn("cannot sample the host: {}", e.toString());
      }
    }
  }

  private void sendStats() {
    try {
      outbox.put(AgentMessage.newBuilder().setStats(metrics.snapshot(clock.instant())).build());
    } catch (RuntimeException e) {
      log.warn("cannot read the agent's own metrics: {}", e.toString());
    }
  }

  static DockerClient connect(String dockerHost) {
    DefaultDockerClientConfig cfg =
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
    ApacheDockerHttpClient http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(URI.create(dockerHost))
            // No TLS configured: a context that costs nothing instead of the JVM's default.
            .sslConfig(
                cfg.getSSLConfig() != null
                    ? cfg.getSSLConfig()
                    : NoTlsContext.sslConfig(dockerHost))
            .maxConnections(8)
            .connectionTimeout(Duration.ofSeconds(5))
            .build();
    return DockerClientImpl.getInstance(cfg, http);
  }

  /**
   * @throws UncheckedIOException if the health endpoint cannot listen
   */
  void start() {
    logIdentity();
    if (config.health().enabled()) {
      health = startHealth();
    }
    watcher.start();
    usage.start();
    swarmReporter.start();
    long hostMs = config.hostInterval().toMillis();
    periodic.scheduleAtFixedRate(this::sampleHost, 0, hostMs, TimeUnit.MILLISECONDS);
    long statsMs = config.statsInterval().toMillis();
    periodic.scheduleAtFixedRate(this::sendStats, statsMs, statsMs, TimeUnit.MILLISECONDS);
    if (logs != null) {
      logs.start();
    }
    shipper.start();
  }

  /** The endpoint the container healthcheck asks: the Engine answers a ping, the stream is up. */
  private HealthServer startHealth() {
    try {
      return HealthServer.start(
          config.health(),
          new AgentHealth(
              () -> docker.pingCmd().exec(),
              shipper::connected,
              config.health().maxDisconnected(),
              clock));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen for health checks on "
              + config.health().bind()
              + ":"
              + config.health().port()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The start line: which Engine, which node, which collector. */
  private void logIdentity() {
    String node;
    try {
      var n = nodes.read();
      node =
          String.format(
              "node %s (%s, %s), Engine %s",
              n.getId(),
              n.getHostname(),
              n.getRole().isEmpty() ? "not in a swarm" : n.getRole(),
              n.getEngineVersion());
    } catch (RuntimeException e) {
      node = "node unknown yet (Engine not answering: " + e.getMessage() + ")";
    }
    log.info(
        "swarmwatch agent {} watching {} at {}, sending to collector {} ({}); usage every {}s,"
            + " cgroups at {}, host /proc at {}",
        Version.of(AgentMain.class),
        node,
        config.dockerHost(),
        config.shipper().target(),
        config.shipper().tls().map(Object::toString).orElse("plain text"),
        config.usage().interval().toSeconds(),
        config.usage().cgroupRoot(),
        config.host().procRoot());
  }

  @Override
  public void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    stopped.countDown();
    if (health != null) {
      health.close();
    }
    if (logs != null) {
      logs.close(); // before the shipper: its last batch can still go out, its checkpoints are
      // written
    }
    shipper.close();
    outbox.close();
    periodic.shutdownNow();
    swarmReporter.close();
    usage.close();
    watcher.close();
    try {
      docker.close();
    } catch (IOException e) {
      log.debug("closing the Docker client: {}", e.toString());
    }
  }

  public static void main(String[] args) {
    Logging.init();
    AgentConfig config;
    try {
      config = AgentConfig.from(Env.system());
    } catch (ConfigException e) {
      System.err.println("swarmwatch-agent: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    AgentMain agent;
    try {
      agent = new AgentMain(config, Clock.systemUTC());
    } catch (ConfigException e) {
      System.err.println("swarmwatch-agent: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    } catch (UncheckedIOException e) {
      // E.g. a spool directory that can't be created or read (read-only root, no volume).
      System.err.println(
          "swarmwatch-agent: "
              + e.getMessage()
              + " (SWARMWATCH_SPOOL_DIR must be a writable directory that outlives the agent)");
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping");
                  agent.close();
                },
                "swarmwatch-shutdown"));
    try {
      agent.start();
    } catch (UncheckedIOException e) {
      System.err.println("swarmwatch-agent: " + e.getMessage());
      agent.close();
      System.exit(1);
      return;
    }
    agent.awaitStopped();
  }

  /** Blocks until {@link #close} ran (the worker threads are daemons). */
  void awaitStopped() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Engine observations become outbox messages (their sequence is set when sent); a service or node
   * event also tells the swarm reporter to read the swarm view again.
   */
  private record OutboxSink(Spool outbox, SwarmReporter swarm, Runnable containerChanged)
      implements EngineSink {
    @Override
    public void event(ContainerEvent event) {
      outbox.put(AgentMessage.newBuilder().setEvent(event).build());
      if (event.getType().equals("service") || event.getType().equals("node")) {
        swarm.poke();
      }
    }

    @Override
    public void container(Container container) {
      outbox.put(AgentMessage.newBuilder().setContainer(container).build());
      containerChanged.run();
    }

    @Override
    public void removed(ContainerRemoved removed) {
      outbox.put(AgentMessage.newBuilder().setRemoved(removed).build());
    }

    @Override
    public void snapshot(Snapshot snapshot) {
      outbox.put(AgentMessage.newBuilder().setSnapshot(snapshot).build());
    }
  }
}
