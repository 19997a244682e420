package io.swarmwatch.cli.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A path with query parameters, each encoded; parameters with no value are left out. */
public final class Query {
  private final String path;
  private final List<String> params = new ArrayList<>();

  private Query(String path) {
    this.path = path;
  }

  public static Query path(String path) {
    return new Query(path);
  }

  /** Adds {@code name=value} unless {@code value} is null or blank. */
  public Query param(String name, Object value) {
    if (value != null && !value.toString().isBlank()) {
      params.add(encode(name) + "=" + encode(value.toString()));
    }
    return this;
  }

  /** Adds {@code name=true} when {@code flag} is set. */
  public Query flag(String name, boolean flag) {
    return flag ? param(name, "true") : this;
  }

  /** One path segment, encoded (container ids and silence ids from the user). */
  public static String segment(String s) {
    return encode(s).replace("+", "%20");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return params.isEmpty() ? path : path + "?" + String.join("&", params);
  }
}
