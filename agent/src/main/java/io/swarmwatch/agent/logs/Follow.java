package io.swarmwatch.agent.logs;

import io.swarmwatch.proto.v1.LogSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One container's followed log: a non-blocking connection to the Engine carrying {@code GET
 * /containers/{id}/logs?follow=1&timestamps=1[&since=…]}, its decoders, and the position reached.
 *
 * <p>Resuming from a {@link Checkpoint}: {@code since} is inclusive, so the lines stamped exactly
 * the checkpoint's time come again; the first {@code atTime} of them are skipped.
 *
 * <p>Not thread-safe: owned by the log reader's thread.
 */
final class Follow {
  interface Lines {
    void line(
        Follow f,
        long timeNanos,
        int stream,
        byte[] b,
        int off,
        int len,
        boolean truncated,
        Checkpoint position);
  }

  private final String id;
  private final LogSource source;
  private final long run;
  private final SocketChannel channel;
  private final HttpStreamDecoder http = new HttpStreamDecoder();
  private final FrameDecoder frames;
  private final LineAssembler assembler;
  private final ByteBuffer request;
  private final long resumeTime;
  private int skipLeft;
  private Checkpoint position;
  private boolean paused;

  /**
   * Opens the connection (non-blocking) and prepares the request.
   *
   * @param from where to resume (the last line delivered or read)
   * @param run the container run being followed ({@code StartedAt}, unix ns)
   */
  Follow(
      SocketAddress engine,
      LogSource source,
      boolean tty,
      long run,
      Checkpoint from,
      int maxLineBytes,
      Lines out)
      throws IOException {
    this.id = source.getContainerId();
    this.source = source;
    this.run = run;
    this.position = from;
    this.resumeTime = from.timeNanos();
    this.skipLeft = from.timeNanos() > 0 ? from.atTime() : 0;
    this.assembler =
        new LineAssembler(
            maxLineBytes,
            (time, stream, b, off, len, cut) -> accept(time, stream, b, off, len, cut, out));
    this.frames = new FrameDecoder(assembler, tty);
    String path =
        "/containers/"
            + id
            + "/logs?follow=1&stdout=1&stderr=1&timestamps=1"
            + (from.timeNanos() > 0 ? "&since=" + from.since() : "");
    this.request =
        ByteBuffer.wrap(
            ("GET " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: swarmwatch-agent\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    SocketAddress target = engine;
    if (engine instanceof InetSocketAddress inet && inet.isUnresolved()) {
      target = new InetSocketAddress(inet.getHostString(), inet.getPort());
    }
    this.channel =
        engine instanceof UnixDomainSocketAddress
            ? SocketChannel.open(StandardProtocolFamily.UNIX)
            : SocketChannel.open();
    try {
      channel.configureBlocking(false);
      channel.connect(target);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  private void accept(long time, int stream, byte[] b, int off, int len, boolean cut, Lines out) {
    if (time < resumeTime) {
      return; // before the checkpoint: the Engine shouldn't send it, never deliver it twice
    }
    if (time == resumeTime && skipLeft > 0) {
      skipLeft--;
      return;
    }
    position = position.next(time);
    out.line(this, time, stream, b, off, len, cut, position);
  }

  String id() {
    return id;
  }

  LogSource source() {
    return source;
  }

  long run() {
    return run;
  }

  SocketChannel channel() {
    return channel;
  }

  /** The last line read (not necessarily delivered yet). */
  Checkpoint position() {
    return position;
  }

  boolean paused() {
    return paused;
  }

  void paused(boolean p) {
    paused = p;
  }

  /** Finishes connecting; true once connected. */
  boolean finishConnect() throws IOException {
    return channel.finishConnect();
  }

  /** Writes what is left of the request; true when all of it is out. */
  boolean writeRequest() throws IOException {
    channel.write(request);
    return !request.hasRemaining();
  }

  /**
   * Reads what the socket has into {@code buf} and decodes it.
   *
   * @return false when the stream has ended (EOF or the last chunk)
   */
  boolean read(ByteBuffer buf) throws IOException {
    buf.clear();
    int n = channel.read(buf);
    if (n < 0) {
      return false;
    }
    http.feed(buf.array(), 0, n, frames);
    if (http.status() != 0 && http.status() != 200) {
      return false; // refused: the reason is in the part of the body that came with the head
    }
    return !http.done();
  }

  /** Status and message when the Engine refused the request; null if it answered 200. */
  String refusal() {
    int s = http.status();
    return s == 0 || s == 200 ? null : s + " " + http.errorBody();
  }

  void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing a socket we're done with
    }
  }
}
