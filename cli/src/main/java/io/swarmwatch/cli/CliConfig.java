package io.swarmwatch.cli;

import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Durations;
import io.swarmwatch.common.Env;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything a run needs to know, from the command line first and the environment second.
 *
 * @param url the collector: {@code --url}, else {@code SWARMWATCH_URL}, else {@code
 *     http://localhost:8080}
 * @param token bearer token: {@code --token}, else {@code SWARMWATCH_API_TOKEN} or the file at
 *     {@code SWARMWATCH_API_TOKEN_FILE}; never printed
 * @param timeout to connect and to get an answer's headers ({@code --timeout}, default 10s)
 * @param json {@code -o json} / {@code --json}: the API's JSON instead of tables
 * @param color colours: on for a terminal unless {@code --no-color}, {@code NO_COLOR} or {@code
 *     TERM=dumb}
 */
record CliConfig(URI url, Optional<String> token, Duration timeout, boolean json, boolean color) {
  static final String DEFAULT_URL = "http://localhost:8080";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  @Override
  public String toString() {
    // Records print every component; this one must not print the token.
    return "CliConfig[url=" + url + ", token=" + (token.isPresent() ? "(set)" : "(none)") + "]";
  }

  static CliConfig resolve(GlobalOptions o, Env env, boolean terminal) {
    URI url = url(o.url != null ? o.url : env.string("SWARMWATCH_URL", DEFAULT_URL));
    Optional<String> token;
    if (o.token != null) {
      if (o.token.isBlank()) {
        throw new ConfigException("--token is empty");
      }
      token = Optional.of(o.token.strip());
    } else {
      token = env.secret("SWARMWATCH_API_TOKEN");
    }
    Duration timeout = DEFAULT_TIMEOUT;
    if (o.timeout != null) {
      try {
        timeout = Durations.parse(o.timeout);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--timeout: " + e.getMessage());
      }
      if (timeout.isZero()) {
        throw new ConfigException("--timeout must be more than 0");
      }
    }
    boolean json = o.json || o.output == GlobalOptions.Format.json;
    boolean color =
        terminal
            && !o.noColor
            && env.string("NO_COLOR").isEmpty()
            && !env.string("TERM", "").equals("dumb");
    return new CliConfig(url, token, timeout, json, color);
  }

  static URI url(String text) {
    String t = text.strip();
    try {
      URI u = new URI(t);
      if (u.getScheme() == null
          || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
          || u.getHost() == null) {
        throw new ConfigException(
            "the collector URL must look like http://host:8080, got '" + t + "'");
      }
      if (u.getRawQuery() != null || u.getRawFragment() != null) {
        throw new ConfigException("the collector URL must not have a query or fragment: " + t);
      }
      return u;
    } catch (URISyntaxException e) {
      throw new ConfigException("the collector URL is not a URL: '" + t + "'");
    }
  }
}
