package io.swarmwatch.collector.api;

import java.util.Map;

/**
 * A handler's answer when 200 with a JSON body isn't it: another status (201, 204, 202) or extra
 * headers ({@code Location}). A handler that returns any other object answers 200 with that object
 * as JSON.
 *
 * @param body serialized as JSON, or a {@link Raw} sent as is; null for no body
 */
public record ApiResponse(int status, Object body, Map<String, String> headers) {
  /** A body sent as is rather than as JSON (the web page's files). */
  public record Raw(byte[] bytes, String contentType) {}

  public static ApiResponse of(int status, Object body) {
    return new ApiResponse(status, body, Map.of());
  }

  public static ApiResponse created(Object body, String location) {
    return new ApiResponse(201, body, Map.of("Location", location));
  }

  public static ApiResponse noContent() {
    return new ApiResponse(204, null, Map.of());
  }
}
