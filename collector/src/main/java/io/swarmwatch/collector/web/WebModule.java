package io.swarmwatch.collector.web;

import io.swarmwatch.collector.api.ApiException;
import io.swarmwatch.collector.api.ApiModule;
import io.swarmwatch.collector.api.ApiResponse;
import io.swarmwatch.collector.api.EventStream;
import io.swarmwatch.collector.api.Router;
import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.collector.rules.FlagChange;
import io.swarmwatch.collector.rules.FlagListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The web page at {@code /}: static files from the jar (no build step, nothing fetched from
 * elsewhere) and {@code /api/v1/watch}, a server-sent-events stream that says when the cluster
 * model changed so the page refetches instead of polling.
 */
public final class WebModule implements ApiModule, FlagListener, AutoCloseable {
  private static final String ROOT = "/io/swarmwatch/collector/web/";
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml");

  /** The files the page is made of; nothing else under ROOT is served. */
  private static final Set<String> FILES = Set.of("app.js", "style.css", "icon.svg");

  private final ModelWatch watch;
  private final AtomicLong flagChanges = new AtomicLong();

  /** Subscribe it to the rule engine too, so a flag raised or cleared refreshes the page. */
  public WebModule(ClusterModel model) {
    this.watch = new ModelWatch(() -> model.version() + flagChanges.get());
  }

  @Override
  public void onChange(FlagChange change) {
    flagChanges.incrementAndGet();
  }

  @Override
  public void routes(Router r) {
    r.get("/", q -> file("index.html"));
    r.get(
        "/ui/{file}",
        q -> {
          String name = q.pathParam("file");
          if (!FILES.contains(name)) {
            throw ApiException.notFound("no file '" + name + "'");
          }
          return file(name);
        });
    r.get(
        "/api/v1/watch",
        q -> {
          q.params().allow(Set.of());
          return (EventStream) watch::add;
        });
  }

  @Override
  public String openApiResource() {
    return ROOT + "openapi.json";
  }

  private static ApiResponse file(String name) {
    try (InputStream in = WebModule.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException(ROOT + name + " missing from the collector jar");
      }
      String ext = name.substring(name.lastIndexOf('.') + 1);
      return new ApiResponse(
          200,
          new ApiResponse.Raw(in.readAllBytes(), TYPES.get(ext)),
          Map.of("Cache-Control", "no-cache"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    watch.close();
  }
}
