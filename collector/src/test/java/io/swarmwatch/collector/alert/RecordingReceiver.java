package io.swarmwatch.collector.alert;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real local HTTP server standing in for a chat platform: records every POST (with the time it
 * arrived) and answers from a script (status, headers, or hang), then 200.
 */
final class RecordingReceiver implements AutoCloseable {
  record Request(
      long nanos, String path, String query, String body, Map<String, List<String>> headers) {}

  /** One scripted answer; {@code hangs} never answers (until close). */
  record Answer(int status, Map<String, String> headers, boolean hangs) {
    static Answer of(int status) {
      return new Answer(status, Map.of(), false);
    }

    static Answer hanging() {
      return new Answer(0, Map.of(), true);
    }
  }

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile Answer always;

  RecordingReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.createContext("/", this::handle);
    server.setExecutor(pool);
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Answers these first, in order. */
  RecordingReceiver then(Answer... answers) {
    script.addAll(List.of(answers));
    return this;
  }

  /** Answers this to everything after the script (default 200). */
  RecordingReceiver always(Answer a) {
    always = a;
    return this;
  }

  List<Request> requests() {
    return new ArrayList<>(requests);
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    requests.add(
        new Request(
            System.nanoTime(),
            ex.getRequestURI().getPath(),
            ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery(),
            new String(body, StandardCharsets.UTF_8),
            Map.copyOf(ex.getRequestHeaders())));
    Answer a = script.poll();
    if (a == null) {
      a = always == null ? Answer.of(200) : always;
    }
    if (a.hangs()) {
      try {
        closing.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.close();
      return;
    }
    a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    byte[] out = (a.status() < 300 ? "ok" : "error " + a.status()).getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(a.status(), out.length);
    ex.getResponseBody().write(out);
    ex.close();
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    pool.shutdownNow();
  }
}
