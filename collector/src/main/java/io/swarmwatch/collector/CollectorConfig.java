package io.swarmwatch.collector;

import io.swarmwatch.collector.alert.AlertsConfig;
import io.swarmwatch.collector.api.ApiConfig;
import io.swarmwatch.collector.ingest.IngestConfig;
import io.swarmwatch.collector.ingest.IngestTls;
import io.swarmwatch.collector.logs.LogStoreConfig;
import io.swarmwatch.collector.rules.RulesConfig;
import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import java.util.Optional;

/**
 * Everything the collector is configured with, read once from the environment. Defaults:
 *
 * <ul>
 *   <li>{@code SWARMWATCH_BIND} = {@code 0.0.0.0} (address both servers listen on)
 *   <li>{@code SWARMWATCH_HTTP_PORT} = 8080 (API, {@code /healthz}, {@code /readyz})
 *   <li>{@code SWARMWATCH_GRPC_PORT} = 7070 (agent ingest)
 *   <li>{@code SWARMWATCH_AGENT_TOKEN} / {@code _FILE}: none, so only loopback agents are accepted
 *   <li>TLS / mutual TLS on the gRPC port ({@code SWARMWATCH_TLS_CERT_FILE}, {@code
 *       SWARMWATCH_TLS_KEY_FILE}, {@code SWARMWATCH_TLS_CLIENT_CA_FILE}): off, see {@link
 *       IngestTls}
 *   <li>{@code SWARMWATCH_EVENTS_IN_MEMORY} = 100000 (recent events kept for the API)
 *   <li>{@code SWARMWATCH_MAX_MESSAGE_BYTES} = 16MiB (largest agent message accepted)
 *   <li>API tokens: see {@link ApiConfig}
 *   <li>Rules: see {@link RulesConfig}
 *   <li>Alerts ({@code SWARMWATCH_ALERTS}, off by default): see {@link AlertsConfig}
 *   <li>the log store ({@code SWARMWATCH_DATA_DIR}, {@code SWARMWATCH_LOGS_*}): see {@link
 *       LogStoreConfig}
 *   <li>the per-agent-stream high-water marks and the ack interval ({@code SWARMWATCH_DATA_DIR},
 *       {@code SWARMWATCH_ACK_INTERVAL}): see {@link IngestConfig}
 * </ul>
 */
public record CollectorConfig(
    String bind,
    int httpPort,
    int grpcPort,
    Optional<String> agentToken,
    int eventsInMemory,
    int maxMessageBytes,
    ApiConfig api,
    RulesConfig rules,
    Optional<AlertsConfig> alerts,
    LogStoreConfig logs,
    IngestConfig ingest,
    Optional<IngestTls> tls) {

  public static CollectorConfig from(Env env) {
    int events = env.integer("SWARMWATCH_EVENTS_IN_MEMORY", 100_000);
    if (events < 1) {
      throw new ConfigException("SWARMWATCH_EVENTS_IN_MEMORY must be >= 1");
    }
    long maxMessage = env.bytes("SWARMWATCH_MAX_MESSAGE_BYTES", 16L << 20);
    if (maxMessage < 1024 || maxMessage > Integer.MAX_VALUE) {
      throw new ConfigException("SWARMWATCH_MAX_MESSAGE_BYTES must be between 1KiB and 2GiB");
    }
    return new CollectorConfig(
        env.string("SWARMWATCH_BIND", "0.0.0.0"),
        env.port("SWARMWATCH_HTTP_PORT", 8080),
        env.port("SWARMWATCH_GRPC_PORT", 7070),
        env.secret("SWARMWATCH_AGENT_TOKEN"),
        events,
        (int) maxMessage,
        ApiConfig.from(env),
        RulesConfig.from(env),
        AlertsConfig.from(env),
        LogStoreConfig.from(env),
        IngestConfig.from(env),
        IngestTls.from(env));
  }

  @Override
  public String toString() {
    // Never print the token.
    return "CollectorConfig[bind="
        + bind
        + ", http="
        + httpPort
        + ", grpc="
        + grpcPort
        + ", agentToken="
        + (agentToken.isPresent() ? "set" : "none (loopback agents only)")
        + ", grpcTransport="
        + tls.map(IngestTls::toString).orElse("plain text")
        + ", "
        + api
        + ", alerts="
        + alerts.map(a -> a.file().toString()).orElse("off")
        + "]";
  }
}
