package io.swarmwatch.e2e;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.CollectorMessage;
import io.swarmwatch.proto.v1.Hello;
import io.swarmwatch.proto.v1.IngestGrpc;
import io.swarmwatch.proto.v1.LogBatch;
import io.swarmwatch.proto.v1.LogLine;
import io.swarmwatch.proto.v1.LogSource;
import io.swarmwatch.proto.v1.LogStream;
import io.swarmwatch.proto.v1.Node;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An agent at the wire level, for tests that need to control exactly what goes on the stream (a
 * well-behaved agent streaming numbered log lines, or one that breaks the protocol). One stream;
 * one sending thread at a time.
 *
 * <p>Lines are {@code "<container> <n>"} with {@code n} from 1, one container per agent, so a test
 * can check through the API that every line it sent is stored exactly once.
 */
final class WireAgent {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  final String container;
  private final String streamId;
  private final IngestGrpc.IngestStub stub;
  private final AtomicLong acked = new AtomicLong(-1);
  private final CompletableFuture<Status> ended = new CompletableFuture<>();
  private final Object ready = new Object();
  private ClientCallStreamObserver<AgentMessage> requests;
  // Written by the one sending thread, read by the test's.
  private volatile long seq;
  private volatile long lineNo;
  private volatile long waitsForFlowControl;

  WireAgent(Channel channel, Optional<String> token, String container, String streamId) {
    this.container = container;
    this.streamId = streamId;
    IngestGrpc.IngestStub s = IngestGrpc.newStub(channel);
    if (token.isPresent()) {
      Metadata md = new Metadata();
      md.put(AUTHORIZATION, "Bearer " + token.get());
      s = s.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    }
    this.stub = s;
  }

  /** Opens the stream and sends Hello; returns the collector's first ack (what it holds). */
  long hello(Duration timeout) throws InterruptedException {
    open();
    send(hello());
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (ready) {
      while (acked.get() < 0 && !ended.isDone()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no answer to Hello within " + timeout);
        }
        TimeUnit.NANOSECONDS.timedWait(ready, left);
      }
    }
    if (acked.get() < 0) {
      throw new AssertionError("stream ended before Hello was answered: " + ended.join());
    }
    seq = acked.get();
    return acked.get();
  }

  /** Opens the stream without sending anything. */
  void open() {
    requests =
        (ClientCallStreamObserver<AgentMessage>)
            stub.connect(
                new ClientResponseObserver<AgentMessage, CollectorMessage>() {
                  @Override
                  public void beforeStart(ClientCallStreamObserver<AgentMessage> r) {
                    r.setOnReadyHandler(this::wake);
                  }

                  @Override
                  public void onNext(CollectorMessage m) {
                    if (m.hasAck()) {
                      acked.accumulateAndGet(m.getAck().getSeq(), Math::max);
                      wake();
                    }
                  }

                  @Override
                  public void onError(Throwable t) {
                    ended.complete(Status.fromThrowable(t));
                    wake();
                  }

                  @Override
                  public void onCompleted() {
                    ended.complete(Status.OK);
                    wake();
                  }

                  private void wake() {
                    synchronized (ready) {
                      ready.notifyAll();
                    }
                  }
                });
  }

  AgentMessage hello() {
    return AgentMessage.newBuilder()
        .setSeq(1)
        .setHello(
            Hello.newBuilder()
                .setAgentId("wire-" + container)
                .setStreamId(streamId)
                .setAgentVersion("test")
                .setNode(
                    Node.newBuilder()
                        .setId("node-" + container)
                        .setHostname("host-" + container)
                        .setRole("worker")))
        .build();
  }

  /** Sends one batch of {@code n} numbered lines as the next seq; returns that seq. */
  long sendLines(int n) throws InterruptedException {
    LogBatch.Builder b =
        LogBatch.newBuilder()
            .addSources(
                LogSource.newBuilder().setContainerId(container).setContainerName(container));
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < n; i++) {
      lineNo++;
      b.addLines(
          LogLine.newBuilder()
              .setTimeUnixNanos(now + i)
              .setContainerId(container)
              .setStream(LogStream.STDOUT)
              .setLineNo(lineNo)
              .setLine(ByteString.copyFrom(container + " " + lineNo, StandardCharsets.UTF_8)));
    }
    seq++;
    send(AgentMessage.newBuilder().setSeq(seq).setLogs(b).build());
    return seq;
  }

  /** Sends {@code m} as it is, whatever its seq (flow control honoured). */
  void send(AgentMessage m) throws InterruptedException {
    synchronized (ready) {
      while (!requests.isReady()) {
        if (ended.isDone()) {
          return; // the collector cut the stream; the test reads why from ended()
        }
        waitsForFlowControl++;
        ready.wait(100);
      }
    }
    requests.onNext(m);
  }

  /** The highest seq sent so far. */
  long seq() {
    return seq;
  }

  /** Lines sent so far (numbered 1..lines()). */
  long lines() {
    return lineNo;
  }

  long acked() {
    return acked.get();
  }

  /** How often a send had to wait for the collector's flow control to allow it. */
  long waitsForFlowControl() {
    return waitsForFlowControl;
  }

  boolean ended() {
    return ended.isDone();
  }

  /** The status the stream ended with, waiting up to {@code timeout} for it. */
  Status awaitEnd(Duration timeout) throws InterruptedException {
    try {
      return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("the collector did not end the stream within " + timeout, e);
    }
  }

  /** Half-closes the stream, as an agent stopping cleanly does. */
  void finish() {
    requests.onCompleted();
  }

  void cancel() {
    requests.cancel("test done", null);
  }
}
