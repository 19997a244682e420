package io.swarmwatch.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server answering canned JSON per path, for tests of parsing, formatting and exit
 * codes. Records each request's path+query and Authorization header.
 */
final class CannedApi implements AutoCloseable {
  record Answer(int status, String body) {}

  private final HttpServer server;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();

  CannedApi() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        ex -> {
          String uri = ex.getRequestURI().toString();
          requests.add(ex.getRequestMethod() + " " + uri);
          String auth = ex.getRequestHeaders().getFirst("Authorization");
          authorizations.add(auth == null ? "" : auth);
          Answer a = answers.get(uri);
          if (a == null) {
            a = answers.get(ex.getRequestURI().getPath());
          }
          if (a == null) {
            a =
                new Answer(
                    404, "{\"error\":\"no such route: " + ex.getRequestURI().getPath() + "\"}");
          }
          byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
          if (body.length > 0) {
            ex.getResponseBody().write(body);
          }
          ex.close();
        });
    server.start();
  }

  CannedApi answer(String path, String json) {
    return answer(path, 200, json);
  }

  CannedApi answer(String path, int status, String json) {
    answers.put(path, new Answer(status, json));
    return this;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
