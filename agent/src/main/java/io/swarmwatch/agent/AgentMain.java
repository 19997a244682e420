package io.swarmwatch.agent;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.swarmwatch.agent.docker.ContainerRegistry;
import io.swarmwatch.agent.docker.EngineSink;
import io.swarmwatch.agent.docker.EngineWatcher;
import io.swarmwatch.agent.docker.NodeReader;
import io.swarmwatch.agent.ship.Outbox;
import io.swarmwatch.agent.ship.Shipper;
import io.swarmwatch.agent.swarm.SwarmReporter;
import io.swarmwatch.agent.swarm.SwarmViewReader;
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
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The agent process: Engine watcher → outbox → shipper, until SIGTERM. */
public final class AgentMain implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentMain.class);

  private final DockerClient docker;
  private final EngineWatcher watcher;
  private final SwarmReporter swarmReporter;
  private final Shipper shipper;
  private final CountDownLatch stopped = new CountDownLatch(1);

  AgentMain(AgentConfig config, Clock clock) {
    this.docker = connect(config.dockerHost());
    Outbox outbox = new Outbox(config.outboxMessages());
    SwarmViewReader swarmView = new SwarmViewReader(docker, clock);
    this.swarmReporter =
        new SwarmReporter(
            swarmView::read,
            v -> outbox.put(AgentMessage.newBuilder().setSwarm(v).build()),
            config.swarmInterval(),
            Duration.ofMillis(250));
    ContainerRegistry registry = new ContainerRegistry(new OutboxSink(outbox, swarmReporter));
    this.watcher = new EngineWatcher(docker, config.watch(), registry, clock);
    NodeReader nodes = new NodeReader(docker);
    String streamId = UUID.randomUUID().toString();
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
  }

  static DockerClient connect(String dockerHost) {
    DefaultDockerClientConfig cfg =
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
    ApacheDockerHttpClient http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(URI.create(dockerHost))
            .sslConfig(cfg.getSSLConfig())
            .maxConnections(8)
            .connectionTimeout(Duration.ofSeconds(5))
            .build();
    return DockerClientImpl.getInstance(cfg, http);
  }

  void start() {
    watcher.start();
    swarmReporter.start();
    shipper.start();
  }

  @Override
  public void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    stopped.countDown();
    shipper.close();
    swarmReporter.close();
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
    log.info(
        "swarmwatch agent {} starting: Engine {}, collector {}",
        Version.of(AgentMain.class),
        config.dockerHost(),
        config.shipper().target());
    AgentMain agent = new AgentMain(config, Clock.systemUTC());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping");
                  agent.close();
                },
                "swarmwatch-shutdown"));
    agent.start();
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
  private record OutboxSink(Outbox outbox, SwarmReporter swarm) implements EngineSink {
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
