package io.swarmwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.LogBatch;
import io.swarmwatch.proto.v1.LogLine;
import io.swarmwatch.proto.v1.LogSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged collector against peers that misbehave: a wrong token, bytes that are not HTTP/2, an
 * HTTP/2 stream that is not protobuf, a message four times the size limit, sequence numbers that go
 * backwards, and a peer sending as fast as it can. In every case the offender gets a clear status
 * (or its connection cut), the collector logs one line for it and no stack trace, and a
 * well-behaved agent streaming at the same time loses nothing: every line it sent is acknowledged
 * and stored exactly once.
 *
 * <p>The agents here speak the wire protocol from the test ({@link WireAgent}), so what reaches the
 * collector is exactly what each case needs; no Docker Engine is involved.
 */
class IngestBadInputIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "bad-input-it-token";
  private static final String CONNECT = "swarmwatch.v1.Ingest/Connect";

  @TempDir static Path tmp;
  private static JarProcess collector;
  private static int grpc;
  private static Api api;
  private static ManagedChannel channel;

  private final List<ManagedChannel> channels = new ArrayList<>();
  private GoodAgent good;

  @BeforeAll
  static void startCollector() throws IOException {
    int http = freePort();
    grpc = freePort();
    api = new Api(http);
    collector =
        JarProcess.start(
            "collector-bad-input",
            "swarmwatch.collector.jar",
            Map.of(
                "SWARMWATCH_BIND",
                "127.0.0.1",
                "SWARMWATCH_HTTP_PORT",
                Integer.toString(http),
                "SWARMWATCH_GRPC_PORT",
                Integer.toString(grpc),
                "SWARMWATCH_AGENT_TOKEN",
                TOKEN,
                "SWARMWATCH_ACK_INTERVAL",
                "200ms",
                "SWARMWATCH_DATA_DIR",
                tmp.resolve("data").toString()));
    await("collector ready (" + collector + ")")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> collector.alive() && api.ready());
    channel = plainChannel();
  }

  @AfterAll
  static void stopCollector() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (collector != null) {
      collector.stop();
    }
  }

  @BeforeEach
  void startWellBehavedAgent() throws InterruptedException {
    good = new GoodAgent(new WireAgent(channel, Optional.of(TOKEN), container(), streamId()));
    good.start();
    await("the well-behaved agent is acknowledged")
        .atMost(Duration.ofSeconds(10))
        .until(() -> good.agent.acked() >= 3);
  }

  @AfterEach
  void closeChannels() {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
  }

  private static ManagedChannel plainChannel() {
    return NettyChannelBuilder.forAddress("127.0.0.1", grpc).usePlaintext().build();
  }

  private ManagedChannel newChannel() {
    ManagedChannel c = plainChannel();
    channels.add(c);
    return c;
  }

  private static String container() {
    return UUID.randomUUID().toString().replace("-", "")
        + UUID.randomUUID().toString().replace("-", "");
  }

  private static String streamId() {
    return UUID.randomUUID().toString();
  }

  /**
   * Ends the well-behaved agent's stream after it has sent a little more, then checks that all of
   * it was acknowledged and is stored once, and that the collector is still up and never printed a
   * stack trace.
   */
  private void assertWellBehavedAgentLostNothing() throws Exception {
    good.stopAfterMore();
    long last = good.agent.seq();
    await("every message of the well-behaved agent acknowledged")
        .atMost(Duration.ofSeconds(20))
        .until(() -> good.agent.acked() >= last);
    assertThat(good.agent.ended()).as("its stream is still open").isFalse();
    long lines = good.agent.lines();
    List<String> expected = new ArrayList<>();
    for (long n = 1; n <= lines; n++) {
      expected.add(good.agent.container + " " + n);
    }
    // Acknowledged means committed; searchable follows within the store's refresh interval.
    await("the well-behaved agent's lines, once each, in order")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(lines(good.agent.container)).isEqualTo(expected));
    good.agent.finish();
    assertThat(collector.alive()).isTrue();
    assertThat(collector.output())
        .as("collector log: one line per rejected peer, never a stack trace")
        .doesNotContain("\tat ")
        .doesNotContainIgnoringCase("exception");
  }

  /** Every stored line of a container, oldest first, following the Link header. */
  private static List<String> lines(String container) {
    List<String> out = new ArrayList<>();
    String next = "/api/v1/logs?container=" + container + "&limit=1000";
    while (next != null) {
      HttpResponse<String> r = api.raw(next);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      try {
        for (JsonNode l : JSON.readTree(r.body())) {
          out.add(l.get("line").asText());
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      next =
          r.headers()
              .firstValue("Link")
              .map(h -> h.substring(h.indexOf('<') + 1, h.indexOf('>')))
              .orElse(null);
    }
    return out;
  }

  /** Log lines of the collector that mention {@code what}. */
  private static long logLinesMentioning(String what) {
    return collector.output().lines().filter(l -> l.contains(what)).count();
  }

  @Test
  void wrongTokenIsRefusedWithUnauthenticated() throws Exception {
    long before = logLinesMentioning("wrong agent token");
    WireAgent intruder =
        new WireAgent(newChannel(), Optional.of("not-the-token"), container(), streamId());
    assertThatHelloFails(intruder, Status.Code.UNAUTHENTICATED, "wrong agent token");
    WireAgent anonymous = new WireAgent(newChannel(), Optional.empty(), container(), streamId());
    assertThatHelloFails(anonymous, Status.Code.UNAUTHENTICATED, "no agent token");
    await("the collector logs the refusal")
        .atMost(Duration.ofSeconds(5))
        .until(() -> logLinesMentioning("wrong agent token") == before + 1);
    assertThat(collector.output()).doesNotContain("not-the-token");
    assertThat(lines(intruder.container)).isEmpty();
    assertWellBehavedAgentLostNothing();
  }

  private static void assertThatHelloFails(WireAgent a, Status.Code code, String description)
      throws InterruptedException {
    try {
      a.hello(Duration.ofSeconds(10));
      throw new AssertionError("Hello was answered");
    } catch (AssertionError e) {
      if (e.getMessage().equals("Hello was answered")) {
        throw e;
      }
    }
    Status s = a.awaitEnd(Duration.ofSeconds(5));
    assertThat(s.getCode()).as(s.toString()).isEqualTo(code);
    assertThat(s.getDescription()).contains(description);
  }

  @Test
  void bytesThatAreNotHttp2GetTheConnectionCut() throws Exception {
    for (byte[] garbage :
        List.of(
            "GET / HTTP/1.1\r\nHost: collector\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            randomBytes(64 * 1024, 1))) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", grpc), 2000);
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        try {
          out.write(garbage);
          out.flush();
        } catch (SocketException cutWhileWriting) {
          continue; // the collector already closed it: what this test wants
        }
        assertThat(readUntilClosed(in)).as("the collector closes the connection").isTrue();
      }
    }
    assertWellBehavedAgentLostNothing();
  }

  /** True when the peer closed (EOF or reset) before the socket's read timeout. */
  private static boolean readUntilClosed(InputStream in) throws IOException {
    byte[] buf = new byte[4096];
    try {
      while (in.read(buf) >= 0) {
        // an HTTP/2 GOAWAY may come first
      }
      return true;
    } catch (SocketException reset) {
      return true;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    }
  }

  @Test
  void anHttp2StreamThatIsNotProtobufIsRefusedWithAStatus() throws Exception {
    MethodDescriptor<byte[], byte[]> raw =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName(CONNECT)
            .setRequestMarshaller(new RawBytes())
            .setResponseMarshaller(new RawBytes())
            .build();
    ClientCall<byte[], byte[]> call = newChannel().newCall(raw, CallOptions.DEFAULT);
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        token());
    call.request(1);
    // Field 1 as a length-delimited field: not what AgentMessage.seq (a varint) can be.
    call.sendMessage(new byte[] {0x0a, 0x7f, 0x01, 0x02});
    call.halfClose();
    Status s = closed.get(10, TimeUnit.SECONDS);
    assertThat(s.getCode()).as(s.toString()).isIn(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("not a valid AgentMessage");
    assertWellBehavedAgentLostNothing();
  }

  private static Metadata token() {
    Metadata md = new Metadata();
    md.put(WireAgent.AUTHORIZATION, "Bearer " + TOKEN);
    return md;
  }

  private static AgentMessage oversized(WireAgent a, long seq) {
    return AgentMessage.newBuilder()
        .setSeq(seq)
        .setLogs(
            LogBatch.newBuilder()
                .addSources(LogSource.newBuilder().setContainerId(a.container))
                .addLines(
                    LogLine.newBuilder()
                        .setContainerId(a.container)
                        .setLineNo(seq)
                        .setLine(ByteString.copyFrom(new byte[64 << 20]))))
        .build();
  }

  @Test
  void aMessageOverTheLimitIsRefusedWithResourceExhausted() throws Exception {
    long before = logLinesMentioning("exceeds maximum size 16777216");
    WireAgent big = new WireAgent(newChannel(), Optional.of(TOKEN), container(), streamId());
    big.open();
    big.send(oversized(big, 1));
    Status s = big.awaitEnd(Duration.ofSeconds(30));
    assertThat(s.getCode()).as(s.toString()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(s.getDescription()).contains("exceeds maximum size 16777216");
    await("the collector logs the refusal")
        .atMost(Duration.ofSeconds(5))
        .until(() -> logLinesMentioning("exceeds maximum size 16777216") == before + 1);
    assertWellBehavedAgentLostNothing();
  }

  /**
   * Once the collector has answered (Hello's ack), gRPC can no longer send the agent a status for a
   * message over the limit: it resets the stream, which the agent sees as CANCELLED (grpc-java
   * issue 11245). The collector still says why in its log, and keeps what came before.
   */
  @Test
  void aMessageOverTheLimitMidStreamCutsTheStreamAndKeepsWhatCameBefore() throws Exception {
    long before = logLinesMentioning("exceeds maximum size 16777216");
    WireAgent big = new WireAgent(newChannel(), Optional.of(TOKEN), container(), streamId());
    assertThat(big.hello(Duration.ofSeconds(10))).isZero();
    big.sendLines(1);
    big.send(oversized(big, big.seq() + 1));
    Status s = big.awaitEnd(Duration.ofSeconds(30));
    assertThat(s.getCode())
        .as(s.toString())
        .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED);
    await("the collector logs why")
        .atMost(Duration.ofSeconds(5))
        .until(() -> logLinesMentioning("exceeds maximum size 16777216") == before + 1);
    assertThat(collector.output()).contains("closed agent stream from host-" + big.container);
    await("what came before the oversized message is stored")
        .atMost(Duration.ofSeconds(10))
        .until(() -> lines(big.container).equals(List.of(big.container + " 1")));
    assertWellBehavedAgentLostNothing();
  }

  @Test
  void sequenceNumbersGoingBackwardsEndTheStreamAndKeepWhatWasAccepted() throws Exception {
    WireAgent confused = new WireAgent(newChannel(), Optional.of(TOKEN), container(), "regress");
    confused.hello(Duration.ofSeconds(10));
    confused.sendLines(1);
    confused.sendLines(1);
    long third = confused.sendLines(1);
    confused.send(
        AgentMessage.newBuilder().setSeq(third - 1).setLogs(LogBatch.getDefaultInstance()).build());
    Status s = confused.awaitEnd(Duration.ofSeconds(10));
    assertThat(s.getCode()).as(s.toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription())
        .contains("seq " + (third - 1) + " after seq " + third)
        .contains("must increase");
    String c = confused.container;
    await("what was accepted before the cut is stored")
        .atMost(Duration.ofSeconds(10))
        .until(() -> lines(c).equals(List.of(c + " 1", c + " 2", c + " 3")));
    // What was accepted before the cut is kept: a new stream of the same id is told so.
    await("the accepted messages are held durably")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              WireAgent again = new WireAgent(channel, Optional.of(TOKEN), c, "regress");
              long held = again.hello(Duration.ofSeconds(5));
              again.finish();
              return held == third;
            });
    assertWellBehavedAgentLostNothing();
  }

  @Test
  void aFloodIsHeldByFlowControlWhileAnotherAgentIsServed() throws Exception {
    WireAgent flood = new WireAgent(newChannel(), Optional.of(TOKEN), container(), streamId());
    flood.hello(Duration.ofSeconds(10));
    AtomicBoolean flooding = new AtomicBoolean(true);
    Thread flooder =
        new Thread(
            () -> {
              try {
                while (flooding.get() && !flood.ended()) {
                  flood.sendLines(2000);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "flooder");
    flooder.start();
    try {
      long from = good.agent.acked();
      await("the well-behaved agent is acknowledged during the flood")
          .atMost(Duration.ofSeconds(20))
          .until(() -> good.agent.acked() >= from + 50);
      assertThat(flood.ended()).as("the flooder is slowed down, not cut off").isFalse();
      assertThat(flood.waitsForFlowControl())
          .as("the flooder had to wait for the collector's flow control")
          .isPositive();
    } finally {
      flooding.set(false);
      flooder.join(10_000);
    }
    assertWellBehavedAgentLostNothing();
    long floodLast = flood.seq();
    await("the flood itself is stored too")
        .atMost(Duration.ofSeconds(60))
        .until(() -> flood.acked() >= floodLast);
    flood.finish();
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /**
   * A well-behaved agent: ten numbered lines every 20 ms, honouring flow control, until told to
   * stop (after a few more batches, so something is sent after each misbehaving peer was dealt
   * with).
   */
  private static final class GoodAgent {
    final WireAgent agent;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    GoodAgent(WireAgent agent) {
      this.agent = agent;
      this.thread = new Thread(this::run, "well-behaved-agent");
    }

    void start() throws InterruptedException {
      agent.hello(Duration.ofSeconds(10));
      thread.start();
    }

    private void run() {
      try {
        while (running.get() && !agent.ended()) {
          agent.sendLines(10);
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void stopAfterMore() throws InterruptedException {
      long target = agent.seq() + 5;
      await("the well-behaved agent keeps sending")
          .atMost(Duration.ofSeconds(10))
          .until(() -> agent.seq() >= target || agent.ended());
      running.set(false);
      thread.join(10_000);
    }
  }
}
