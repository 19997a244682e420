package io.swarmwatch.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Walking the API's JSON without tripping over what an older collector leaves out. */
public final class Json {
  private Json() {}

  /** The elements of an array; empty for anything else (missing, null, an object). */
  public static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(out::add);
    }
    return out;
  }

  /** The field's elements, as {@link #list(JsonNode)}. */
  public static List<JsonNode> list(JsonNode node, String field) {
    return node == null ? List.of() : list(node.get(field));
  }

  /** A number field, or null. */
  public static JsonNode number(JsonNode node, String path) {
    JsonNode n = node == null ? null : node.at(path);
    return n != null && n.isNumber() ? n : null;
  }
}
