package io.swarmwatch.collector.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.swarmwatch.collector.metrics.ClusterMetrics;
import io.swarmwatch.collector.model.ClusterModel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 on Netty's own codec: the API under {@code /api/v1}, {@code /healthz}, {@code /readyz},
 * and {@code /metrics} in Prometheus text format, and the routes of every {@link ApiModule}.
 * Handlers run on a separate executor group so a slow query never stalls the I/O loop. Every error
 * leaves as JSON {@code {"error": "…"}} with a 4xx/5xx status; stack traces go to the log only.
 */
public final class HttpApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpApiServer.class);
  private static final int MAX_REQUEST_BYTES = 64 * 1024;

  private final Router router = new Router();
  private final Clock clock;
  private final ClusterMetrics metrics;
  private final ApiAuth auth;
  private final ObjectMapper json =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopGroup io = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final EventExecutorGroup handlers = new DefaultEventExecutorGroup(2);
  private Channel channel;
  private boolean closed;

  public HttpApiServer(ClusterModel model, Clock clock) {
    this(model, clock, null, ApiConfig.open(), List.of());
  }

  /**
   * @param metrics serves {@code GET /metrics}; null for none (404)
   * @param access who may call what
   * @param modules the feature APIs (alerts, logs, rules, …) served beside the cluster model's
   */
  public HttpApiServer(
      ClusterModel model,
      Clock clock,
      ClusterMetrics metrics,
      ApiConfig access,
      List<ApiModule> modules) {
    this.clock = clock;
    this.metrics = metrics;
    this.auth = access.auth();
    List<ApiModule> all = new ArrayList<>();
    all.add(new ApiRoutes(model));
    all.addAll(modules);
    all.forEach(m -> m.routes(router));
    JsonNode openApi = OpenApi.build(all);
    router.get(
        "/api/v1/openapi.json",
        q -> {
          q.params().allow(Set.of());
          return openApi;
        });
  }

  /** Every path template served (for the OpenAPI test), {@code /metrics} included. */
  List<String> paths() {
    List<String> p = router.paths();
    if (metrics != null) {
      p.add("/metrics");
    }
    return p;
  }

  /** Binds and starts serving; returns the bound port (useful with port 0). */
  public synchronized int start(String host, int port) throws InterruptedException {
    channel =
        new ServerBootstrap()
            .group(boss, io)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec(8192, 16384, 8192))
                        .addLast(new HttpServerKeepAliveHandler())
                        .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                        .addLast(new Handler(handlers.next()));
                  }
                })
            .bind(host, port)
            .sync()
            .channel();
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /**
   * One per connection. Pipeline events stay on the I/O loop; only building the response runs on
   * {@code executor} (one per connection, so pipelined requests are answered in order), which hands
   * it back through the thread-safe {@code ctx.writeAndFlush}. Binding the handler itself to the
   * handler group instead makes connection teardown hop between the groups, and whichever group
   * stops first at shutdown rejects the other's last event.
   */
  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final EventExecutor executor;

    Handler(EventExecutor executor) {
      this.executor = executor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      // The request is released when this returns: take what the response needs.
      boolean decoded = req.decoderResult().isSuccess();
      HttpMethod method = req.method();
      String uri = req.uri();
      String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
      byte[] body = ByteBufUtil.getBytes(req.content());
      // After a decoding failure the codec discards the rest of the connection: close it.
      boolean keepAlive = decoded && HttpUtil.isKeepAlive(req);
      try {
        executor.execute(() -> reply(ctx, decoded, method, uri, authorization, body, keepAlive));
      } catch (RejectedExecutionException stopping) {
        ctx.close();
      }
    }

    private void reply(
        ChannelHandlerContext ctx,
        boolean decoded,
        HttpMethod method,
        String uri,
        String authorization,
        byte[] body,
        boolean keepAlive) {
      FullHttpResponse res;
      ApiAuth.Decision access =
          decoded
              ? auth.check(method, new QueryStringDecoder(uri).path(), authorization)
              : ApiAuth.Decision.ALLOW;
      if (!decoded) {
        res = error(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
      } else if (access != ApiAuth.Decision.ALLOW) {
        res = error(ApiAuth.status(access), ApiAuth.message(access));
        if (access == ApiAuth.Decision.UNAUTHENTICATED) {
          res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"swarmwatch\"");
        }
      } else {
        Object answer = serve(method, uri, body);
        if (answer instanceof EventStream stream) {
          if (method.equals(HttpMethod.HEAD)) {
            res = text("", "text/event-stream");
          } else {
            SseResponse.start(ctx, stream, json);
            return;
          }
        } else {
          res = (FullHttpResponse) answer;
        }
      }
      HttpUtil.setKeepAlive(res, keepAlive);
      if (method.equals(HttpMethod.HEAD)) {
        res = res.replace(Unpooled.EMPTY_BUFFER);
      }
      var f = ctx.writeAndFlush(res);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
    }

    /** A FullHttpResponse, or the EventStream a handler returned. */
    private Object serve(HttpMethod method, String uri, byte[] body) {
      QueryStringDecoder qs = new QueryStringDecoder(uri);
      boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
      if (metrics != null && qs.path().equals("/metrics") && read) {
        return bytes(HttpResponseStatus.OK, metrics.scrapeBytes(), ClusterMetrics.contentType());
      }
      try {
        Object out = router.dispatch(method.name(), qs.path(), qs.parameters(), body, clock);
        if (out instanceof EventStream) {
          return out;
        }
        if (out instanceof ApiResponse r) {
          HttpResponseStatus status = HttpResponseStatus.valueOf(r.status());
          FullHttpResponse res;
          if (r.body() == null) {
            res = empty(status);
          } else if (r.body() instanceof ApiResponse.Raw raw) {
            res = bytes(status, raw.bytes(), raw.contentType());
          } else {
            res = respond(status, r.body());
          }
          r.headers().forEach((k, v) -> res.headers().set(k, v));
          return res;
        }
        return respond(HttpResponseStatus.OK, out);
      } catch (Router.MethodNotAllowed e) {
        FullHttpResponse res = error(e.status(), e.getMessage());
        res.headers().set(HttpHeaderNames.ALLOW, String.join(", ", e.allowed()));
        return res;
      } catch (ApiException e) {
        return error(e.status(), e.getMessage());
      } catch (RuntimeException e) {
        log.error("{} {} failed", method, qs.path(), e);
        return error(
            HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error; see the collector log");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof TooLongFrameException) {
        ctx.writeAndFlush(error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request too large"))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      log.debug("HTTP connection error: {}", cause.toString());
      ctx.close();
    }
  }

  private FullHttpResponse respond(HttpResponseStatus status, Object body) {
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (Exception e) {
      log.error("cannot serialize response", e);
      status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
      bytes = "{\"error\":\"internal error; see the collector log\"}".getBytes();
    }
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
    res.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON + "; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return res;
  }

  private static FullHttpResponse empty(HttpResponseStatus status) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    return res;
  }

  private static FullHttpResponse text(String body, String contentType) {
    return bytes(HttpResponseStatus.OK, body.getBytes(StandardCharsets.UTF_8), contentType);
  }

  private static FullHttpResponse bytes(
      HttpResponseStatus status, byte[] bytes, String contentType) {
    FullHttpResponse res =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    res.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return res;
  }

  private FullHttpResponse error(HttpResponseStatus status, String message) {
    return respond(status, Map.of("error", message));
  }

  /** Idempotent: stops accepting, lets in-flight responses finish (up to 5 s). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (channel != null) {
      channel.close().awaitUninterruptibly();
    }
    // I/O loops first: they close the open connections. A response still being built then
    // finds its connection closed, and is dropped.
    boss.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
    io.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
    handlers.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
