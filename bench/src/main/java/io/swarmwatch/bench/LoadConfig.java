package io.swarmwatch.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link CollectorLoad} generates, from {@code --name=value} arguments.
 *
 * @param target the collector's gRPC address (host:port)
 * @param api the collector's HTTP base URL, for the ingest → queryable probe
 * @param token the agent join token, if the collector wants one
 * @param agents simulated agents (nodes), each its own gRPC stream
 * @param containers running containers per agent
 * @param duration how long to run after every agent is connected
 * @param sampleInterval usage and host samples per agent, as a real agent's default (10 s)
 * @param logLinesPerSecond log lines per second across all agents (~150 bytes each)
 * @param healthFlipsPerSecond container health transitions per second across all agents
 * @param agentsPerChannel simulated agents sharing one HTTP/2 connection (real agents have one
 *     each; sharing keeps the generator itself small enough to run next to the collector)
 * @param maxInFlight unacknowledged messages one agent may have before it holds back (the real
 *     agent's window); what it can't send waits in its backlog, which is what "no backlog growth"
 *     watches
 * @param collectorPid the collector's process id, to read its CPU time and RSS from /proc
 */
public record LoadConfig(
    String target,
    String api,
    Optional<String> token,
    int agents,
    int containers,
    Duration duration,
    Duration sampleInterval,
    int logLinesPerSecond,
    double healthFlipsPerSecond,
    int agentsPerChannel,
    int maxInFlight,
    Optional<Long> collectorPid) {

  public LoadConfig {
    if (agents < 1 || containers < 1) {
      throw new IllegalArgumentException("--agents and --containers must be at least 1");
    }
    if (agentsPerChannel < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("--agents-per-channel and --max-in-flight must be >= 1");
    }
    if (logLinesPerSecond < 0 || healthFlipsPerSecond < 0) {
      throw new IllegalArgumentException("rates can't be negative");
    }
  }

  static LoadConfig parse(String... args) {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("arguments are --name=value, got '" + arg + "'");
      }
      a.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    LoadConfig c =
        new LoadConfig(
            a.getOrDefault("target", "localhost:7070"),
            a.getOrDefault("api", "http://localhost:8080"),
            Optional.ofNullable(a.get("token")),
            Integer.parseInt(a.getOrDefault("agents", "10")),
            Integer.parseInt(a.getOrDefault("containers", "50")),
            Duration.ofSeconds(Long.parseLong(a.getOrDefault("seconds", "60"))),
            Duration.ofMillis(Long.parseLong(a.getOrDefault("sample-ms", "10000"))),
            Integer.parseInt(a.getOrDefault("log-lines", "0")),
            Double.parseDouble(a.getOrDefault("health-flips", "1")),
            Integer.parseInt(a.getOrDefault("agents-per-channel", "25")),
            Integer.parseInt(a.getOrDefault("max-in-flight", "1000")),
            Optional.ofNullable(a.get("collector-pid")).map(Long::parseLong));
    a.keySet()
        .removeAll(
            java.util.Set.of(
                "target",
                "api",
                "token",
                "agents",
                "containers",
                "seconds",
                "sample-ms",
                "log-lines",
                "health-flips",
                "agents-per-channel",
                "max-in-flight",
                "collector-pid"));
    if (!a.isEmpty()) {
      throw new IllegalArgumentException("unknown arguments: " + a.keySet());
    }
    return c;
  }
}
