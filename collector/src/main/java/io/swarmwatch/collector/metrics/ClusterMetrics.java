package io.swarmwatch.collector.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.swarmwatch.collector.ingest.IngestCounters;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.collector.model.NodeView;
import io.swarmwatch.collector.model.ReplicaView;
import io.swarmwatch.collector.model.ServiceView;
import io.swarmwatch.collector.model.UsageView;
import io.swarmwatch.collector.rules.CurrentFlag;
import io.swarmwatch.collector.rules.RuleEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: the cluster model as Prometheus metrics, through Micrometer's Prometheus
 * registry, plus the collector's own JVM and ingest metrics.
 *
 * <p>Cluster gauges are read from the model at every scrape by a collector registered in the
 * registry's Prometheus registry (named by Micrometer's naming convention, like its own meters): a
 * replica, service or node that is gone from the model is gone from the next scrape, so cardinality
 * is bounded by what the cluster runs now (no series for dead containers forever). Replica series
 * carry {@code service, stack, slot, node, task} (slot empty for global services; node is the
 * hostname), never a container id. At 50,000 replicas that is ~450,000 series: kept as Micrometer
 * gauges (a MultiGauge re-registering every row per scrape) a scrape took longer than 10 s and the
 * meters held most of a 1 GiB heap; read straight from the views, nothing is kept between scrapes.
 */
public final class ClusterMetrics {
  private final ClusterModel model;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Family<ReplicaView>> replicaFamilies = new ArrayList<>();
  private final List<Family<ServiceView>> serviceFamilies = new ArrayList<>();
  private final List<Family<NodeView>> nodeFamilies = new ArrayList<>();
  private final RuleEngine rules;
  private final Family<CurrentFlag> flags;

  public ClusterMetrics(ClusterModel model, IngestCounters ingest) {
    this(model, ingest, null);
  }

