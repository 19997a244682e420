package io.swarmwatch.agent.ship;

import java.time.Duration;
import java.util.Optional;

/**
 * How the agent reaches the collector.
 *
 * @param target gRPC target, {@code host:port} (DNS names such as {@code tasks.collector} work)
 * @param token join token sent as {@code authorization: Bearer …}; empty sends none
 * @param backoffMin first wait after a failed connection
 * @param backoffMax ceiling of the exponential backoff
 * @param rejectedBackoff least wait after the collector refused the token
 * @param helloTimeout how long the collector has to acknowledge Hello
 * @param keepAlive gRPC keepalive ping interval
 * @param tls TLS to the collector; empty for plain text
 */
public record ShipperConfig(
    String target,
    Optional<String> token,
    Duration backoffMin,
    Duration backoffMax,
    Duration rejectedBackoff,
    Duration helloTimeout,
    Duration keepAlive,
    Optional<CollectorTls> tls) {
  /** Plain text to the collector. */
  public ShipperConfig(
      String target,
      Optional<String> token,
      Duration backoffMin,
      Duration backoffMax,
      Duration rejectedBackoff,
      Duration helloTimeout,
      Duration keepAlive) {
    this(
        target,
        token,
        backoffMin,
        backoffMax,
        rejectedBackoff,
        helloTimeout,
        keepAlive,
        Optional.empty());
  }

  @Override
  public String toString() {
    // Never print the token.
    return "ShipperConfig[target="
        + target
        + ", token="
        + (token.isPresent() ? "set" : "none")
        + ", "
        + tls.map(CollectorTls::toString).orElse("plain text")
        + "]";
  }
}
