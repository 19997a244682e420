package io.swarmwatch.agent.ship;

import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import io.swarmwatch.common.TlsFiles;
import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS to the collector, from PEM files (docker secrets in a stack). Off (plain text) unless one of
 * these is set:
 *
 * <ul>
 *   <li>{@code SWARMWATCH_TLS_CA_FILE}: the CA certificate(s) the collector's certificate must
 *       chain to
 *   <li>{@code SWARMWATCH_TLS} = {@code true}: TLS trusting the JVM's CA bundle (a collector with a
 *       publicly issued certificate)
 *   <li>{@code SWARMWATCH_TLS_CERT_FILE} and {@code SWARMWATCH_TLS_KEY_FILE}: this agent's client
 *       certificate and key, for a collector that requires them (mutual TLS)
 * </ul>
 *
 * <p>This record holds paths only; the TLS context is built by {@link CollectorTlsContext}, so an
 * agent without TLS never loads the TLS classes (they cost start time and memory on every node).
 *
 * @param ca trust anchors; empty trusts the JVM's default CA bundle
 */
public record CollectorTls(Optional<Path> ca, Optional<Path> cert, Optional<Path> key) {
  public static Optional<CollectorTls> from(Env env) {
    Optional<Path> ca = TlsFiles.pem(env, "SWARMWATCH_TLS_CA_FILE");
    Optional<Path> cert = TlsFiles.pem(env, "SWARMWATCH_TLS_CERT_FILE");
    Optional<Path> key = TlsFiles.pem(env, "SWARMWATCH_TLS_KEY_FILE");
    if (cert.isPresent() != key.isPresent()) {
      throw new ConfigException(
          "a client certificate needs both SWARMWATCH_TLS_CERT_FILE and SWARMWATCH_TLS_KEY_FILE,"
              + " only "
              + (cert.isPresent() ? "the certificate" : "the key")
              + " is set");
    }
    boolean files = ca.isPresent() || cert.isPresent();
    boolean on = env.bool("SWARMWATCH_TLS", files);
    if (!on && files) {
      throw new ConfigException(
          "SWARMWATCH_TLS=false, but SWARMWATCH_TLS_CA_FILE or SWARMWATCH_TLS_CERT_FILE is set");
    }
    return on ? Optional.of(new CollectorTls(ca, cert, key)) : Optional.empty();
  }

  @Override
  public String toString() {
    return (cert.isPresent() ? "mutual TLS" : "TLS")
        + " ("
        + ca.map(p -> "CA " + p).orElse("system CAs")
        + ")";
  }
}
