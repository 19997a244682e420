package io.swarmwatch.collector.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Method + path template → handler. Templates are {@code /api/v1/silences/{id}}: a {@code {name}}
 * segment matches one non-empty segment. A literal route wins over a template at the same place
 * ({@code /api/v1/alerts/history} over {@code /api/v1/alerts/{id}}). A known path with another
 * method is a 405 that lists the allowed ones; an unknown path a 404.
 */
public final class Router {
  /** A route's handler: returns a value to serialize as JSON, an ApiResponse or an EventStream. */
  @FunctionalInterface
  public interface Handler {
    Object handle(ApiRequest request);
  }

  private record Route(String template, String[] segments, Map<String, Handler> byMethod) {}

  private final Map<String, Route> routes = new LinkedHashMap<>();

  public Router get(String template, Handler handler) {
    return add("GET", template, handler);
  }

  public Router post(String template, Handler handler) {
    return add("POST", template, handler);
  }

  public Router put(String template, Handler handler) {
    return add("PUT", template, handler);
  }

  public Router delete(String template, Handler handler) {
    return add("DELETE", template, handler);
  }

  private synchronized Router add(String method, String template, Handler handler) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("route must start with '/': " + template);
    }
    Route r =
        routes.computeIfAbsent(
            template, t -> new Route(t, t.substring(1).split("/"), new LinkedHashMap<>()));
    if (r.byMethod().putIfAbsent(method, handler) != null) {
      throw new IllegalStateException("route registered twice: " + method + " " + template);
    }
    return this;
  }

  /** Every template served, in registration order (the OpenAPI document must list them all). */
  public synchronized List<String> paths() {
    return new ArrayList<>(routes.keySet());
  }

  /** The methods a template answers (HEAD with GET). */
  synchronized Set<String> methods(String template) {
    Route r = routes.get(template);
    return r == null ? Set.of() : Set.copyOf(r.byMethod().keySet());
  }

  /**
   * Runs the matching handler.
   *
   * @throws ApiException 404 (no route), 405 (wrong method), or whatever the handler throws
   */
  Object dispatch(
      String method, String rawPath, Map<String, List<String>> query, byte[] body, Clock clock) {
    String path =
        rawPath.length() > 1 && rawPath.endsWith("/")
            ? rawPath.substring(0, rawPath.length() - 1)
            : rawPath;
    String m = method.equals("HEAD") ? "GET" : method;
    Map<String, String> pathParams = new LinkedHashMap<>();
    Route route = match(path, pathParams);
    if (route == null) {
      throw new ApiException(HttpResponseStatus.NOT_FOUND, "no such route: " + rawPath);
    }
    Handler h = route.byMethod().get(m);
    if (h == null) {
      Set<String> allowed = new LinkedHashSet<>(route.byMethod().keySet());
      if (allowed.contains("GET")) {
        allowed.add("HEAD");
      }
      throw new MethodNotAllowed(method, allowed);
    }
    return h.handle(new ApiRequest(m, path, pathParams, new Params(query, clock), body));
  }

  private synchronized Route match(String path, Map<String, String> pathParams) {
    Route exact = routes.get(path);
    if (exact != null) {
      return exact;
    }
    String[] segs = path.substring(1).split("/", -1);
    Route best = null;
    int bestLiterals = -1;
    Map<String, String> bestParams = Map.of();
    for (Route r : routes.values()) {
      if (r.segments().length != segs.length) {
        continue;
      }
      Map<String, String> params = new LinkedHashMap<>();
      int literals = 0;
      boolean ok = true;
      for (int i = 0; i < segs.length && ok; i++) {
        String t = r.segments()[i];
        if (t.startsWith("{") && t.endsWith("}")) {
          ok = !segs[i].isEmpty();
          params.put(t.substring(1, t.length() - 1), decode(segs[i]));
        } else {
          ok = t.equals(segs[i]);
          literals++;
        }
      }
      if (ok && literals > bestLiterals) {
        best = r;
        bestLiterals = literals;
        bestParams = params;
      }
    }
    pathParams.putAll(bestParams);
    return best;
  }

  private static String decode(String segment) {
    try {
      return java.net.URLDecoder.decode(
          segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("malformed path segment '" + segment + "'");
    }
  }

  /** 405 with the methods the path does answer, for the Allow header. */
  static final class MethodNotAllowed extends ApiException {
    private static final long serialVersionUID = 1L;
    private final transient Set<String> allowed;

    MethodNotAllowed(String method, Set<String> allowed) {
      super(HttpResponseStatus.METHOD_NOT_ALLOWED, "method " + method + " not allowed here");
      this.allowed = allowed;
    }

    Set<String> allowed() {
      return allowed;
    }
  }
}
