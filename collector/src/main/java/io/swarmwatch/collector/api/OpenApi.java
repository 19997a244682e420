package io.swarmwatch.collector.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The served OpenAPI 3 document: the base (info, servers, security) plus every module's part. */
final class OpenApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OpenApi() {}

  static ObjectNode build(List<ApiModule> modules) {
    ObjectNode doc = (ObjectNode) read("/io/swarmwatch/collector/api/openapi-base.json");
    ObjectNode paths = doc.withObject("/paths");
    ObjectNode schemas = doc.withObject("/components").withObject("/schemas");
    for (ApiModule m : modules) {
      String resource = m.openApiResource();
      if (resource == null) {
        continue;
      }
      JsonNode part = read(resource);
      part.path("paths").fields().forEachRemaining(e -> put(paths, e.getKey(), e.getValue(), m));
      part.path("components")
          .path("schemas")
          .fields()
          .forEachRemaining(e -> put(schemas, e.getKey(), e.getValue(), m));
    }
    return doc;
  }

  private static void put(ObjectNode into, String key, JsonNode value, ApiModule from) {
    if (into.has(key) && !into.get(key).equals(value)) {
      throw new IllegalStateException(
          "OpenAPI '" + key + "' defined differently by " + from.getClass().getName());
    }
    into.set(key, value);
  }

  private static JsonNode read(String resource) {
    try (InputStream in = OpenApi.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " missing from the collector jar");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
