package io.swarmwatch.collector.api;

import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import java.util.Optional;

/**
 * Who may use the HTTP API.
 *
 * <ul>
 *   <li>{@code SWARMWATCH_API_TOKEN} / {@code _FILE}: bearer token for reads; none = API open
 *   <li>{@code SWARMWATCH_API_ADMIN_TOKEN} / {@code _FILE}: bearer token for reads and writes
 *       (silences)
 *   <li>{@code SWARMWATCH_METRICS_PUBLIC} = false: serve {@code /metrics} without a token even when
 *       tokens are set
 * </ul>
 */
public record ApiConfig(
    Optional<String> readToken, Optional<String> adminToken, boolean metricsPublic) {

  public static ApiConfig open() {
    return new ApiConfig(Optional.empty(), Optional.empty(), false);
  }

  public static ApiConfig from(Env env) {
    Optional<String> read = env.secret("SWARMWATCH_API_TOKEN").map(String::strip);
    Optional<String> admin = env.secret("SWARMWATCH_API_ADMIN_TOKEN").map(String::strip);
    if (read.isPresent() && read.get().isEmpty() || admin.isPresent() && admin.get().isEmpty()) {
      throw new ConfigException("SWARMWATCH_API_TOKEN / SWARMWATCH_API_ADMIN_TOKEN is empty");
    }
    if (read.isPresent() && read.equals(admin)) {
      throw new ConfigException(
          "SWARMWATCH_API_TOKEN and SWARMWATCH_API_ADMIN_TOKEN must differ (a read token that"
              + " is also the admin token would allow writes)");
    }
    return new ApiConfig(read, admin, env.bool("SWARMWATCH_METRICS_PUBLIC", false));
  }

  ApiAuth auth() {
    return new ApiAuth(readToken, adminToken, metricsPublic);
  }

  @Override
  public String toString() {
    // Never print a token.
    return "ApiConfig[readToken="
        + (readToken.isPresent() ? "set" : "none")
        + ", adminToken="
        + (adminToken.isPresent() ? "set" : "none")
        + ", metricsPublic="
        + metricsPublic
        + "]";
  }
}
