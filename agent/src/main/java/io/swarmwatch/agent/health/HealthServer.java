package io.swarmwatch.agent.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /healthz} for the container healthcheck: 200 with a JSON body when {@link AgentHealth}
 * says healthy, 503 with the reason otherwise.
 *
 * <p>The JDK's own HTTP server on one daemon thread: the agent answers one probe every few seconds,
 * and this costs no dependency and almost no memory. A healthcheck that started a second JVM inside
 * the agent's container would cost more memory than the agent itself (RATIONALE.md).
 */
public final class HealthServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthServer.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private boolean closed;

  private HealthServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Listens and serves until closed. */
  public static HealthServer start(HealthConfig config, AgentHealth health) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(config.bind(), config.port()), /* backlog */ 4);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "swarmwatch-health");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", exchange -> handle(exchange, health));
    server.start();
    return new HealthServer(server, executor);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void handle(HttpExchange exchange, AgentHealth health) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals("/healthz")) {
        reply(exchange, 404, "{\"error\":\"not found: only /healthz is served here\"}");
      } else if (!exchange.getRequestMethod().equals("GET")
          && !exchange.getRequestMethod().equals("HEAD")) {
        reply(exchange, 405, "{\"error\":\"method not allowed: use GET\"}");
      } else {
        AgentHealth.Status s = health.check();
        if (!s.healthy()) {
          log.warn("health check failing: Engine {}, collector {}", s.engine(), s.collector());
        }
        reply(
            exchange,
            s.healthy() ? 200 : 503,
            "{\"status\":\""
                + (s.healthy() ? "ok" : "unhealthy")
                + "\",\"engine\":"
                + quote(s.engine())
                + ",\"collector\":"
                + quote(s.collector())
                + "}");
      }
    } catch (RuntimeException e) {
      log.warn("health endpoint failed: {}", e.toString());
    }
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    executor.shutdownNow();
  }
}
