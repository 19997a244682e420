package io.swarmwatch.agent.proxy;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A unix-socket proxy in front of the test Engine: point a client at {@link #dockerHost()} and
 * every connection is forwarded to the Engine's socket, byte for byte, while the HTTP requests the
 * client sends are recorded ({@link #requests()}). {@link #cut()} drops every open connection and
 * refuses new ones (accepted, then closed at once: the client sees the Engine go away, not hang);
 * {@link #restore()} forwards again.
 *
 * <p>Threads: one accepts; each forwarded connection has one thread per direction. A direction that
 * reaches end-of-stream half-closes the other side; an error or {@link #cut()} closes both. {@link
 * #close()} stops everything and deletes the socket file; it is idempotent.
 */
public final class EngineProxy implements AutoCloseable {
  /** Path segments that are Engine object ids: 64-hex container/image ids, 25-char swarm ids. */
  private static final Pattern ID = Pattern.compile("[0-9a-f]{64}|[0-9a-z]{25}");

  /**
   * One HTTP request a client sent through the proxy.
   *
   * @param connection which proxied connection it came on (1, 2, ...)
   * @param method the request method, or {@code MALFORMED} if the proxy could not parse the head
   *     (then {@code target} says why)
   * @param target path and query as sent
   * @param contentLength the declared body length, -1 when absent or chunked
   * @param chunked the body was sent with {@code Transfer-Encoding: chunked}
   * @param upgrade the request asked to upgrade the connection (a hijacked stream)
   */
  public record Request(
      int connection,
      String method,
      String target,
      long contentLength,
      boolean chunked,
      boolean upgrade) {
    public String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }

    /**
     * The path with ids replaced by {@code {id}} and the query reduced to its parameter names, e.g.
     * {@code /containers/{id}/json} or {@code /events?filters&since}.
     */
    public String pattern() {
      StringBuilder b = new StringBuilder();
      for (String seg : path().split("/", -1)) {
        if (!b.isEmpty() || !seg.isEmpty()) {
          b.append('/').append(ID.matcher(seg).matches() ? "{id}" : seg);
        }
      }
      int q = target.indexOf('?');
      if (q >= 0) {
        List<String> names = new ArrayList<>();
        for (String kv : target.substring(q + 1).split("&")) {
          int eq = kv.indexOf('=');
          names.add(eq < 0 ? kv : kv.substring(0, eq));
        }
        b.append('?').append(String.join("&", names.stream().sorted().distinct().toList()));
      }
      return b.toString();
    }

    /** {@code METHOD pattern}, plus a note when the request carried a body. */
    public String describe() {
      String body = chunked ? " [chunked body]" : contentLength > 0 ? " [body]" : "";
      return method + " " + pattern() + body + (upgrade ? " [upgrade]" : "");
    }
  }

  private final Path dir;
  private final Path socket;
  private final UnixDomainSocketAddress engine;
  private final ServerSocketChannel server;
  private final Thread acceptor;
  private final Object lock = new Object();
  private final List<Request> requests = new ArrayList<>();
  private final Set<Connection> open = new HashSet<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger nextId = new AtomicInteger();
  private final AtomicInteger forwarded = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private boolean cut;
  private boolean closed;

  private EngineProxy(Path engineSocket) throws IOException {
    this.engine = UnixDomainSocketAddress.of(engineSocket);
    this.dir = Files.createTempDirectory("swarmwatch-engine-proxy");
    this.socket = dir.resolve("engine.sock");
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    this.acceptor = new Thread(this::acceptLoop, "engine-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a proxy in front of the Engine at {@code dockerHost}, which must be {@code unix://}. */
  public static EngineProxy start(String dockerHost) {
    URI uri = URI.create(dockerHost);
    if (!"unix".equals(uri.getScheme()) || uri.getPath() == null || uri.getPath().isEmpty()) {
      throw new IllegalArgumentException(
          "EngineProxy needs a unix:// DOCKER_HOST, got " + dockerHost);
    }
    try {
      return new EngineProxy(Path.of(uri.getPath()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Engine proxy", e);
    }
  }

  /**
   * The address to give a Docker client instead of the Engine's: {@code
   * unix:///tmp/.../engine.sock}.
   */
  public String dockerHost() {
    return "unix://" + socket;
  }

  /** Every request seen so far, in the order their heads arrived. */
  public List<Request> requests() {
    synchronized (lock) {
      return List.copyOf(requests);
    }
  }

  /** Connections accepted and forwarded so far. */
  public int forwardedConnections() {
    return forwarded.get();
  }

  /** Connections accepted while cut, and closed at once. */
  public int refusedConnections() {
    return refused.get();
  }

  /** Closes every open connection now and refuses new ones until {@link #restore()}. */
  public void cut() {
    List<Connection> toClose;
    synchronized (lock) {
      cut = true;
      toClose = List.copyOf(open);
      open.clear();
    }
    toClose.forEach(Connection::close);
  }

  /** Forwards new connections again. */
  public void restore() {
    synchronized (lock) {
      cut = false;
    }
  }

  private void acceptLoop() {
    while (true) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (ClosedChannelException e) {
        return; // close()
      } catch (IOException e) {
        if (!server.isOpen()) {
          return;
        }
        throw new UncheckedIOException("engine proxy accept failed", e);
      }
      boolean refuse;
      synchronized (lock) {
        refuse = cut || closed;
      }
      if (refuse) {
        refused.incrementAndGet();
        closeQuietly(client);
        continue;
      }
      SocketChannel upstream;
      try {
        upstream = SocketChannel.open(engine);
      } catch (IOException e) {
        // The Engine itself is down: the client sees what it would have seen.
        closeQuietly(client);
        continue;
      }
      forward(new Connection(nextId.incrementAndGet(), client, upstream));
    }
  }

  private void forward(Connection c) {
    HttpRequestTap tap =
        new HttpRequestTap(
            h ->
                record(
                    new Request(
                        c.id,
                        h.method(),
                        h.target(),
                        h.contentLength(),
                        h.chunked(),
                        h.upgrade())));
    Thread up = new Thread(() -> c.copy(c.client, c.upstream, tap), "engine-proxy-" + c.id + "-up");
    Thread down =
        new Thread(() -> c.copy(c.upstream, c.client, null), "engine-proxy-" + c.id + "-down");
    up.setDaemon(true);
    down.setDaemon(true);
    synchronized (lock) {
      // Registered under the lock that cut() takes, so a connection is either closed by a cut
      // running now or accepted before it: never forwarded after it.
      if (cut || closed) {
        refused.incrementAndGet();
        c.close();
        return;
      }
      open.add(c);
      forwarded.incrementAndGet();
      threads.removeIf(t -> !t.isAlive());
      threads.add(up);
      threads.add(down);
    }
    up.start();
    down.start();
  }

  private void record(Request r) {
    synchronized (lock) {
      requests.add(r);
    }
  }

  /** Stops accepting, closes every connection, waits for its threads, deletes the socket. */
  @Override
  public void close() {
    List<Connection> toClose;
    List<Thread> toJoin;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = List.copyOf(open);
      open.clear();
      toJoin = List.copyOf(threads);
    }
    closeQuietly(server);
    toClose.forEach(Connection::close);
    try {
      acceptor.join(5000);
      for (Thread t : toJoin) {
        t.join(5000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(socket);
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // A temp dir left behind is harmless.
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // Already closed or broken: either way it is gone.
    }
  }

  /** A client connection and its upstream twin. */
  private final class Connection {
    final int id;
    final SocketChannel client;
    final SocketChannel upstream;
    private final AtomicInteger directionsDone = new AtomicInteger();

    Connection(int id, SocketChannel client, SocketChannel upstream) {
      this.id = id;
      this.client = client;
      this.upstream = upstream;
    }

    /** Copies until end-of-stream (then half-closes {@code to}) or an error (then closes both). */
    void copy(SocketChannel from, SocketChannel to, HttpRequestTap tapOrNull) {
      HttpRequestTap tap = tapOrNull;
      ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
      try {
        while (from.read(buf) >= 0) {
          buf.flip();
          if (tap != null) {
            try {
              tap.feed(buf.array(), buf.position(), buf.remaining());
            } catch (RuntimeException e) {
              // A parser bug must not stall the connection: record it, forward the rest blind.
              record(new Request(id, "MALFORMED", e.toString(), -1, false, false));
              tap = null;
            }
          }
          while (buf.hasRemaining()) {
            to.write(buf);
          }
          buf.clear();
        }
        to.shutdownOutput();
        if (directionsDone.incrementAndGet() == 2) {
          close();
        }
      } catch (IOException e) {
        close(); // cut(), close(), or a peer that went away
      }
    }

    void close() {
      synchronized (lock) {
        open.remove(this);
      }
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }
}
