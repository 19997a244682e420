package io.swarmwatch.collector.ingest;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Checks the agent's join token before any data is accepted: {@code authorization: Bearer <token>},
 * compared in constant time. With no token configured, only agents connecting over loopback are
 * accepted (the documented default), so an open port never takes data from the network
 * unauthenticated.
 */
public final class AgentAuthInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<String> PEER = Context.key("swarmwatch-peer");

  private final Optional<byte[]> expected;

  public AgentAuthInterceptor(Optional<String> token) {
    this.expected = token.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (expected.isPresent()) {
      String got = headers.get(AUTHORIZATION);
      byte[] gotBytes = got == null ? new byte[0] : got.getBytes(StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(expected.get(), gotBytes)) {
        call.close(
            Status.UNAUTHENTICATED.withDescription(
                got == null
                    ? "no agent token: set SWARMWATCH_AGENT_TOKEN (or _FILE) on the agent"
                    : "wrong agent token: the agent's SWARMWATCH_AGENT_TOKEN differs from the collector's"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
    } else if (!isLoopback(remote)) {
      call.close(
          Status.UNAUTHENTICATED.withDescription(
              "this collector has no SWARMWATCH_AGENT_TOKEN, so it accepts agents on loopback only;"
                  + " set the same token on collector and agents"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Context ctx = Context.current().withValue(PEER, remote == null ? null : remote.toString());
    return Contexts.interceptCall(ctx, call, headers, next);
  }

  static boolean isLoopback(SocketAddress a) {
    if (a instanceof InetSocketAddress inet) {
      return inet.getAddress() != null && inet.getAddress().isLoopbackAddress();
    }
    // In-process transport (tests) has no network address.
    return a != null && !(a instanceof InetSocketAddress);
  }
}
