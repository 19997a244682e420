package io.swarmwatch.agent.ship;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.TlsFiles;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Everything that touches the TLS library, kept out of {@link Shipper} so a plain-text agent never
 * loads it (see {@link CollectorTls}).
 */
final class CollectorTlsContext {
  private CollectorTlsContext() {}

  /** Sets TLS on the channel; a bad certificate or key is a {@link ConfigException}. */
  static void apply(NettyChannelBuilder channel, CollectorTls tls) {
    SslContextBuilder b = GrpcSslContexts.forClient();
    if (tls.ca().isPresent()) {
      try {
        b.trustManager(tls.ca().get().toFile());
      } catch (RuntimeException e) {
        throw new ConfigException(
            "SWARMWATCH_TLS_CA_FILE=" + tls.ca().get() + ": " + TlsFiles.reason(e));
      }
    }
    if (tls.cert().isPresent()) {
      try {
        b.keyManager(tls.cert().get().toFile(), tls.key().orElseThrow().toFile());
      } catch (RuntimeException e) {
        throw new ConfigException(clientCert(tls) + ": " + TlsFiles.reason(e));
      }
    }
    try {
      channel.sslContext(b.build()).useTransportSecurity();
    } catch (SSLException | RuntimeException e) {
      throw new ConfigException(
          (tls.cert().isPresent() ? clientCert(tls) : "SWARMWATCH_TLS_CA_FILE")
              + ": "
              + TlsFiles.reason(e));
    }
  }

  private static String clientCert(CollectorTls tls) {
    return "SWARMWATCH_TLS_CERT_FILE="
        + tls.cert().orElseThrow()
        + " / SWARMWATCH_TLS_KEY_FILE="
        + tls.key().orElseThrow();
  }

  /** The TLS failure behind a failed stream, if that is what it was, with what to check. */
  static Optional<String> handshakeFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SSLException) {
        String why = TlsFiles.reason(c);
        String upper = why.toUpperCase(java.util.Locale.ROOT);
        String hint;
        if (upper.contains("CERTIFICATE_REQUIRED")) {
          hint =
              "the collector requires a client certificate (mutual TLS): set"
                  + " SWARMWATCH_TLS_CERT_FILE and SWARMWATCH_TLS_KEY_FILE";
        } else if (upper.contains("ALERT_BAD_CERTIFICATE")
            || upper.contains("ALERT_UNKNOWN_CA")
            || upper.contains("ALERT_CERTIFICATE_UNKNOWN")) {
          hint =
              "the collector refused this agent's certificate: it must be signed by the CA in the"
                  + " collector's SWARMWATCH_TLS_CLIENT_CA_FILE";
        } else {
          hint =
              "SWARMWATCH_TLS_CA_FILE must hold the CA that signed the collector's certificate, and"
                  + " that certificate must name the host in SWARMWATCH_COLLECTOR";
        }
        return Optional.of(why + "; " + hint);
      }
    }
    return Optional.empty();
  }
}
