package io.swarmwatch.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client for the collector's API, as curl would use it. */
final class Api {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;

  Api(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  record Response(int status, JsonNode body) {}

  Response get(String pathAndQuery) {
    HttpResponse<String> r = raw(pathAndQuery);
    try {
      return new Response(r.statusCode(), JSON.readTree(r.body()));
    } catch (IOException e) {
      throw new AssertionError("GET " + pathAndQuery + ": not JSON: " + r.body(), e);
    }
  }

  /** GET as text, whatever the status. */
  HttpResponse<String> raw(String pathAndQuery) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(base + pathAndQuery))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("GET " + pathAndQuery + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** GET that must answer 200; returns the JSON body. */
  JsonNode ok(String pathAndQuery) {
    Response r = get(pathAndQuery);
    if (r.status() != 200) {
      throw new AssertionError("GET " + pathAndQuery + " answered " + r.status() + ": " + r.body());
    }
    return r.body();
  }

  /** True once the server answers /readyz with 200. */
  boolean ready() {
    try {
      return get("/readyz").status() == 200;
    } catch (AssertionError notYet) {
      return false;
    }
  }
}
