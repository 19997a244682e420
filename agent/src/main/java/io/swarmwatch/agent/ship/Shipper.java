package io.swarmwatch.agent.ship;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.swarmwatch.common.Backoff;
import io.swarmwatch.common.Durations;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.CollectorMessage;
import io.swarmwatch.proto.v1.Hello;
import io.swarmwatch.proto.v1.IngestGrpc;
import io.swarmwatch.proto.v1.Snapshot;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one bidirectional stream open to the collector and feeds it from the {@link Spool}.
 *
 * <p>Each session: Hello (the collector must answer within {@code helloTimeout} with an Ack of the
 * highest seq of this stream it holds durably), then the spool from just after that seq — messages
 * the collector never got or did not make durable are resent with their original seqs — with a
 * fresh Snapshot appended to the spool, all in order as gRPC flow control allows ({@code isReady}
 * and the on-ready handler: a slow collector leaves messages on disk in the spool, not in gRPC's
 * buffers or the heap). Each Ack lets the spool delete what it covers. When the stream fails, it
 * waits with exponential backoff and jitter and starts a new session; an agent the collector
 * refuses (wrong token) waits at least {@code rejectedBackoff}.
 */
public final class Shipper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Shipper.class);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ShipperConfig config;
  private final Consumer<Boolean> reportSwarm;
  private final Spool spool;
  private final Supplier<Hello> hello;
  private final Supplier<Snapshot> snapshot;
  private final ManagedChannel channel;
  private final Backoff backoff;
  private final Thread thread;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong sessions = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private volatile ClientCallStreamObserver<AgentMessage> current;
  private volatile boolean connected;

  public Shipper(
      ShipperConfig config, Spool spool, Supplier<Hello> hello, Supplier<Snapshot> snapshot) {
    this(config, spool, hello, snapshot, on -> {});
  }

  /**
   * @param reportSwarm told {@code true} when the collector asks this agent to report the swarm
   *     view, {@code false} when it says stop or the stream ends (the collector chooses again)
   */
  public Shipper(
      ShipperConfig config,
      Spool spool,
      Supplier<Hello> hello,
      Supplier<Snapshot> snapshot,
      Consumer<Boolean> reportSwarm) {
    this.reportSwarm = reportSwarm;
    this.config = config;
    this.spool = spool;
    this.hello = hello;
    this.snapshot = snapshot;
    this.backoff = new Backoff(config.backoffMin(), config.backoffMax());
    NettyChannelBuilder channel =
        NettyChannelBuilder.forTarget(config.target())
            .keepAliveTime(config.keepAlive().toMillis(), TimeUnit.MILLISECONDS)
            .keepAliveTimeout(10, TimeUnit.SECONDS);
    if (config.tls().isPresent()) {
      CollectorTlsContext.apply(channel, config.tls().get());
    } else {
      channel.usePlaintext();
    }
    this.channel = channel.build();
    this.thread = new Thread(this::run, "swarmwatch-shipper");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public boolean connected() {
    return connected;
  }

  /** Streams the collector accepted (answered Hello) since start. */
  public long sessions() {
    return sessions.get();
  }

  /** Messages handed to gRPC since start. */
  public long sent() {
    return sent.get();
  }

  /** Highest sequence the collector acknowledged. */
  public long acked() {
    return acked.get();
  }

  private void run() {
    while (closed.getCount() > 0) {
      Duration wait;
      try {
        session();
        if (closed.getCount() == 0) {
          return;
        }
        wait = backoff.next();
        log.warn(
            "stream to collector at {} ended: reconnecting in {}",
            config.target(),
            Durations.format(wait));
      } catch (StatusRuntimeException e) {
        wait = backoff.next();
        Status s = e.getStatus();
        if (s.getCode() == Status.Code.UNAUTHENTICATED
            || s.getCode() == Status.Code.PERMISSION_DENIED) {
          if (wait.compareTo(config.rejectedBackoff()) < 0) {
            wait = config.rejectedBackoff();
          }
          log.error(
              "collector at {} refused this agent ({}: {}): check SWARMWATCH_AGENT_TOKEN; retrying in {}",
              config.target(),
              s.getCode(),
              s.getDescription(),
              Durations.format(wait));
        } else if (config.tls().isPresent()
            && CollectorTlsContext.handshakeFailure(e).isPresent()) {
          log.error(
              "TLS handshake with collector at {} failed: {}; retrying in {}",
              config.target(),
              CollectorTlsContext.handshakeFailure(e).get(),
              Durations.format(wait));
        } else if (s.getCode() == Status.Code.INVALID_ARGUMENT
            || s.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
          log.error(
              "collector at {} ended the stream ({}: {}): retrying in {}",
              config.target(),
              s.getCode(),
              s.getDescription(),
              Durations.format(wait));
        } else {
          log.warn(
              "collector unreachable at {} ({}{}): retrying in {}",
              config.target(),
              s.getCode(),
              s.getDescription() == null ? "" : ": " + s.getDescription(),
              Durations.format(wait));
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        wait = backoff.next();
        log.warn("not streaming yet: {}: retrying in {}", e.getMessage(), Durations.format(wait));
      } finally {
        connected = false;
        current = null;
        spool.streaming(false);
        reportSwarm.accept(false);
      }
      try {
        if (closed.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void session() throws InterruptedException {
    // This class's backoff decides when to try again. gRPC keeps its own connect backoff (growing
    // to two minutes) under it, and while that runs every call fails fast with UNAVAILABLE: after
    // a collector outage the agent went on failing for seconds after the collector was back.
    channel.resetConnectBackoff();
    Hello h;
    try {
      h = hello.get();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "the Docker Engine does not answer (" + rootCause(e) + "); streaming starts once it does",
          e);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    Object ready = new Object();
    AtomicLong helloAck = new AtomicLong(-1);
    ClientResponseObserver<AgentMessage, CollectorMessage> responses =
        new ClientResponseObserver<>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<AgentMessage> requests) {
            requests.setOnReadyHandler(
                () -> {
                  synchronized (ready) {
                    ready.notifyAll();
                  }
                });
          }

          @Override
          public void onNext(CollectorMessage m) {
            if (m.hasReportSwarm()) {
              reportSwarm.accept(m.getReportSwarm().getEnabled());
            }
            if (m.hasAck()) {
              long s = m.getAck().getSeq();
              helloAck.compareAndSet(-1, s);
              acked.accumulateAndGet(s, Math::max);
              spool.acked(s);
              synchronized (ready) {
                ready.notifyAll();
              }
            }
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
            synchronized (ready) {
              ready.notifyAll();
            }
          }

          @Override
          public void onCompleted() {
            done.complete(null);
            synchronized (ready) {
              ready.notifyAll();
            }
          }
        };
    IngestGrpc.IngestStub stub = IngestGrpc.newStub(channel).withCompression("gzip");
    if (config.token().isPresent()) {
      Metadata md = new Metadata();
      md.put(AUTHORIZATION, "Bearer " + config.token().get());
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    }
    var requests = (ClientCallStreamObserver<AgentMessage>) stub.connect(responses);
    current = requests;
    try {
      send(
          requests,
          AgentMessage.newBuilder().setSeq(spool.nextSeq()).setHello(h).build(),
          done,
          ready);
      long held = awaitHelloAck(helloAck, done, ready);
      // A collector that lost its data answers less than it once acknowledged: what it
      // acknowledged may be deleted already, so go on from there.
      spool.rewind(Math.max(held, spool.acked()));
      spool.streaming(true);
      sessions.incrementAndGet();
      connected = true;
      backoff.reset();
      log.info(
          "streaming to collector at {} as node {} ({})",
          config.target(),
          h.getNode().getHostname(),
          h.getAgentId());
      spool.put(AgentMessage.newBuilder().setSnapshot(snapshot.get()).build());
      while (closed.getCount() > 0 && !done.isDone()) {
        AgentMessage m = spool.next(200, TimeUnit.MILLISECONDS);
        if (m != null) {
          send(requests, m, done, ready);
        }
      }
      if (closed.getCount() == 0) {
        requests.onCompleted();
        return;
      }
      rethrow(done);
    } catch (RuntimeException | InterruptedException e) {
      requests.cancel("agent stopping or stream failed", null);
      throw e;
    }
  }

  /** Waits for flow control to allow a message, then sends it. */
  private void send(
      ClientCallStreamObserver<AgentMessage> requests,
      AgentMessage m,
      CompletableFuture<Void> done,
      Object ready)
      throws InterruptedException {
    synchronized (ready) {
      while (!requests.isReady()) {
        if (done.isDone()) {
          rethrow(done);
          throw Status.UNAVAILABLE.withDescription("stream closed").asRuntimeException();
        }
        if (closed.getCount() == 0) {
          throw new InterruptedException("closing");
        }
        ready.wait(200);
      }
    }
    requests.onNext(m);
    sent.incrementAndGet();
  }

  /** The collector's answer to Hello: the highest seq of this stream it holds durably. */
  private long awaitHelloAck(AtomicLong helloAck, CompletableFuture<Void> done, Object ready)
      throws InterruptedException {
    long deadline = System.nanoTime() + config.helloTimeout().toNanos();
    synchronized (ready) {
      while (helloAck.get() < 0) {
        if (done.isDone()) {
          rethrow(done);
          throw Status.UNAVAILABLE
              .withDescription("collector closed the stream")
              .asRuntimeException();
        }
        if (closed.getCount() == 0) {
          throw new InterruptedException("closing");
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw Status.DEADLINE_EXCEEDED
              .withDescription(
                  "no answer to Hello within " + config.helloTimeout().toSeconds() + " s")
              .asRuntimeException();
        }
        TimeUnit.NANOSECONDS.timedWait(ready, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
      }
    }
    return helloAck.get();
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  private static void rethrow(CompletableFuture<Void> done) {
    if (done.isCompletedExceptionally()) {
      try {
        done.join();
      } catch (CompletionException e) {
        Throwable t = e.getCause();
        if (t instanceof StatusRuntimeException sre) {
          throw sre;
        }
        throw Status.fromThrowable(t).asRuntimeException();
      }
    }
  }

  /** Idempotent: ends the stream (half-close when idle) and the channel. */
  @Override
  public void close() {
    if (closed.getCount() == 0) {
      return;
    }
    closed.countDown();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ClientCallStreamObserver<AgentMessage> c = current;
    if (c != null) {
      c.cancel("agent shutting down", null);
    }
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
