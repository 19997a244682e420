package io.swarmwatch.collector.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    routes.put("/api/v1/services", p -> services(p));
    routes.put("/api/v1/openapi.json", p -> openApi(p));
  }

  /** Routes with a path parameter, in OpenAPI's notation (see {@link #withId}). */
  static final List<String> TEMPLATES =
      List.of("/api/v1/containers/{id}", "/api/v1/nodes/{id}", "/api/v1/services/{id}");

  /** Every route this class serves, in OpenAPI's notation: the document must list them all. */
  List<String> paths() {
    List<String> all = new java.util.ArrayList<>(routes.keySet());
    all.addAll(TEMPLATES);
    return all;
  }

  private static final JsonNode OPENAPI = loadOpenApi();

  private static JsonNode loadOpenApi() {
    try (var in = ApiRoutes.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json missing from the collector jar");
      }
      return new ObjectMapper().readTree(in);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read openapi.json", e);
    }
  }

  /** The OpenAPI 3 document (a resource kept in step with the routes by ApiRoutesOpenApiTest). */
  static JsonNode openApiDocument() {
    return OPENAPI;
  }

  private Object openApi(Params p) {
    p.allow(Set.of());
    return OPENAPI;
  }

  /** Routes with one path parameter: prefix → handler(parameter, params). */
  private Object withId(String p, Params params) {
    String prefix = "/api/v1/containers/";
    if (p.startsWith(prefix)
        && p.length() > prefix.length()
        && p.indexOf('/', prefix.length()) < 0) {
      return container(p.substring(prefix.length()), params);
    }
    prefix = "/api/v1/nodes/";
    if (p.startsWith(prefix)
        && p.length() > prefix.length()
        && p.indexOf('/', prefix.length()) < 0) {
      String id = p.substring(prefix.length());
      params.allow(Set.of());
      return model.node(id).orElseThrow(() -> ApiException.notFound("no node '" + id + "'"));
    }
    prefix = "/api/v1/services/";
    if (p.startsWith(prefix)
        && p.length() > prefix.length()
        && p.indexOf('/', prefix.length()) < 0) {
      String id = p.substring(prefix.length());
      params.allow(Set.of());
      return model.services().stream()
          .filter(s -> s.id().equals(id) || s.name().equals(id))
          .findFirst()
          .orElseThrow(() -> ApiException.notFound("no service '" + id + "'"));
    }
    return null;
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
    return model.services().stream()
        .filter(s -> stack.isEmpty() || stack.get().equals(s.stack()))
        .filter(s -> status.isEmpty() || status.get().equals(s.status()))
        .toList();
  }

  /** The handler's result, or an ApiException (404 for unknown paths, 400 for bad params). */
  Object handle(String path, Map<String, List<String>> query) {
    String p =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    Function<Params, Object> route = routes.get(p);
    Params params = new Params(query, clock);
    if (route == null) {
      Object found = withId(p, params);
      if (found == null) {
        throw new ApiException(HttpResponseStatus.NOT_FOUND, "no such route: " + path);
      }
      return found;
    }
    return route.apply(params);
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
