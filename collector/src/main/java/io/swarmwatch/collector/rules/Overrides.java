package io.swarmwatch.collector.rules;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-service settings from service labels, the swarm way of configuring (like Traefik's):
 *
 * <ul>
 *   <li>{@code swarmwatch.rule.<rule>.<param>=<value>}, e.g. {@code
 *       swarmwatch.rule.crash-loop.count=5}, {@code swarmwatch.rule.no-limits.enabled=false},
 *       {@code swarmwatch.rule.unhealthy.severity=warning}
 *   <li>{@code swarmwatch.rules.enabled=false}: no rule flags this service
 * </ul>
 *
 * A label with a bad value or an unknown rule/parameter is ignored (the default stays) and logged
 * once, so one typo in a stack file never takes the service's monitoring away. Thread-safe.
 */
final class Overrides {
  static final String PREFIX = "swarmwatch.rule.";
  static final String ALL_ENABLED = "swarmwatch.rules.enabled";
  private static final Logger log = LoggerFactory.getLogger(Overrides.class);

  private final RulesConfig config;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  Overrides(RulesConfig config) {
    this.config = config;
  }

  RulesConfig config() {
    return config;
  }

  /** The rule's settings for a subject with these labels ({@code service} names it in logs). */
  Settings settings(String rule, String service, Map<String, String> labels) {
    Settings base = config.settings(rule);
    if (labels.isEmpty()) {
      return base;
    }
    Map<String, String> values = null;
    if ("false".equalsIgnoreCase(labels.getOrDefault(ALL_ENABLED, "true").trim())) {
      values = new HashMap<>(base.values());
      values.put("enabled", "false");
    }
    String prefix = PREFIX + rule + ".";
    for (Map.Entry<String, String> l : labels.entrySet()) {
      if (!l.getKey().startsWith(prefix)) {
        continue;
      }
      String param = l.getKey().substring(prefix.length());
      String value = l.getValue().trim().toLowerCase(Locale.ROOT);
      try {
        Settings.check(RuleSpec.named(rule), param, value);
      } catch (IllegalArgumentException bad) {
        if (warned.add(service + "\0" + l.getKey() + "\0" + value)) {
          log.warn(
              "service {}: label {}={} ignored, the default stays: {}",
              service,
              l.getKey(),
              l.getValue(),
              bad.getMessage());
        }
        continue;
      }
      if (values == null) {
        values = new HashMap<>(base.values());
      }
      values.put(param, value);
    }
    return values == null ? base : new Settings(rule, values);
  }

  /** Labels naming a rule that does not exist: logged once each, so typos are found. */
  void checkRuleNames(String service, Map<String, String> labels) {
    for (String key : labels.keySet()) {
      if (!key.startsWith(PREFIX)) {
        continue;
      }
      String rest = key.substring(PREFIX.length());
      int dot = rest.indexOf('.');
      String rule = dot < 0 ? rest : rest.substring(0, dot);
      if (!config.rules().containsKey(rule) && warned.add(service + "\0" + key)) {
        log.warn(
            "service {}: label {} ignored: no rule '{}' (rules: {})",
            service,
            key,
            rule,
            String.join(", ", config.rules().keySet()));
      }
    }
  }
}
