package io.swarmwatch.agent.ship;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.StreamObserver;
import io.swarmwatch.proto.v1.Ack;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.CollectorMessage;
import io.swarmwatch.proto.v1.IngestGrpc;
import io.swarmwatch.proto.v1.ReportSwarm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A collector stand-in on a real Netty gRPC server bound to 127.0.0.1: records every call's headers
 * and start time and every message agents send, and (unless silent) acks each message by its seq,
 * and Hello with the highest seq acked so far.
 */
public final class FakeCollector implements AutoCloseable {
  private enum Mode {
    ACK_EACH,
    SILENT,
    REJECT
  }

  /** Every AgentMessage received, in arrival order, across all calls. */
  public final List<AgentMessage> received = new CopyOnWriteArrayList<>();

  /** Request headers of every call, in arrival order. */
  final List<Metadata> headers = new CopyOnWriteArrayList<>();

  /** {@link System#nanoTime()} at the start of every call. */
  final List<Long> callStartNanos = new CopyOnWriteArrayList<>();

  /** Calls the agent ended with a half-close (a graceful end of its stream). */
  final AtomicInteger halfCloses = new AtomicInteger();

  /**
   * Highest seq acked, across calls: what this collector "holds durably", sent as the answer to
   * Hello.
   */
  final AtomicLong held = new AtomicLong();

  /** When set, a Hello is answered with ReportSwarm(enabled=true) before its ack. */
  public volatile boolean askToReportSwarm;

  private final Mode mode;
  private final Status rejection;
  private final Server server;

  private FakeCollector(int port, Mode mode, Status rejection) {
    this.mode = mode;
    this.rejection = rejection;
    try {
      this.server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
              // The reconnect test binds the port again right after the previous server released
              // it.
              .withOption(ChannelOption.SO_REUSEADDR, true)
              .permitKeepAliveTime(10, TimeUnit.SECONDS)
              .permitKeepAliveWithoutCalls(true)
              .addService(ServerInterceptors.intercept(new Ingest(), new Recorder()))
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Acks every message; port 0 picks a free one. */
  public static FakeCollector acking(int port) {
    return new FakeCollector(port, Mode.ACK_EACH, null);
  }

  /** Accepts calls and records messages but never answers. */
  static FakeCollector silent(int port) {
    return new FakeCollector(port, Mode.SILENT, null);
  }

  /** Closes every call with the given status before reading any message (like an auth check). */
  static FakeCollector rejecting(int port, Status status) {
    return new FakeCollector(port, Mode.REJECT, status);
  }

  int port() {
    return server.getPort();
  }

  public String target() {
    return "127.0.0.1:" + port();
  }

  /** Highest seq received so far, 0 if none. */
  long maxSeq() {
    return received.stream().mapToLong(AgentMessage::getSeq).max().orElse(0);
  }

  /** Stops at once, cancelling open calls as a crashed or restarted collector would. */
  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  private final class Recorder implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata requestHeaders, ServerCallHandler<Q, R> next) {
      callStartNanos.add(System.nanoTime());
      headers.add(requestHeaders);
      if (mode == Mode.REJECT) {
        call.close(rejection, new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, requestHeaders);
    }
  }

  private final class Ingest extends IngestGrpc.IngestImplBase {
    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<CollectorMessage> responses) {
      return new StreamObserver<>() {
        @Override
        public void onNext(AgentMessage m) {
          received.add(m);
          if (mode == Mode.ACK_EACH) {
            try {
              if (askToReportSwarm && m.hasHello()) {
                responses.onNext(
                    CollectorMessage.newBuilder()
                        .setReportSwarm(ReportSwarm.newBuilder().setEnabled(true))
                        .build());
              }
              long ack = m.hasHello() ? held.get() : held.accumulateAndGet(m.getSeq(), Math::max);
              responses.onNext(
                  CollectorMessage.newBuilder().setAck(Ack.newBuilder().setSeq(ack)).build());
            } catch (RuntimeException cancelled) {
              // The agent went away between its message and our ack: nothing to answer.
            }
          }
        }

        @Override
        public void onError(Throwable t) {
          // The agent cancelled; the server has already closed the call.
        }

        @Override
        public void onCompleted() {
          halfCloses.incrementAndGet();
          responses.onCompleted();
        }
      };
    }
  }
}
