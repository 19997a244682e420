package io.swarmwatch.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.swarmwatch.common.Times;
import io.swarmwatch.proto.v1.AgentStats;
import io.swarmwatch.proto.v1.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.ToDoubleFunction;

/**
 * The agent's own metrics, in a Micrometer registry, read from the components' plain counters (the
 * components don't know Micrometer), plus JVM memory, threads, CPU and the process's resident set
 * size. {@link #snapshot} flattens them for the collector, which shows them per node and exposes
 * them to Prometheus.
 */
public final class AgentMetrics {
  private final MeterRegistry registry = new SimpleMeterRegistry();

  public AgentMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Gauge.builder("process.memory.rss", AgentMetrics::residentSetBytes)
        .description("resident set size of the agent process (VmRSS)")
        .baseUnit("bytes")
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A counter read from a component: {@code swarmwatch.agent.<name>}. */
  public <T> AgentMetrics counter(String name, String description, T obj, ToDoubleFunction<T> f) {
    FunctionCounter.builder("swarmwatch.agent." + name, obj, f)
        .description(description)
        .register(registry);
    return this;
  }

  /** A gauge read from a component: {@code swarmwatch.agent.<name>}. */
  public <T> AgentMetrics gauge(
      String name, String description, String unit, T obj, ToDoubleFunction<T> f) {
    Gauge.builder("swarmwatch.agent." + name, obj, f)
        .description(description)
        .baseUnit(unit)
        .register(registry);
    return this;
  }

  public AgentStats snapshot(Instant now) {
    AgentStats.Builder b = AgentStats.newBuilder().setTimeUnixNanos(Times.toUnixNanos(now));
    for (Meter m : registry.getMeters()) {
      String kind = m instanceof Counter || m instanceof FunctionCounter ? "counter" : "gauge";
      for (Measurement ms : m.measure()) {
        double v = ms.getValue();
        if (Double.isNaN(v) || Double.isInfinite(v)) {
          continue;
        }
        String name = m.getId().getName();
        if (ms.getStatistic() != Statistic.VALUE && ms.getStatistic() != Statistic.COUNT) {
          name = name + "." + ms.getStatistic().getTagValueRepresentation();
        }
        Metric.Builder mb = Metric.newBuilder().setName(name).setKind(kind).setValue(v);
        if (m.getId().getBaseUnit() != null) {
          mb.setUnit(m.getId().getBaseUnit());
        }
        for (Tag t : m.getId().getTagsAsIterable()) {
          mb.putTags(t.getKey(), t.getValue());
        }
        b.addMetrics(mb);
      }
    }
    return b.build();
  }

  /** VmRSS from /proc/self/status; NaN where there is no such file. */
  static double residentSetBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
