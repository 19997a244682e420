package io.swarmwatch.collector;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.swarmwatch.collector.alert.Alerting;
import io.swarmwatch.collector.api.ApiModule;
import io.swarmwatch.collector.api.HttpApiServer;
import io.swarmwatch.collector.ingest.AgentAuthInterceptor;
import io.swarmwatch.collector.ingest.HighWaterMarks;
import io.swarmwatch.collector.ingest.IngestService;
import io.swarmwatch.collector.ingest.IngestTls;
import io.swarmwatch.collector.ingest.Ingester;
import io.swarmwatch.collector.ingest.StreamCloseStatus;
import io.swarmwatch.collector.ingest.SwarmReporterElection;
import io.swarmwatch.collector.logs.LogTail;
import io.swarmwatch.collector.logs.Logs;
import io.swarmwatch.collector.logs.LogsApi;
import io.swarmwatch.collector.logs.LuceneLogStore;
import io.swarmwatch.collector.metrics.ClusterMetrics;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.collector.rules.RuleEngine;
import io.swarmwatch.collector.rules.RulesApi;
import io.swarmwatch.collector.web.WebModule;
import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import io.swarmwatch.common.Logging;
import io.swarmwatch.common.Version;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The collector process: gRPC ingest → cluster model → rules → HTTP API, until SIGTERM. */
public final class CollectorMain implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CollectorMain.class);
  // grpc-netty logs a message over SWARMWATCH_MAX_MESSAGE_BYTES as a WARNING with a stack trace;
  // IngestService logs it in one line (see StreamCloseStatus). JUL holds loggers weakly: keep it.
  private static final java.util.logging.Logger NETTY_SERVER_STREAM =
      java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");

  private final CollectorConfig config;
  private final ClusterModel model;
  private final Ingester ingester;
  private final RuleEngine rules;
  private final HttpApiServer http;
  private final WebModule web;
  private final Optional<Alerting> alerting;
  private final Logs logs;
  private final HighWaterMarks marks;
  // Built here, before anything starts, so a bad certificate or key stops the start.
  private final Optional<SslContext> grpcTls;
  private Server grpc;
  private boolean closed;

  CollectorMain(CollectorConfig config, Clock clock) {
    this.config = config;
    this.grpcTls = config.tls().map(IngestTls::sslContext);
    this.model = new ClusterModel(clock, config.eventsInMemory());
    this.logs =
        new Logs(
            new LuceneLogStore(config.logs(), clock), new LogTail(config.logs().followBuffer()));
    // Acks wait for this: the log store committed, then the marks written (see HighWaterMarks).
    this.marks = HighWaterMarks.open(config.ingest(), logs.store()::sync, clock);
    this.ingester = new Ingester(model, new SwarmReporterElection(), logs, marks);
    this.rules = new RuleEngine(model, config.rules(), clock);
    this.web = new WebModule(model);
    rules.subscribe(web);
    // Reads and validates the alerts file: a bad one stops the start with a ConfigException.
    this.alerting = config.alerts().map(a -> Alerting.start(a, clock));
    alerting.ifPresent(rules::subscribe);
    List<ApiModule> modules =
        new ArrayList<>(List.of(new RulesApi(rules, model), web, new LogsApi(logs)));
    alerting.ifPresent(a -> modules.add(a.api()));
    this.http =
        new HttpApiServer(
            model,
            clock,
            new ClusterMetrics(model, ingester.counters(), rules),
            config.api(),
            modules);
  }

  /** Where flag changes are told (alerts, the web page); subscribe before {@link #start}. */
  RuleEngine rules() {
    return rules;
  }

  /** Alerts to chat when {@code SWARMWATCH_ALERTS} is set (subscribed to the rules). */
  public Optional<Alerting> alerting() {
    return alerting;
  }

  /** Starts both servers; returns {grpcPort, httpPort} as bound. */
  int[] start() throws IOException, InterruptedException {
    // Rules first: they must see every change from the first agent message on.
    rules.start();
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(config.bind(), config.grpcPort()));
    grpcTls.ifPresent(builder::sslContext);
    grpc =
        builder
            .addService(
                ServerInterceptors.intercept(
                    new IngestService(ingester).definition(),
                    new AgentAuthInterceptor(config.agentToken())))
            .addStreamTracerFactory(new StreamCloseStatus())
            .maxInboundMessageSize(config.maxMessageBytes())
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .build()
            .start();
    int httpPort = http.start(config.bind(), config.httpPort());
    return new int[] {grpc.getPort(), httpPort};
  }

  /**
   * Idempotent: stops taking agents (waits up to 5 s for streams to drain), then the rules, then
   * the API.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (grpc != null) {
      grpc.shutdown();
      try {
        if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
          grpc.shutdownNow();
        }
      } catch (InterruptedException e) {
        grpc.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    rules.close();
    http.close();
    web.close();
    alerting.ifPresent(Alerting::close);
    marks.close(); // a last commit and mark, so the agents need not resend what came in
    logs.close();
  }

  private static String currentUid() {
    try {
      return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return System.getProperty("user.name");
    }
  }

  public static void main(String[] args) throws Exception {
    Logging.init();
    NETTY_SERVER_STREAM.setLevel(java.util.logging.Level.OFF);
    CollectorConfig config;
    try {
      config = CollectorConfig.from(Env.system());
    } catch (ConfigException e) {
      System.err.println("swarmwatch-collector: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    CollectorMain collector;
    try {
      collector = new CollectorMain(config, Clock.systemUTC());
    } catch (ConfigException e) {
      System.err.println("swarmwatch-collector: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    } catch (UncheckedIOException e) {
      // E.g. a data directory (a named volume) the collector's user can't write: say which and why.
      System.err.println(
          "swarmwatch-collector: "
              + e.getMessage()
              + " ("
              + (e.getCause() instanceof AccessDeniedException
                  ? "permission denied for uid " + currentUid()
                  : e.getCause().getClass().getSimpleName())
              + "; SWARMWATCH_DATA_DIR must be a directory the collector can write)");
      System.exit(1);
      return;
    }
    int[] ports;
    try {
      ports = collector.start();
    } catch (IOException e) {
      System.err.println(
          "swarmwatch-collector: cannot listen on "
              + config.bind()
              + " (gRPC "
              + config.grpcPort()
              + ", HTTP "
              + config.httpPort()
              + "): "
              + e.getMessage());
      collector.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping");
                  collector.close();
                },
                "swarmwatch-shutdown"));
    log.info(
        "swarmwatch collector {} ready: agents on gRPC port {}, API on http://{}:{}/api/v1 ({})",
        Version.of(CollectorMain.class),
        ports[0],
        config.bind().equals("0.0.0.0") ? "localhost" : config.bind(),
        ports[1],
        config);
  }
}
