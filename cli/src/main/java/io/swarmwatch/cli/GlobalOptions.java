package io.swarmwatch.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options every command takes, before or after its name ({@code swarmwatch -o json status} and
 * {@code swarmwatch status -o json} mean the same). Inherited options keep one binding: the values
 * land here whichever command they were given to.
 */
final class GlobalOptions {
  enum Format {
    table,
    json
  }

  @Option(
      names = "--url",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      description = "The collector (default: $SWARMWATCH_URL, else " + CliConfig.DEFAULT_URL + ").")
  String url;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      scope = ScopeType.INHERIT,
      description =
          "API bearer token (default: $SWARMWATCH_API_TOKEN or the file at"
              + " $SWARMWATCH_API_TOKEN_FILE).")
  String token;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      scope = ScopeType.INHERIT,
      description = "table (default) or json: the API's JSON, for scripts.")
  Format output;

  @Option(names = "--json", scope = ScopeType.INHERIT, description = "Same as -o json.")
  boolean json;

  @Option(
      names = "--no-color",
      scope = ScopeType.INHERIT,
      description = "No colours (also off when $NO_COLOR is set or output is not a terminal).")
  boolean noColor;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      scope = ScopeType.INHERIT,
      description = "How long to wait for the collector, e.g. 5s (default 10s).")
  String timeout;
}
