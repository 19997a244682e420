package io.swarmwatch.collector.rules;

import io.swarmwatch.collector.api.ApiException;
import io.swarmwatch.collector.api.ApiModule;
import io.swarmwatch.collector.api.Params;
import io.swarmwatch.collector.api.Router;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.collector.model.ServiceView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /api/v1/flags}: every flag holding now, on replicas, services and nodes, filterable;
 * {@code GET /api/v1/rules}: each rule with its effective settings, and per service where labels
 * change them.
 */
public final class RulesApi implements ApiModule {
  private final RuleEngine engine;
  private final ClusterModel model;

  public RulesApi(RuleEngine engine, ClusterModel model) {
    this.engine = engine;
    this.model = model;
  }

  /** One flag as {@code /api/v1/flags} lists it. */
  record FlagEntry(
      String type,
      String id,
      String service,
      String serviceId,
      String stack,
      String node,
      String containerId,
      String rule,
      String severity,
      String since,
      String reason,
      boolean clearing) {}

  /** One rule as {@code /api/v1/rules} lists it. */
  record RuleEntry(
      String name,
      String scope,
      String description,
      Map<String, String> settings,
      List<ServiceSettings> services) {}

  record ServiceSettings(String service, Map<String, String> settings) {}

  @Override
  public void routes(Router r) {
    r.get("/api/v1/flags", q -> flags(q.params()));
    r.get("/api/v1/rules", q -> rules(q.params()));
  }

  @Override
  public String openApiResource() {
    return "/io/swarmwatch/collector/rules/openapi.json";
  }

  private Object flags(Params p) {
    p.allow(Set.of("type", "rule", "severity", "service", "node"));
    Optional<String> type = oneOf(p, "type", Set.of("replica", "service", "node"));
    Optional<String> rule = p.string("rule");
    if (rule.isPresent() && !engine.config().rules().containsKey(rule.get())) {
      throw ApiException.badRequest(
          "parameter 'rule' must be one of "
              + String.join(", ", engine.config().rules().keySet())
              + "; got '"
              + rule.get()
              + "'");
    }
    Optional<String> severity = oneOf(p, "severity", Set.of("info", "warning", "critical"));
    Optional<String> service = p.string("service");
    Optional<String> node = p.string("node");
    List<FlagEntry> out = new ArrayList<>();
    for (CurrentFlag f : engine.flags()) {
      FlagChange.Subject s = f.subject();
      if (type.isPresent() && !type.get().equals(s.type())
          || rule.isPresent() && !rule.get().equals(f.flag().rule())
          // At least this severity: severity=warning lists warnings and criticals.
          || severity.isPresent()
              && f.flag()
                      .severity()
                      .compareTo(Severity.valueOf(severity.get().toUpperCase(Locale.ROOT)))
                  < 0
          || service.isPresent()
              && !service.get().equals(s.serviceName())
              && !service.get().equals(s.serviceId())
          || node.isPresent()
              && !node.get().equals(s.node())
              && !node.get().equals(hostname(s.node()))) {
        continue;
      }
      out.add(
          new FlagEntry(
              s.type(),
              s.id(),
              s.serviceName().isEmpty() ? null : s.serviceName(),
              s.serviceId().isEmpty() ? null : s.serviceId(),
              s.stack().isEmpty() ? null : s.stack(),
              s.node().isEmpty() ? null : s.node(),
              s.containerId().isEmpty() ? null : s.containerId(),
              f.flag().rule(),
              f.flag().severity().label(),
              f.flag().since().toString(),
              f.flag().reason(),
              f.clearing()));
    }
    return out;
  }

  private String hostname(String nodeId) {
    return nodeId.isEmpty() ? "" : model.node(nodeId).map(n -> n.hostname()).orElse("");
  }

  private Object rules(Params p) {
    p.allow(Set.of("service"));
    Optional<String> only = p.string("service");
    List<ServiceView> services = model.readViews().services();
    if (only.isPresent()
        && services.stream()
            .noneMatch(s -> s.name().equals(only.get()) || s.id().equals(only.get()))) {
      throw ApiException.notFound("no service '" + only.get() + "'");
    }
    List<RuleEntry> out = new ArrayList<>();
    for (RuleSpec spec : RuleSpec.ALL) {
      Settings base = engine.config().settings(spec.name());
      List<ServiceSettings> overridden = new ArrayList<>();
      for (ServiceView s : services) {
        if (only.isPresent() && !only.get().equals(s.name()) && !only.get().equals(s.id())) {
          continue;
        }
        Settings eff =
            engine.settings(spec.name(), s.name(), s.labels() == null ? Map.of() : s.labels());
        if (only.isPresent() || !eff.equals(base)) {
          overridden.add(new ServiceSettings(s.name(), sorted(spec, eff)));
        }
      }
      out.add(
          new RuleEntry(
              spec.name(), spec.scope(), spec.description(), sorted(spec, base), overridden));
    }
    return out;
  }

  /** The catalog's parameter order, common ones first. */
  private static Map<String, String> sorted(RuleSpec spec, Settings s) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String k : spec.defaults("0s").keySet()) {
      m.put(k, s.values().get(k));
    }
    return m;
  }

  private static Optional<String> oneOf(Params p, String name, Set<String> allowed) {
    Optional<String> v = p.string(name);
    if (v.isPresent() && !allowed.contains(v.get())) {
      throw ApiException.badRequest(
          "parameter '"
              + name
              + "' must be one of "
              + String.join(", ", allowed.stream().sorted().toList())
              + "; got '"
              + v.get()
              + "'");
    }
    return v;
  }
}
