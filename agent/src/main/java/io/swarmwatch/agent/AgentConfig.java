package io.swarmwatch.agent;

import io.swarmwatch.agent.docker.WatchConfig;
import io.swarmwatch.agent.health.HealthConfig;
import io.swarmwatch.agent.host.HostConfig;
import io.swarmwatch.agent.logs.LogsConfig;
import io.swarmwatch.agent.ship.CollectorTls;
import io.swarmwatch.agent.ship.ShipperConfig;
import io.swarmwatch.agent.ship.SpoolConfig;
import io.swarmwatch.agent.usage.UsageConfig;
import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the agent is configured with, read once from the environment. Defaults:
 *
 * <ul>
 *   <li>{@code SWARMWATCH_COLLECTOR} = {@code localhost:7070}
 *   <li>{@code SWARMWATCH_AGENT_TOKEN} / {@code _FILE}: none
 *   <li>TLS to the collector ({@code SWARMWATCH_TLS}, {@code SWARMWATCH_TLS_CA_FILE}, {@code
 *       SWARMWATCH_TLS_CERT_FILE}, {@code SWARMWATCH_TLS_KEY_FILE}): off, see {@link CollectorTls}
 *   <li>{@code DOCKER_HOST} = {@code unix:///var/run/docker.sock}
 *   <li>the on-disk spool of unacknowledged messages: see {@link SpoolConfig}
 *   <li>{@code SWARMWATCH_RECONNECT_MIN} = 1s, {@code SWARMWATCH_RECONNECT_MAX} = 30s (to the
 *       collector and to the Engine)
 *   <li>{@code SWARMWATCH_HELLO_TIMEOUT} = 10s (the collector must answer a new stream by then)
 *   <li>{@code SWARMWATCH_FORWARD_EXEC_EVENTS} = false (health probes are execs: noisy)
 *   <li>{@code SWARMWATCH_SWARM_INTERVAL} = 5s (how often the reporting manager re-reads services,
 *       tasks and nodes; service and node events trigger a read sooner)
 *   <li>{@code SWARMWATCH_USAGE_INTERVAL} = 10s (container CPU, memory, pids, throttling)
 *   <li>{@code SWARMWATCH_HOST_INTERVAL} = 10s (host CPU, memory, load, filesystems, network)
 *   <li>{@code SWARMWATCH_STATS_INTERVAL} = 30s (the agent's own metrics, sent to the collector)
 *   <li>{@code SWARMWATCH_HOST_PROC} = {@code /proc}, {@code SWARMWATCH_HOST_SYS} = {@code /sys},
 *       {@code SWARMWATCH_HOST_ROOTFS} = {@code /}: where the host's are visible (in a container,
 *       mounted read-only, e.g. at {@code /host/proc}, {@code /host/sys}, {@code /host/root})
 *   <li>{@code SWARMWATCH_CGROUP_ROOT} = {@code <SWARMWATCH_HOST_SYS>/fs/cgroup}
 *   <li>log capture: see {@link LogsConfig}
 *   <li>{@code SWARMWATCH_HEALTH_PORT} = 0 (no health endpoint; the image sets 8081), {@code
 *       SWARMWATCH_HEALTH_BIND} = {@code 127.0.0.1}, {@code SWARMWATCH_HEALTH_MAX_DISCONNECTED} =
 *       5m: see {@link HealthConfig}
 * </ul>
 */
public record AgentConfig(
    String dockerHost,
    WatchConfig watch,
    ShipperConfig shipper,
    SpoolConfig spool,
    Duration swarmInterval,
    UsageConfig usage,
    HostConfig host,
    Duration hostInterval,
    Duration statsInterval,
    LogsConfig logs,
    HealthConfig health) {

  public static AgentConfig from(Env env) {
    Duration min = env.duration("SWARMWATCH_RECONNECT_MIN", Duration.ofSeconds(1));
    Duration max = env.duration("SWARMWATCH_RECONNECT_MAX", Duration.ofSeconds(30));
    if (min.isZero() || max.compareTo(min) < 0) {
      throw new ConfigException("need 0 < SWARMWATCH_RECONNECT_MIN <= SWARMWATCH_RECONNECT_MAX");
    }
    ShipperConfig shipper =
        new ShipperConfig(
            env.string("SWARMWATCH_COLLECTOR", "localhost:7070"),
            env.secret("SWARMWATCH_AGENT_TOKEN"),
            min,
            max,
            Duration.ofSeconds(30),
            env.duration("SWARMWATCH_HELLO_TIMEOUT", Duration.ofSeconds(10)),
            Duration.ofSeconds(30),
            CollectorTls.from(env));
    SpoolConfig spool = SpoolConfig.from(env);
    String dockerHost = env.string("DOCKER_HOST", "unix:///var/run/docker.sock");
    WatchConfig watch =
        new WatchConfig(dockerHost, env.bool("SWARMWATCH_FORWARD_EXEC_EVENTS", false), min, max);
    Duration swarmInterval = env.duration("SWARMWATCH_SWARM_INTERVAL", Duration.ofSeconds(5));
    if (swarmInterval.compareTo(Duration.ofMillis(500)) < 0) {
      throw new ConfigException("SWARMWATCH_SWARM_INTERVAL must be at least 500ms");
    }
    Path proc = absolutePath(env, "SWARMWATCH_HOST_PROC", HostConfig.DEFAULT_PROC_ROOT);
    Path sys = absolutePath(env, "SWARMWATCH_HOST_SYS", HostConfig.DEFAULT_SYS_ROOT);
    Path rootFs = absolutePath(env, "SWARMWATCH_HOST_ROOTFS", HostConfig.DEFAULT_ROOT_FS);
    Path cgroup = absolutePath(env, "SWARMWATCH_CGROUP_ROOT", sys.resolve("fs/cgroup"));
    UsageConfig usage =
        new UsageConfig(
            atLeast(env, "SWARMWATCH_USAGE_INTERVAL", UsageConfig.DEFAULT_INTERVAL), cgroup, proc);
    return new AgentConfig(
        dockerHost,
        watch,
        shipper,
        spool,
        swarmInterval,
        usage,
        new HostConfig(proc, sys, rootFs),
        atLeast(env, "SWARMWATCH_HOST_INTERVAL", Duration.ofSeconds(10)),
        atLeast(env, "SWARMWATCH_STATS_INTERVAL", Duration.ofSeconds(30)),
        LogsConfig.from(env, dockerHost),
        HealthConfig.from(env));
  }

  /** Sampling faster than once a second costs more than it tells. */
  private static Duration atLeast(Env env, String name, Duration fallback) {
    Duration d = env.duration(name, fallback);
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException(name + " must be at least 1s, not " + d);
    }
    return d;
  }

  private static Path absolutePath(Env env, String name, Path fallback) {
    Path p = env.string(name).map(Path::of).orElse(fallback);
    if (!p.isAbsolute()) {
      throw new ConfigException(name + " must be an absolute path, not " + p);
    }
    return p.normalize();
  }
}
