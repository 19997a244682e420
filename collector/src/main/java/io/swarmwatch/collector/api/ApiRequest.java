package io.swarmwatch.collector.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;

/**
 * One request as a handler sees it.
 *
 * @param method upper case; HEAD arrives as GET
 * @param path without the query string or a trailing slash
 * @param pathParams values of the template's {@code {name}} segments
 * @param params the validated query parameters
 * @param body the request body, empty when none
 */
public record ApiRequest(
    String method, String path, Map<String, String> pathParams, Params params, byte[] body) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A path parameter of the route's template. */
  public String pathParam(String name) {
    String v = pathParams.get(name);
    if (v == null) {
      throw new IllegalArgumentException("route has no path parameter '" + name + "'");
    }
    return v;
  }

  /** The body as JSON; a 400 naming the problem when it is empty or malformed. */
  public JsonNode jsonBody() {
    if (body.length == 0) {
      throw ApiException.badRequest("request body must be a JSON document");
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw ApiException.badRequest("request body is not valid JSON: " + firstLine(e));
    }
  }

  private static String firstLine(IOException e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
