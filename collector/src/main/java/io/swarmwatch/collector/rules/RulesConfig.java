package io.swarmwatch.collector.rules;

import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rule engine's configuration, read once from the environment:
 *
 * <ul>
 *   <li>{@code SWARMWATCH_RULES_TICK} = {@code 1s}: how often durations, windows and timeouts are
 *       re-checked when nothing arrives (facts themselves are evaluated the moment they arrive)
 *   <li>{@code SWARMWATCH_RULES_CLEAR_AFTER} = {@code 15s}: how long a condition must stay clear
 *       before its flag clears (a flapping replica stays one incident)
 *   <li>{@code SWARMWATCH_RULES_DISABLE}: comma-separated rule names switched off everywhere
 *   <li>{@code SWARMWATCH_RULE_<RULE>_<PARAM>}: any rule parameter, e.g. {@code
 *       SWARMWATCH_RULE_CRASH_LOOP_COUNT=5}, {@code SWARMWATCH_RULE_NO_LIMITS_ENABLED=false},
 *       {@code SWARMWATCH_RULE_MEMORY_PRESSURE_SEVERITY=critical} (names upper-cased, {@code -} as
 *       {@code _}); the parameters and their defaults are in {@link RuleSpec#ALL}
 *   <li>{@code SWARMWATCH_DATA_DIR} = {@code ./data}: flags' start times are kept in {@code
 *       <data>/rules/flags.json}, so a flag still holding after a collector restart keeps its
 *       {@code since}
 *   <li>{@code SWARMWATCH_RESTART_SETTLE} = {@code 60s}: after a start, how long the agents have to
 *       reconnect and report before what was held before the restart and has not come back counts
 *       as over (twice the agents' longest reconnect backoff, {@code SWARMWATCH_RECONNECT_MAX} =
 *       30s); alerting uses the same period for its incidents
 * </ul>
 *
 * <p>Services override any of these with labels, see {@link Overrides}.
 *
 * @param rules rule name → its settings before any service's labels, in catalog order
 * @param stateDir where flags' start times are kept; empty to keep nothing across restarts
 * @param settle how long after a start remembered start times may be claimed
 */
public record RulesConfig(
    Duration tick, Map<String, Settings> rules, Optional<Path> stateDir, Duration settle) {
  public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(60);

  public RulesConfig {
    if (tick.isNegative() || tick.isZero()) {
      throw new ConfigException("SWARMWATCH_RULES_TICK must be positive");
    }
    if (settle.isNegative()) {
      throw new ConfigException("SWARMWATCH_RESTART_SETTLE must not be negative");
    }
    rules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rules));
  }

  /** The defaults, keeping nothing on disk. */
  public static RulesConfig defaults() {
    return from(new Env(Map.of())).inMemory();
  }

  /** This configuration keeping nothing on disk (tests, tools). */
  public RulesConfig inMemory() {
    return new RulesConfig(tick, rules, Optional.empty(), settle);
  }

  /** The settle period after a start, as {@code SWARMWATCH_RESTART_SETTLE} gives it. */
  public static Duration settle(Env env) {
    return env.duration("SWARMWATCH_RESTART_SETTLE", DEFAULT_SETTLE);
  }

  public static RulesConfig from(Env env) {
    Duration tick = env.duration("SWARMWATCH_RULES_TICK", Duration.ofSeconds(1));
    String clearAfter = env.string("SWARMWATCH_RULES_CLEAR_AFTER", "15s");
    Set<String> disabled = new TreeSet<>();
    for (String name : env.string("SWARMWATCH_RULES_DISABLE", "").split(",")) {
      if (!name.isBlank()) {
        disabled.add(name.trim());
      }
    }
    Map<String, Settings> out = new LinkedHashMap<>();
    for (RuleSpec spec : RuleSpec.ALL) {
      Map<String, String> values = new HashMap<>(spec.defaults(clearAfter));
      if (disabled.remove(spec.name())) {
        values.put("enabled", "false");
      }
      for (String param : values.keySet()) {
        String var = envName(spec.name(), param);
        env.string(var).ifPresent(v -> values.put(param, v.trim().toLowerCase(Locale.ROOT)));
      }
      for (Map.Entry<String, String> e : values.entrySet()) {
        try {
          Settings.check(spec, e.getKey(), e.getValue());
        } catch (IllegalArgumentException bad) {
          String var =
              e.getKey().equals("clear-after")
                      && env.string(envName(spec.name(), "clear-after")).isEmpty()
                  ? "SWARMWATCH_RULES_CLEAR_AFTER"
                  : envName(spec.name(), e.getKey());
          throw new ConfigException(var + " " + bad.getMessage());
        }
      }
      out.put(spec.name(), new Settings(spec.name(), values));
    }
    if (!disabled.isEmpty()) {
      throw new ConfigException(
          "SWARMWATCH_RULES_DISABLE names unknown rules "
              + disabled
              + " (rules: "
              + String.join(", ", out.keySet())
              + ")");
    }
    return new RulesConfig(
        tick,
        out,
        Optional.of(Path.of(env.string("SWARMWATCH_DATA_DIR", "./data")).resolve("rules")),
        settle(env));
  }

  static String envName(String rule, String param) {
    return ("SWARMWATCH_RULE_" + rule + "_" + param).toUpperCase(Locale.ROOT).replace('-', '_');
  }

  public Settings settings(String rule) {
    Settings s = rules.get(rule);
    if (s == null) {
      throw new IllegalArgumentException("no rule '" + rule + "'");
    }
    return s;
  }
}
