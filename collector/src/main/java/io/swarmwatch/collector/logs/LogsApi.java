package io.swarmwatch.collector.logs;

import io.swarmwatch.collector.api.ApiException;
import io.swarmwatch.collector.api.ApiModule;
import io.swarmwatch.collector.api.ApiRequest;
import io.swarmwatch.collector.api.ApiResponse;
import io.swarmwatch.collector.api.EventStream;
import io.swarmwatch.collector.api.Params;
import io.swarmwatch.collector.api.Router;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code GET /api/v1/logs}: stored lines, filtered, paged with a cursor ({@code Link: <…>;
 * rel="next"}), or with {@code follow=true} the newest {@code limit} lines then live ones as
 * server-sent events ({@code line}; {@code overflow} with the count when the client fell behind).
 */
public final class LogsApi implements ApiModule {
  static final String PATH = "/api/v1/logs";
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 10_000;
  private static final Set<String> PARAMS =
      Set.of(
          "service",
          "task",
          "container",
          "node",
          "stream",
          "since",
          "until",
          "q",
          "regex",
          "order",
          "limit",
          "cursor",
          "follow");

  private final Logs logs;

  public LogsApi(Logs logs) {
    this.logs = logs;
  }

  @Override
  public void routes(Router router) {
    router.get(PATH, this::get);
  }

  @Override
  public String openApiResource() {
    return "/io/swarmwatch/collector/logs/openapi.json";
  }

  private Object get(ApiRequest request) {
    Params p = request.params().allow(PARAMS);
    LogQuery q = query(p);
    if (p.bool("follow", false)) {
      if (q.after().isPresent()) {
        throw ApiException.badRequest("parameter 'cursor' can't be combined with follow=true");
      }
      return follow(q);
    }
    LogPage page = logs.store().query(q);
    List<LogLineView> body = page.lines().stream().map(LogLineView::of).toList();
    if (page.next().isEmpty()) {
      return body;
    }
    return new ApiResponse(
        200, body, Map.of("Link", "<" + nextUrl(request, page.next().get()) + ">; rel=\"next\""));
  }

  static LogQuery query(Params p) {
    String order = p.string("order").orElse("asc");
    if (!order.equals("asc") && !order.equals("desc")) {
      throw ApiException.badRequest("parameter 'order' must be asc or desc, got '" + order + "'");
    }
    Optional<String> stream = p.string("stream");
    if (stream.isPresent() && !stream.get().equals("stdout") && !stream.get().equals("stderr")) {
      throw ApiException.badRequest(
          "parameter 'stream' must be stdout or stderr, got '" + stream.get() + "'");
    }
    Optional<Pattern> regex;
    try {
      regex = p.string("regex").map(Pattern::compile);
    } catch (PatternSyntaxException e) {
      throw ApiException.badRequest(
          "parameter 'regex' is not a valid Java regular expression: "
              + e.getDescription()
              + " near index "
              + e.getIndex());
    }
    Optional<LogCursor> cursor;
    try {
      cursor = p.string("cursor").map(LogCursor::parse);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("parameter 'cursor': " + e.getMessage());
    }
    long since = p.time("since").map(LogsApi::nanos).orElse(Long.MIN_VALUE);
    long until = p.time("until").map(LogsApi::nanos).orElse(Long.MAX_VALUE);
    if (since >= until) {
      throw ApiException.badRequest("parameter 'since' must be before 'until'");
    }
    return new LogQuery(
        p.string("service"),
        p.string("task"),
        p.string("container"),
        p.string("node"),
        stream,
        since,
        until,
        p.string("q"),
        regex,
        order.equals("desc"),
        p.integer("limit", DEFAULT_LIMIT, 0, MAX_LIMIT),
        cursor);
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /** The same request with the cursor replaced: the client follows it as is. */
  private static String nextUrl(ApiRequest request, LogCursor next) {
    StringBuilder sb = new StringBuilder(PATH).append('?');
    for (String name : PARAMS.stream().sorted().toList()) {
      if (name.equals("cursor")) {
        continue;
      }
      request
          .params()
          .string(name)
          .ifPresent(v -> sb.append(name).append('=').append(encode(v)).append('&'));
    }
    return sb.append("cursor=").append(encode(next.toString())).toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The newest {@code limit} matches (oldest first), then live lines. */
  private EventStream follow(LogQuery q) {
    return sink -> {
      LogTail.Follower f = logs.tail().subscribe(q, sink);
      logs.store().refresh(); // whatever was stored before subscribing is now searchable
      LogQuery newest =
          new LogQuery(
              q.service(),
              q.task(),
              q.container(),
              q.node(),
              q.stream(),
              q.sinceNanos(),
              q.untilNanos(),
              q.text(),
              q.regex(),
              true,
              q.limit(),
              Optional.empty());
      List<LogRecord> newestFirst = logs.store().query(newest).lines();
      List<LogRecord> history = new java.util.ArrayList<>(newestFirst);
      java.util.Collections.reverse(history);
      f.goLive(history);
    };
  }
}
