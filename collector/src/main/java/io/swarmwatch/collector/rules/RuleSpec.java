package io.swarmwatch.collector.rules;

import java.util.List;
import java.util.Map;

/**
 * One rule as the catalog describes it: its name, what it is on, how bad by default, and its
 * parameters with their defaults. Every rule also takes {@code enabled}, {@code severity} and
 * {@code clear-after} (see {@link RulesConfig}).
 */
record RuleSpec(
    String name, String scope, Severity severity, String description, List<Param> params) {

  enum Type {
    DURATION,
    INTEGER,
    PERCENT
  }

  record Param(String name, Type type, String defaultValue, String meaning) {}

  static final String UNHEALTHY = "unhealthy";
  static final String CRASH_LOOP = "crash-loop";
  static final String OOM_KILLED = "oom-killed";
  static final String MEMORY_PRESSURE = "memory-pressure";
  static final String CPU_THROTTLED = "cpu-throttled";
  static final String UNDER_REPLICATED = "under-replicated";
  static final String TASK_REJECTED = "task-rejected";
  static final String PENDING = "pending";
  static final String UPDATE_PAUSED = "update-paused";
  static final String ROLLBACK = "rollback";
  static final String NODE_DOWN = "node-down";
  static final String AGENT_MISSING = "agent-missing";
  static final String NO_LIMITS = "no-limits";

  /** Every rule, in the order the API lists them. */
  static final List<RuleSpec> ALL =
      List.of(
          new RuleSpec(
              UNHEALTHY,
              "replica",
              Severity.CRITICAL,
              "the container's health check fails; the reason is the probe's output and exit code",
              List.of()),
          new RuleSpec(
              CRASH_LOOP,
              "replica",
              Severity.CRITICAL,
              "the slot's task failed (non-zero exit or OOM) count times within window",
              List.of(
                  new Param("count", Type.INTEGER, "3", "failures that make a crash loop"),
                  new Param("window", Type.DURATION, "5m", "how far back failures count"))),
          new RuleSpec(
              OOM_KILLED,
              "replica",
              Severity.CRITICAL,
              "the kernel killed the replica (or a process in it) for memory; the reason gives the"
                  + " limit",
              List.of(
                  new Param("hold", Type.DURATION, "10m", "how long after a kill it is flagged"))),
          new RuleSpec(
              MEMORY_PRESSURE,
              "replica",
              Severity.WARNING,
              "the memory working set is at least percent of the limit for the duration",
              List.of(
                  new Param("percent", Type.PERCENT, "90", "of the memory limit"),
                  new Param("for", Type.DURATION, "1m", "how long it must hold"))),
          new RuleSpec(
              CPU_THROTTLED,
              "replica",
              Severity.WARNING,
              "the container was throttled in at least percent of CFS periods over the window",
              List.of(
                  new Param("percent", Type.PERCENT, "25", "of CFS periods throttled"),
                  new Param("window", Type.DURATION, "1m", "the window measured over"))),
          new RuleSpec(
              UNDER_REPLICATED,
              "service",
              Severity.WARNING,
              "fewer running-and-healthy replicas than desired for longer than grace, outside a"
                  + " rolling update (critical when none is)",
              List.of(new Param("grace", Type.DURATION, "30s", "how long it may last unflagged"))),
          new RuleSpec(
              TASK_REJECTED,
              "replica",
              Severity.CRITICAL,
              "the replica's task was rejected; the reason is swarm's error",
              List.of()),
          new RuleSpec(
              PENDING,
              "replica",
              Severity.CRITICAL,
              "the scheduler can't place the replica's task (it gave a reason), or it has been"
                  + " pending longer than after",
              List.of(
                  new Param(
                      "after", Type.DURATION, "30s", "pending without a reason flagged after"))),
          new RuleSpec(
              UPDATE_PAUSED,
              "service",
              Severity.CRITICAL,
              "the service's rolling update paused (a task failed during it)",
              List.of()),
          new RuleSpec(
              ROLLBACK,
              "service",
              Severity.WARNING,
              "the service's update is rolling back or was rolled back (critical if the rollback"
                  + " paused)",
              List.of(
                  new Param(
                      "hold", Type.DURATION, "15m", "how long a completed rollback is flagged"))),
          new RuleSpec(
              NODE_DOWN,
              "node",
              Severity.CRITICAL,
              "swarm reports the node down, or its agent has been silent past agent-timeout; its"
                  + " replicas are flagged too and their health is unknown",
              List.of(
                  new Param(
                      "agent-timeout",
                      Type.DURATION,
                      "60s",
                      "silence after which a node's agent counts as gone"))),
          new RuleSpec(
              AGENT_MISSING,
              "node",
              Severity.WARNING,
              "swarm reports the node ready, but no agent has reported from it for grace (none ever"
                  + " did, or its agent disconnected and swarm still said ready agent-timeout"
                  + " later)",
              List.of(new Param("grace", Type.DURATION, "60s", "how long it may last unflagged"))),
          new RuleSpec(
              NO_LIMITS,
              "replica",
              Severity.INFO,
              "the replica runs without a memory limit",
              List.of()));

  static RuleSpec named(String name) {
    for (RuleSpec r : ALL) {
      if (r.name().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("no rule '" + name + "'");
  }

  /** Defaults of every parameter, common ones included, before any configuration. */
  Map<String, String> defaults(String clearAfter) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("enabled", "true");
    m.put("severity", severity.label());
    m.put("clear-after", clearAfter);
    for (Param p : params) {
      m.put(p.name(), p.defaultValue());
    }
    return m;
  }
}
