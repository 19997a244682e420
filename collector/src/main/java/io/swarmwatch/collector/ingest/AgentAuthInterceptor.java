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
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the agent's join token before any data is accepted: {@code authorization: Bearer <token>},
 * compared in constant time. With no token configured, only agents connecting over loopback are
 * accepted (the documented default), so an open port never takes data from the network
 * unauthenticated.
 *
 * <p>Each refusal is logged as one line, at most once a minute per address and reason, so an agent
 * retrying with a wrong token (or a scanner) cannot flood the log. The token itself is never
 * logged.
 */
public final class AgentAuthInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<String> PEER = Context.key("swarmwatch-peer");

  private static final Logger log = LoggerFactory.getLogger(AgentAuthInterceptor.class);
  static final Duration LOG_EVERY = Duration.ofMinutes(1);
  // Bounds the memory of who was refused lately; cleared when full (a few extra lines at worst).
  private static final int MAX_REMEMBERED = 1024;

  private final Optional<byte[]> expected;
  private final Clock clock;
  private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

  public AgentAuthInterceptor(Optional<String> token) {
    this(token, Clock.systemUTC());
  }

  AgentAuthInterceptor(Optional<String> token, Clock clock) {
    this.expected = token.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
    this.clock = clock;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (expected.isPresent()) {
      String got = headers.get(AUTHORIZATION);
      byte[] gotBytes = got == null ? new byte[0] : got.getBytes(StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(expected.get(), gotBytes)) {
        return refuse(
            call,
            remote,
            got == null
                ? "no agent token: set SWARMWATCH_AGENT_TOKEN (or _FILE) on the agent"
                : "wrong agent token: the agent's SWARMWATCH_AGENT_TOKEN differs from the collector's");
      }
    } else if (!isLoopback(remote)) {
      return refuse(
          call,
          remote,
          "this collector has no SWARMWATCH_AGENT_TOKEN, so it accepts agents on loopback only;"
              + " set the same token on collector and agents");
    }
    Context ctx = Context.current().withValue(PEER, remote == null ? null : remote.toString());
    return Contexts.interceptCall(ctx, call, headers, next);
  }

  private <Q, R> ServerCall.Listener<Q> refuse(
      ServerCall<Q, R> call, SocketAddress remote, String why) {
    call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
    String host =
        remote instanceof InetSocketAddress inet ? inet.getHostString() : String.valueOf(remote);
    long now = clock.millis();
    Long last = lastLogged.get(host + " " + why);
    if (last == null || now - last >= LOG_EVERY.toMillis()) {
      if (lastLogged.size() >= MAX_REMEMBERED) {
        lastLogged.clear();
      }
      lastLogged.put(host + " " + why, now);
      log.warn(
          "refused an agent stream from {}: {} (the same refusal from {} is logged once a minute)",
          remote,
          why,
          host);
    }
    return new ServerCall.Listener<>() {};
  }

  static boolean isLoopback(SocketAddress a) {
    if (a instanceof InetSocketAddress inet) {
      return inet.getAddress() != null && inet.getAddress().isLoopbackAddress();
    }
    // In-process transport (tests) has no network address.
    return a != null && !(a instanceof InetSocketAddress);
  }
}
