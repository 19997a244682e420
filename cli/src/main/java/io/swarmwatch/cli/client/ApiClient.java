package io.swarmwatch.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The collector's HTTP API over Java's own client. Every failure becomes a {@link
 * CollectorException} whose message says what went wrong in the operator's terms ("cannot reach the
 * collector at …: connection refused", "… answered with HTTP 401: …"), never with the token.
 */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Optional<String> token;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param base the collector's URL, e.g. {@code http://localhost:8080}
   * @param timeout how long to wait to connect and for an answer's headers
   */
  public ApiClient(URI base, Optional<String> token, Duration timeout) {
    this.base = base;
    this.token = token;
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** One page of a list and where the next one is ({@code Link: <…>; rel="next"}). */
  public record Page(JsonNode body, Optional<URI> next) {}

  /** One server-sent event; {@code data} is its JSON (or the text, if it is not JSON). */
  public record StreamEvent(String name, JsonNode data) {}

  public JsonNode get(Query query) {
    return page(resolve(query)).body();
  }

  public Page page(Query query) {
    return page(resolve(query));
  }

  /** GET of a page by its full URI, as a {@code Link} header gave it. */
  public Page page(URI uri) {
    HttpResponse<String> r = send(request(uri).GET().build(), "GET");
    return new Page(json(r, "GET"), Links.next(r.headers().allValues("Link"), uri));
  }

  /** POST with a JSON body; returns the answer's JSON ({@code MissingNode} when it has none). */
  public JsonNode post(String path, Object body) {
    String text;
    try {
      text = JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialize request body", e);
    }
    HttpRequest req =
        request(resolve(Query.path(path)))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(text))
            .build();
    HttpResponse<String> r = send(req, "POST");
    return r.body().isBlank() ? MissingNode.getInstance() : json(r, "POST");
  }

  public void delete(String path) {
    send(request(resolve(Query.path(path))).DELETE().build(), "DELETE");
  }

  /**
   * Reads a server-sent-events answer, handing each event to {@code handler} until it returns false
   * or the collector ends the stream. Blocks the calling thread.
   */
  public void stream(Query query, Predicate<StreamEvent> handler) {
    URI uri = resolve(query);
    HttpRequest req = request(uri).header("Accept", "text/event-stream").GET().build();
    HttpResponse<InputStream> r = call(req, HttpResponse.BodyHandlers.ofInputStream(), "GET");
    try (InputStream in = r.body()) {
      if (r.statusCode() / 100 != 2) {
        String text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        throw refused("GET", r.request().uri(), r.statusCode(), text);
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      SseParser parser = new SseParser();
      String line;
      while ((line = lines.readLine()) != null) {
        Optional<SseParser.Event> e = parser.line(line);
        if (e.isPresent()
            && !handler.test(new StreamEvent(e.get().event(), parse(e.get().data())))) {
          return;
        }
      }
    } catch (IOException e) {
      throw new CollectorException(
          "the stream from the collector at " + base + " broke off: " + describe(e));
    }
  }

  private static JsonNode parse(String data) {
    try {
      return JSON.readTree(data);
    } catch (JsonProcessingException notJson) {
      return TextNode.valueOf(data);
    }
  }

  private URI resolve(Query query) {
    String b = base.toString();
    return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + query);
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
    b.header("Accept", "application/json");
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return b;
  }

  private HttpResponse<String> send(HttpRequest req, String method) {
    HttpResponse<String> r =
        call(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), method);
    if (r.statusCode() / 100 != 2) {
      throw refused(method, req.uri(), r.statusCode(), r.body());
    }
    return r;
  }

  private <T> HttpResponse<T> call(
      HttpRequest req, HttpResponse.BodyHandler<T> handler, String method) {
    try {
      return http.send(req, handler);
    } catch (HttpConnectTimeoutException e) {
      throw new CollectorException(
          "cannot reach the collector at " + base + ": no connection within " + seconds());
    } catch (HttpTimeoutException e) {
      throw new CollectorException(
          "the collector at "
              + base
              + " did not answer "
              + method
              + " "
              + req.uri().getRawPath()
              + " within "
              + seconds());
    } catch (IOException | UncheckedIOException e) {
      throw new CollectorException("cannot reach the collector at " + base + ": " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CollectorException("interrupted while waiting for the collector at " + base);
    }
  }

  private String seconds() {
    return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms";
  }

  /** What failed, in words: the JDK often leaves the message of a refused connection empty. */
  static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        String m = t.getMessage();
        return m == null || m.isBlank()
            ? "connection refused"
            : m.toLowerCase(java.util.Locale.ROOT);
      }
      if (t instanceof UnresolvedAddressException) {
        return "unknown host";
      }
      if (t instanceof java.net.UnknownHostException) {
        return "unknown host " + t.getMessage();
      }
      if (t instanceof javax.net.ssl.SSLException) {
        return "TLS failed: " + t.getMessage();
      }
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private CollectorException refused(String method, URI uri, int status, String body) {
    String path = uri.getRawPath();
    String message =
        "the collector at "
            + base
            + " answered "
            + method
            + " "
            + path
            + " with HTTP "
            + status
            + ": "
            + errorText(body);
    if (status == 404 && message.contains("no such route")) {
      message += " (the collector may be older than this swarmwatch)";
    }
    if (status == 401) {
      message +=
          token.isPresent()
              ? " (the token given was not accepted)"
              : " (no token given: use --token, SWARMWATCH_API_TOKEN or SWARMWATCH_API_TOKEN_FILE)";
    }
    return new CollectorException(message, status);
  }

  /** The {@code error} of a JSON error body, else the start of the body as text. */
  static String errorText(String body) {
    if (body == null || body.isBlank()) {
      return "(no message)";
    }
    try {
      JsonNode n = JSON.readTree(body);
      if (n != null && n.path("error").isTextual()) {
        return n.path("error").asText();
      }
    } catch (JsonProcessingException notJson) {
      // fall through to the text itself
    }
    String text = body.strip().replaceAll("\\s+", " ");
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  private JsonNode json(HttpResponse<String> r, String method) {
    try {
      JsonNode n = JSON.readTree(r.body());
      if (n == null || n.isMissingNode()) {
        throw new CollectorException(
            "the collector at "
                + base
                + " answered "
                + method
                + " "
                + r.uri().getRawPath()
                + " with an empty body");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new CollectorException(
          "the collector at "
              + base
              + " answered "
              + method
              + " "
              + r.uri().getRawPath()
              + " with something that is not JSON: "
              + errorText(r.body()));
    }
  }

  public URI base() {
    return base;
  }
}
