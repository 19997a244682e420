package io.swarmwatch.collector.ingest;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import io.swarmwatch.common.TlsFiles;
import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS on the agent port, from PEM files (docker secrets in a stack). Off unless both are set:
 *
 * <ul>
 *   <li>{@code SWARMWATCH_TLS_CERT_FILE}: the collector's certificate (chain), PEM
 *   <li>{@code SWARMWATCH_TLS_KEY_FILE}: its private key, PEM (PKCS#8, or PKCS#1/SEC1)
 *   <li>{@code SWARMWATCH_TLS_CLIENT_CA_FILE} (optional): CA certificates agents' client
 *       certificates must chain to; when set, agents without one are refused (mutual TLS)
 * </ul>
 *
 * The join token is still required on top (it says which cluster; the certificate says which host).
 */
public record IngestTls(Path cert, Path key, Optional<Path> clientCa) {
  public static Optional<IngestTls> from(Env env) {
    Optional<Path> cert = TlsFiles.pem(env, "SWARMWATCH_TLS_CERT_FILE");
    Optional<Path> key = TlsFiles.pem(env, "SWARMWATCH_TLS_KEY_FILE");
    Optional<Path> clientCa = TlsFiles.pem(env, "SWARMWATCH_TLS_CLIENT_CA_FILE");
    if (cert.isPresent() != key.isPresent()) {
      throw new ConfigException(
          "TLS needs both SWARMWATCH_TLS_CERT_FILE and SWARMWATCH_TLS_KEY_FILE, only "
              + (cert.isPresent() ? "the certificate" : "the key")
              + " is set");
    }
    if (cert.isEmpty()) {
      if (clientCa.isPresent()) {
        throw new ConfigException(
            "SWARMWATCH_TLS_CLIENT_CA_FILE (mutual TLS) needs SWARMWATCH_TLS_CERT_FILE and"
                + " SWARMWATCH_TLS_KEY_FILE too");
      }
      return Optional.empty();
    }
    return Optional.of(new IngestTls(cert.get(), key.get(), clientCa));
  }

  /** Reads and checks the files; a bad certificate or key is a {@link ConfigException}. */
  public SslContext sslContext() {
    SslContextBuilder b;
    try {
      b = GrpcSslContexts.forServer(cert.toFile(), key.toFile());
    } catch (RuntimeException e) {
      throw new ConfigException(
          "SWARMWATCH_TLS_CERT_FILE="
              + cert
              + " / SWARMWATCH_TLS_KEY_FILE="
              + key
              + ": "
              + TlsFiles.reason(e));
    }
    if (clientCa.isPresent()) {
      try {
        b.trustManager(clientCa.get().toFile()).clientAuth(ClientAuth.REQUIRE);
      } catch (RuntimeException e) {
        throw new ConfigException(
            "SWARMWATCH_TLS_CLIENT_CA_FILE=" + clientCa.get() + ": " + TlsFiles.reason(e));
      }
    }
    try {
      return b.build();
    } catch (Exception e) {
      throw new ConfigException(
          "SWARMWATCH_TLS_CERT_FILE="
              + cert
              + " / SWARMWATCH_TLS_KEY_FILE="
              + key
              + ": "
              + TlsFiles.reason(e));
    }
  }

  @Override
  public String toString() {
    return clientCa.isPresent() ? "mutual TLS" : "TLS";
  }
}
