package io.swarmwatch.collector.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.collector.model.EventQuery;
import io.swarmwatch.collector.model.ReplicaQuery;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The read API over the cluster model: path → handler returning a value to serialize as JSON.
 * Transport-free so it is tested without a server; {@link HttpApiServer} does the HTTP.
 */
final class ApiRoutes {
  static final int MAX_EVENTS = 10_000;

  private final ClusterModel model;
  private final Clock clock;
  private final Map<String, Function<Params, Object>> routes = new LinkedHashMap<>();

  ApiRoutes(ClusterModel model, Clock clock) {
    this.model = model;
    this.clock = clock;
    routes.put("/healthz", p -> Map.of("status", "ok"));
    routes.put("/readyz", p -> Map.of("status", "ready"));
    routes.put("/api/v1/nodes", p -> nodes(p));
    routes.put("/api/v1/replicas", p -> replicas(p));
    routes.put("/api/v1/events", p -> events(p));
  }

  /** The handler's result, or an ApiException (404 for unknown paths, 400 for bad params). */
  Object handle(String path, Map<String, List<String>> query) {
    String p =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    Function<Params, Object> route = routes.get(p);
    if (route == null) {
      throw new ApiException(HttpResponseStatus.NOT_FOUND, "no such route: " + path);
    }
    return route.apply(new Params(query, clock));
  }

  private Object nodes(Params p) {
    p.allow(Set.of());
    return model.nodes();
  }

  private Object replicas(Params p) {
    p.allow(Set.of("service", "node", "status"));
    if (p.string("status").isPresent()) {
      throw ApiException.badRequest(
          "parameter 'status' is not supported by this collector yet: health rules that flag"
              + " replicas are not built; filter on the 'state' and 'health' fields instead");
    }
    return model.replicas(new ReplicaQuery(p.string("service"), p.string("node")));
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