  /**
   * @param rules whose flags are exposed as {@code swarmwatch_flags}; null for none
   */
  public ClusterMetrics(ClusterModel model, IngestCounters ingest, RuleEngine rules) {
    this.model = model;
    this.rules = rules;
    // Names promtool's linter rejects: system_cpu_count ("_count" on a gauge) and
    // process_cpu_time_ns_total (abbreviated unit). The CPU time is re-exposed the Prometheus way.
    registry
        .config()
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("system.cpu.count")))
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
          .baseUnit("seconds")
          .description("CPU time used by the collector process")
          .register(registry);
    }
    for (String kind : IngestCounters.kinds()) {
      FunctionCounter.builder("swarmwatch.ingest.messages", ingest, i -> i.applied(kind))
          .description("agent messages applied to the model, by kind")
          .tag("kind", kind.toLowerCase(java.util.Locale.ROOT))
          .register(registry);
    }
    FunctionCounter.builder("swarmwatch.ingest.redelivered", ingest, IngestCounters::redelivered)
        .description(
            "agent messages received again after a reconnect: acknowledged, not re-applied")
        .register(registry);
    FunctionCounter.builder("swarmwatch.ingest.streams", ingest, IngestCounters::streams)
        .description("agent streams opened (a Hello accepted)")
        .register(registry);
    FunctionCounter.builder("swarmwatch.ingest.rejected", ingest, IngestCounters::rejected)
        .description("agent messages that broke the protocol; their stream was ended")
        .register(registry);
    FunctionCounter.builder(
            "swarmwatch.ingest.spool.dropped.log.lines",
            ingest,
            IngestCounters::spoolDroppedLogLines)
        .description(
            "log lines the agents' full spools dropped (as last reported, over all nodes): read,"
                + " never delivered")
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);

    replica(
        "swarmwatch.replica.running",
        "1 if the replica's container is running",
        null,
        r -> "running".equals(r.state()) ? 1 : 0);
    replica(
        "swarmwatch.replica.healthy",
        "1 if healthy (or running without a health check), 0 if not; absent while starting",
        null,
        ClusterMetrics::healthy);
    replica(
        "swarmwatch.replica.restarts",
        "restarts of the replica's container (Engine RestartCount)",
        null,
        r -> r.restartCount());
    replica(
        "swarmwatch.replica.oom.killed",
        "1 if the replica's last container was killed by the kernel for memory",
        null,
        r -> r.oomKilled() ? 1 : 0);
    replica(
        "swarmwatch.replica.cpu.usage",
        "CPU used over the last sampling interval, in cores (1 = one full core)",
        "cores",
        r ->
            usage(r)
                .map(u -> u.cpuPercent() == null ? Double.NaN : u.cpuPercent() / 100)
                .orElse(Double.NaN));
    replica(
        "swarmwatch.replica.cpu.limit",
        "CPU limit in cores (NanoCpus, else quota/period); absent when unlimited",
        "cores",
        ClusterMetrics::cpuLimitCores);
    replica(
        "swarmwatch.replica.cpu.throttled.periods",
        "CFS periods in which the container was throttled (cumulative)",
        null,
        r -> usage(r).map(u -> orNaN(u.cpuThrottledPeriods())).orElse(Double.NaN));
    replica(
        "swarmwatch.replica.memory.working.set",
        "memory working set (usage minus inactive file cache, as docker stats shows it)",
        "bytes",
        r -> usage(r).map(u -> orNaN(u.memoryBytes())).orElse(Double.NaN));
    replica(
        "swarmwatch.replica.memory.limit",
        "memory limit the kernel enforces; absent when unlimited",
        "bytes",
        r -> usage(r).map(u -> orNaN(u.memoryLimitBytes())).orElse(limitFromSpec(r)));
    replica(
        "swarmwatch.replica.oom.kills",
        "OOM kills inside the container's cgroup (cumulative, cgroup sources only)",
        null,
        r -> usage(r).map(u -> orNaN(u.oomKills())).orElse(Double.NaN));

    service(
        "swarmwatch.service.replicas.desired",
        "replicas the service asks for",
        s -> s.desired() == null ? Double.NaN : s.desired());
    service("swarmwatch.service.replicas.running", "replicas running", s -> s.running());
    service(
        "swarmwatch.service.replicas.healthy", "replicas running and healthy", s -> s.healthy());
    service(
        "swarmwatch.service.status",
        "0 ok, 1 degraded, 2 down, -1 unknown",
        s ->
            switch (s.status()) {
              case "ok" -> 0;
              case "degraded" -> 1;
              case "down" -> 2;
              default -> -1;
            });

    node(
        "swarmwatch.node.agent.connected",
        "1 if the node's agent is connected",
        n -> n.agent() != null && n.agent().connected() ? 1 : 0);
    node(
        "swarmwatch.node.ready",
        "1 if the swarm reports the node ready, 0 if not",
        n ->
            switch (n.status()) {
              case "ready" -> 1;
              case "unknown" -> Double.NaN;
              default -> 0;
            });
    node(
        "swarmwatch.node.cpu.usage",
        "host CPU busy over the last sample, 1 = all cores",
        n ->
            n.host() == null || n.host().cpuPercent() == null
                ? Double.NaN
                : n.host().cpuPercent() / 100);
    node(
        "swarmwatch.node.memory.available.bytes",
        "host memory available",
        n -> n.host() == null ? Double.NaN : n.host().memoryAvailableBytes());
    node(
        "swarmwatch.node.memory.total.bytes",
        "host memory",
        n -> n.host() == null ? Double.NaN : n.host().memoryTotalBytes());
    node(
        "swarmwatch.node.load1",
        "host load average over 1 minute",
        n -> n.host() == null ? Double.NaN : n.host().load1());

    registry.getPrometheusRegistry().register((MultiCollector) this::collect);
    if (rules == null) {
      flags = null;
      return;
    }
    flags =
        family(
            "swarmwatch.flags",
            "1 per flag holding now (clearing ones included), by rule, severity and subject",
            null,
            f -> 1);
    FunctionCounter.builder("swarmwatch.rules.rounds", rules, RuleEngine::rounds)
        .description("rule evaluation rounds (one per burst of model changes, and per tick)")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder(
            "swarmwatch.rules.round.duration", rules, r -> r.lastRoundNanos() / 1e9)
        .description("how long the last rule evaluation round took")
        .baseUnit("seconds")
        .register(registry);
    FunctionCounter.builder("swarmwatch.rules.listener.errors", rules, RuleEngine::listenerErrors)
        .description("flag subscribers (alerts, …) that threw on a change")
        .register(registry);
  }

  // A scrape at 50,000 replicas is ~450,000 series, tens of MiB of text: concurrent scrapers
  // (several Prometheus servers, a dashboard, a load test) share one, at most a second old, so
  // memory holds one scrape instead of one per caller (50 concurrent ones exhausted a 1 GiB heap).
  private static final long SCRAPE_REUSE_NANOS = 1_000_000_000L;
  private byte[] lastScrape;
  private long lastScrapeAt;

  /** The Prometheus text exposition of the model as of now (or of at most a second ago). */
  public String scrape() {
    return new String(scrapeBytes(), StandardCharsets.UTF_8);
  }

  /** {@link #scrape} as UTF-8 bytes, as served (no copy per request). */
  public synchronized byte[] scrapeBytes() {
    long now = System.nanoTime();
    if (lastScrape != null && now - lastScrapeAt < SCRAPE_REUSE_NANOS) {
      return lastScrape;
    }
    lastScrape = null; // let the old one go before building the next
    lastScrape = scrapeFresh();
    lastScrapeAt = System.nanoTime();
    return lastScrape;
  }

  /** A scrape built now, not shared (for benchmarks: what a scrape costs). */
  public byte[] scrapeFresh() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
    try {
      registry.scrape(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream doesn't throw
    }
    return out.toByteArray();
  }

  /** The content type {@link #scrape} is in. */
  public static String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  /** For the collector's own meters (ingest counters and the like). */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The cluster's series as of now: called by the Prometheus registry at each scrape. */
  private MetricSnapshots collect() {
    List<MetricSnapshot> out = new ArrayList<>();
    if (flags != null) {
      List<CurrentFlag> current = rules.flags();
      out.add(
          flags.snapshot(
              rows(
                  current,
                  f ->
                      Labels.of(
                          "node_id", f.subject().node(),
                          "rule", f.flag().rule(),
                          "service", f.subject().serviceName(),
                          "severity", f.flag().severity().label(),
                          "stack", f.subject().stack(),
                          "subject", f.subject().id(),
                          "type", f.subject().type()))));
    }
    ClusterModel.ReadViews views = model.readViews();
    Map<Labels, ReplicaView> replicas = rows(views.replicas(), ClusterMetrics::replicaLabels);
    for (Family<ReplicaView> f : replicaFamilies) {
      out.add(f.snapshot(replicas));
    }
    Map<Labels, ServiceView> services =
        rows(views.services(), v -> Labels.of("service", v.name(), "stack", nz(v.stack())));
    for (Family<ServiceView> f : serviceFamilies) {
      out.add(f.snapshot(services));
    }
    Map<Labels, NodeView> nodes =
        rows(
            model.nodes(),
            n -> Labels.of("node", n.hostname(), "node_id", n.id(), "role", n.role()));
    for (Family<NodeView> f : nodeFamilies) {
      out.add(f.snapshot(nodes));
    }
    return new MetricSnapshots(out);
  }

  /** Views by their series' labels; of two with the same labels, the later one counts. */
  private static <V> Map<Labels, V> rows(List<V> views, Function<V, Labels> labels) {
    Map<Labels, V> rows = new LinkedHashMap<>(views.size() * 2);
    for (V v : views) {
      rows.put(labels.apply(v), v);
    }
    return rows;
  }

  private static Labels replicaLabels(ReplicaView r) {
    return Labels.of(
        "node", nz(r.nodeHostname() != null ? r.nodeHostname() : r.node()),
        "service", nz(r.service()),
        "slot", r.slot() == null ? "" : Integer.toString(r.slot()),
        "stack", nz(r.stack()),
        "task", nz(r.taskId()));
  }

  private void replica(String name, String help, String unit, ToDoubleFunction<ReplicaView> f) {
    replicaFamilies.add(family(name, help, unit, f));
  }

  private void service(String name, String help, ToDoubleFunction<ServiceView> f) {
    serviceFamilies.add(family(name, help, null, f));
  }

  private void node(String name, String help, ToDoubleFunction<NodeView> f) {
    nodeFamilies.add(family(name, help, null, f));
  }

  /** A gauge family named the way Micrometer names its own gauges in this registry. */
  private <V> Family<V> family(String name, String help, String unit, ToDoubleFunction<V> f) {
    return new Family<>(
        registry.config().namingConvention().name(name, Meter.Type.GAUGE, unit), help, f);
  }

  /**
   * One gauge over one kind of view: at each scrape, one series per view with its value then (NaN
   * values are left out: the series is absent, not 0).
   */
  private record Family<V>(String name, String help, ToDoubleFunction<V> value) {
    GaugeSnapshot snapshot(Map<Labels, V> rows) {
      GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
      rows.forEach(
          (labels, v) -> {
            double d = value.applyAsDouble(v);
            if (!Double.isNaN(d)) {
              b.dataPoint(GaugeDataPointSnapshot.builder().value(d).labels(labels).build());
            }
          });
      return b.build();
    }
  }

  private static Optional<UsageView> usage(ReplicaView r) {
    return Optional.ofNullable(r.usage());
  }

  private static double healthy(ReplicaView r) {
    if (!"running".equals(r.state())) {
      return 0;
    }
    String h = r.health();
    if (h == null || h.isEmpty() || h.equals("none")) {
      return 1;
    }
    return switch (h) {
      case "healthy" -> 1;
      case "unhealthy" -> 0;
      default -> Double.NaN;
    };
  }

  private static double cpuLimitCores(ReplicaView r) {
    var l = r.limits();
    if (l == null) {
      return Double.NaN;
    }
    if (l.nanoCpus() != null && l.nanoCpus() > 0) {
      return l.nanoCpus() / 1e9;
    }
    if (l.cpuQuota() != null && l.cpuQuota() > 0) {
      long period = l.cpuPeriod() != null && l.cpuPeriod() > 0 ? l.cpuPeriod() : 100_000;
      return (double) l.cpuQuota() / period;
    }
    return Double.NaN;
  }

  private static double limitFromSpec(ReplicaView r) {
    var l = r.limits();
    return l == null || l.memoryBytes() == null || l.memoryBytes() <= 0
        ? Double.NaN
        : l.memoryBytes();
  }

  private static double orNaN(Number n) {
    return n == null || n.doubleValue() < 0 ? Double.NaN : n.doubleValue();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
