package io.swarmwatch.collector.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the API refuses; the message goes to the client as {@code {"error": "…"}}. */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient HttpResponseStatus status;

  public ApiException(HttpResponseStatus status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(HttpResponseStatus.BAD_REQUEST, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(HttpResponseStatus.NOT_FOUND, message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(HttpResponseStatus.CONFLICT, message);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, message);
  }

  public HttpResponseStatus status() {
    return status;
  }
}
