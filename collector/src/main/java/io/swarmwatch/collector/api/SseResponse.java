package io.swarmwatch.collector.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code text/event-stream} response over a chunked HTTP/1.1 body. A comment line every 15 s
 * keeps proxies from timing the stream out and finds clients that went away.
 */
final class SseResponse implements EventStream.Sink {
  private static final Logger log = LoggerFactory.getLogger(SseResponse.class);
  static final long HEARTBEAT_SECONDS = 15;

  private final Channel channel;
  private final ObjectMapper json;
  private final List<Runnable> onClose = new ArrayList<>();
  private boolean closed;
  private ScheduledFuture<?> heartbeat;

  private SseResponse(Channel channel, ObjectMapper json) {
    this.channel = channel;
    this.json = json;
  }

  static void start(ChannelHandlerContext ctx, EventStream stream, ObjectMapper json) {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .set("X-Accel-Buffering", "no");
    HttpUtil.setTransferEncodingChunked(head, true);
    ctx.writeAndFlush(head);
    SseResponse sink = new SseResponse(ctx.channel(), json);
    sink.heartbeat =
        ctx.channel()
            .eventLoop()
            .scheduleAtFixedRate(
                () -> sink.write(": keepalive\n\n"),
                HEARTBEAT_SECONDS,
                HEARTBEAT_SECONDS,
                TimeUnit.SECONDS);
    ctx.channel().closeFuture().addListener(f -> sink.closed());
    try {
      stream.open(sink);
    } catch (RuntimeException e) {
      log.error("event stream failed to open", e);
      sink.close();
    }
  }

  @Override
  public boolean send(String event, Object data) {
    String payload;
    try {
      payload = "event: " + event + "\ndata: " + json.writeValueAsString(data) + "\n\n";
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialize event data", e);
    }
    return writable() && write(payload);
  }

  private boolean write(String payload) {
    if (!channel.isActive()) {
      return false;
    }
    channel.writeAndFlush(
        new DefaultHttpContent(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)));
    return true;
  }

  @Override
  public boolean writable() {
    return channel.isActive() && channel.isWritable();
  }

  @Override
  public void onClose(Runnable action) {
    synchronized (this) {
      if (!closed) {
        onClose.add(action);
        return;
      }
    }
    action.run();
  }

  @Override
  public void close() {
    if (channel.isActive()) {
      channel
          .writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      closed();
    }
  }

  private void closed() {
    List<Runnable> run;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      run = List.copyOf(onClose);
      onClose.clear();
    }
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    for (Runnable r : run) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.warn("event stream close action failed", e);
      }
    }
  }
}
