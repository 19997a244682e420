package io.swarmwatch.collector.api;

import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.collector.model.EventQuery;
import io.swarmwatch.collector.model.ReplicaQuery;
import java.util.Map;
import java.util.Set;

/**
 * The read API over the cluster model (nodes, services, replicas, containers, events) and the
 * health endpoints. Transport-free so it is tested without a server; {@link HttpApiServer} does the
 * HTTP.
 */
final class ApiRoutes implements ApiModule {
  static final int MAX_EVENTS = 10_000;

  private final ClusterModel model;

  ApiRoutes(ClusterModel model) {
    this.model = model;
  }

  @Override
  public void routes(Router r) {
    r.get("/healthz", q -> Map.of("status", "ok"));
    r.get("/readyz", q -> Map.of("status", "ready"));
    r.get("/api/v1/nodes", q -> nodes(q.params()));
    r.get("/api/v1/nodes/{id}", q -> node(q.pathParam("id"), q.params()));
    r.get("/api/v1/replicas", q -> replicas(q.params()));
    r.get("/api/v1/events", q -> events(q.params()));
    r.get("/api/v1/services", q -> services(q.params()));
    r.get("/api/v1/services/{id}", q -> service(q.pathParam("id"), q.params()));
    r.get("/api/v1/containers/{id}", q -> container(q.pathParam("id"), q.params()));
  }

  @Override
  public String openApiResource() {
    return "/io/swarmwatch/collector/api/openapi.json";
  }

  private Object node(String id, Params params) {
    params.allow(Set.of());
    return model.node(id).orElseThrow(() -> ApiException.notFound("no node '" + id + "'"));
  }

  private Object service(String id, Params params) {
    params.allow(Set.of());
    return model.readViews().services().stream()
        .filter(s -> s.id().equals(id) || s.name().equals(id))
        .findFirst()
        .orElseThrow(() -> ApiException.notFound("no service '" + id + "'"));
  }

  private Object container(String id, Params p) {
    p.allow(Set.of());
    try {
      return model
          .container(id)
          .orElseThrow(() -> ApiException.notFound("no container '" + id + "'"));
    } catch (IllegalArgumentException ambiguous) {
      throw ApiException.badRequest(ambiguous.getMessage());
    }
  }

  private Object services(Params p) {
    p.allow(Set.of("stack", "status"));
    var stack = p.string("stack");
    var status = p.string("status");
    if (status.isPresent() && !Set.of("ok", "degraded", "down", "unknown").contains(status.get())) {
      throw ApiException.badRequest(
          "parameter 'status' must be one of ok, degraded, down, unknown; got '"
              + status.get()
              + "'");
    }
    return model.readViews().services().stream()
        .filter(s -> stack.isEmpty() || stack.get().equals(s.stack()))
        .filter(s -> status.isEmpty() || status.get().equals(s.status()))
        .toList();
  }

  private Object nodes(Params p) {
    p.allow(Set.of());
    return model.nodes();
  }

  private Object replicas(Params p) {
    p.allow(Set.of("service", "node", "status"));
    var status = p.string("status");
    if (status.isPresent() && !Set.of("ok", "unhealthy").contains(status.get())) {
      throw ApiException.badRequest(
          "parameter 'status' must be unhealthy (replicas with a warning or critical flag) or ok"
              + " (those without); got '"
              + status.get()
              + "'");
    }
    var views = model.readViews();
    var q = new ReplicaQuery(p.string("service"), p.string("node"));
    if (status.isEmpty()) {
      return views.replicas(q);
    }
    if (status.get().equals("unhealthy")) {
      return views.unhealthy(q); // from the few flagged, not a walk over every replica
    }
    return views.replicas(q).stream().filter(r -> !r.unhealthy()).toList();
  }

  private Object events(Params p) {
    p.allow(Set.of("service", "container", "type", "since", "until", "limit"));
    EventQuery q =
        new EventQuery(
            p.string("service"),
            p.string("container"),
            p.string("type"),
            p.time("since"),
            p.time("until"),
            p.integer("limit", 100, 1, MAX_EVENTS));
    if (q.since().isPresent()
        && q.until().isPresent()
        && !q.since().get().isBefore(q.until().get())) {
      throw ApiException.badRequest("parameter 'since' must be before 'until'");
    }
    return model.events(q);
  }
}
