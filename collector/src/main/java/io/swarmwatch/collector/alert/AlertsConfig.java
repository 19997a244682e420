package io.swarmwatch.collector.alert;

import io.swarmwatch.collector.rules.RulesConfig;
import io.swarmwatch.common.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The alerting component's environment. Defaults:
 *
 * <ul>
 *   <li>{@code SWARMWATCH_ALERTS}: none, so alerting is off; else the alerts file (YAML)
 *   <li>{@code SWARMWATCH_DATA_DIR} = {@code ./data}: pending notifications, history and silences
 *       live under {@code <data>/alerts}
 *   <li>{@code SWARMWATCH_PUBLIC_URL}: none; when set (e.g. {@code https://swarmwatch.example.com})
 *       messages link to the service there
 *   <li>{@code SWARMWATCH_RESTART_SETTLE} = {@code 60s}: after a restart, how long an incident
 *       saved before it waits for the rules to flag its replicas again before they count as
 *       recovered (and it resolves); see {@link RulesConfig}
 * </ul>
 */
public record AlertsConfig(Path file, Path dataDir, String publicUrl, Duration settle) {
  public static Optional<AlertsConfig> from(Env env) {
    return env.string("SWARMWATCH_ALERTS")
        .map(
            f ->
                new AlertsConfig(
                    Path.of(f),
                    Path.of(env.string("SWARMWATCH_DATA_DIR", "./data")),
                    stripSlash(env.string("SWARMWATCH_PUBLIC_URL", "")),
                    RulesConfig.settle(env)));
  }

  public Path alertsDir() {
    return dataDir.resolve("alerts");
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
