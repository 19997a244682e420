package io.swarmwatch.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.grpc.inprocess.InProcessSocketAddress;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.CollectorMessage;
import io.swarmwatch.proto.v1.IngestGrpc;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The interceptor on its own, with a fake call whose peer address the test chooses. */
class AgentAuthInterceptorTest {
  private static final String TOKEN = "join-token-1234";

  @Test
  void loopbackAddressesAreLoopback() {
    assertThat(AgentAuthInterceptor.isLoopback(new InetSocketAddress("127.0.0.1", 5555))).isTrue();
    assertThat(AgentAuthInterceptor.isLoopback(new InetSocketAddress("127.8.9.10", 5555))).isTrue();
    assertThat(AgentAuthInterceptor.isLoopback(new InetSocketAddress("::1", 5555))).isTrue();
  }

  @Test
  void networkAddressesAreNotLoopback() {
    assertThat(AgentAuthInterceptor.isLoopback(new InetSocketAddress("10.1.2.3", 5555))).isFalse();
    assertThat(AgentAuthInterceptor.isLoopback(new InetSocketAddress("0.0.0.0", 5555))).isFalse();
    assertThat(AgentAuthInterceptor.isLoopback(InetSocketAddress.createUnresolved("localhost", 1)))
        .as("unresolved: no address to judge")
        .isFalse();
    assertThat(AgentAuthInterceptor.isLoopback(null)).isFalse();
  }

  @Test
  void inProcessAddressCountsAsLoopback() {
    assertThat(AgentAuthInterceptor.isLoopback(new InProcessSocketAddress("test"))).isTrue();
  }

  @Test
  void withoutATokenALoopbackAgentIsAccepted() {
    Outcome o = intercept(Optional.empty(), new InetSocketAddress("127.0.0.1", 5555), null);

    assertThat(o.closedWith).isNull();
    assertThat(o.reachedService).isTrue();
    assertThat(o.peerSeenByService).isEqualTo("/127.0.0.1:5555");
  }

  @Test
  void withoutATokenANetworkAgentIsRejectedWithTheReason() {
    Outcome o = intercept(Optional.empty(), new InetSocketAddress("10.1.2.3", 5555), null);

    assertThat(o.reachedService).isFalse();
    assertThat(o.closedWith.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(o.closedWith.getDescription())
        .contains("no SWARMWATCH_AGENT_TOKEN")
        .contains("loopback only");
  }

  @Test
  void withoutATokenAnAgentOfUnknownAddressIsRejected() {
    Outcome o = intercept(Optional.empty(), null, null);

    assertThat(o.reachedService).isFalse();
    assertThat(o.closedWith.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void withATokenANetworkAgentWithTheRightTokenIsAccepted() {
    Outcome o =
        intercept(Optional.of(TOKEN), new InetSocketAddress("10.1.2.3", 5555), "Bearer " + TOKEN);

    assertThat(o.closedWith).isNull();
    assertThat(o.reachedService).isTrue();
    assertThat(o.peerSeenByService).isEqualTo("/10.1.2.3:5555");
  }

  @Test
  void withATokenEvenALoopbackAgentNeedsIt() {
    Outcome o = intercept(Optional.of(TOKEN), new InetSocketAddress("127.0.0.1", 5555), null);

    assertThat(o.reachedService).isFalse();
    assertThat(o.closedWith.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(o.closedWith.getDescription()).contains("no agent token");
  }

  @Test
  void wrongTokensAreRejectedWithoutEchoingAnyToken() {
    for (String header :
        new String[] {"Bearer nope", TOKEN, "bearer " + TOKEN, "Bearer " + TOKEN + "x", ""}) {
      Outcome o = intercept(Optional.of(TOKEN), new InetSocketAddress("10.1.2.3", 5555), header);

      assertThat(o.reachedService).as(header).isFalse();
      assertThat(o.closedWith.getCode()).as(header).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(o.closedWith.getDescription())
          .as(header)
          .contains("wrong agent token")
          .doesNotContain(TOKEN)
          .doesNotContain("nope");
    }
  }

  // --- a minimal server call ------------------------------------------------------------------

  private static final class Outcome {
    Status closedWith;
    boolean reachedService;
    String peerSeenByService;
  }

  private static Outcome intercept(
      Optional<String> token, SocketAddress remote, String authorization) {
    Outcome o = new Outcome();
    Metadata headers = new Metadata();
    if (authorization != null) {
      headers.put(AgentAuthInterceptor.AUTHORIZATION, authorization);
    }
    Attributes attrs =
        remote == null
            ? Attributes.EMPTY
            : Attributes.newBuilder().set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, remote).build();
    ServerCall<AgentMessage, CollectorMessage> call =
        new ServerCall<>() {
          @Override
          public void request(int numMessages) {}

          @Override
          public void sendHeaders(Metadata h) {}

          @Override
          public void sendMessage(CollectorMessage message) {}

          @Override
          public void close(Status status, Metadata trailers) {
            o.closedWith = status;
          }

          @Override
          public boolean isCancelled() {
            return false;
          }

          @Override
          public Attributes getAttributes() {
            return attrs;
          }

          @Override
          public MethodDescriptor<AgentMessage, CollectorMessage> getMethodDescriptor() {
            return IngestGrpc.getConnectMethod();
          }
        };
    ServerCallHandler<AgentMessage, CollectorMessage> service =
        (c, h) -> {
          o.reachedService = true;
          o.peerSeenByService = AgentAuthInterceptor.PEER.get();
          return new ServerCall.Listener<>() {};
        };
    ServerCall.Listener<AgentMessage> listener =
        new AgentAuthInterceptor(token).interceptCall(call, headers, service);
    assertThat(listener).isNotNull();
    return o;
  }
}
