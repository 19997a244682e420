package io.swarmwatch.cli;

import io.swarmwatch.cli.alerts.AlertsCommand;
import io.swarmwatch.cli.alerts.SilenceCommand;
import io.swarmwatch.cli.client.ApiClient;
import io.swarmwatch.cli.cluster.InspectCommand;
import io.swarmwatch.cli.cluster.NodesCommand;
import io.swarmwatch.cli.cluster.PsCommand;
import io.swarmwatch.cli.cluster.ReplicasCommand;
import io.swarmwatch.cli.cluster.ServicesCommand;
import io.swarmwatch.cli.cluster.StatusCommand;
import io.swarmwatch.cli.events.EventsCommand;
import io.swarmwatch.cli.logs.LogsCommand;
import io.swarmwatch.cli.output.Output;
import io.swarmwatch.cli.output.Style;
import io.swarmwatch.common.Env;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code swarmwatch}: the root command; holds the global options and what a run is given. */
@Command(
    name = "swarmwatch",
    mixinStandardHelpOptions = true,
    // Subcommands inherit --help/--version (and the exit-code footer).
    scope = ScopeType.INHERIT,
    versionProvider = Cli.Version.class,
    description = "The swarmwatch collector's view of a Docker Swarm, in a terminal.",
    subcommands = {
      StatusCommand.class,
      NodesCommand.class,
      ServicesCommand.class,
      ReplicasCommand.class,
      PsCommand.class,
      InspectCommand.class,
      EventsCommand.class,
      LogsCommand.class,
      AlertsCommand.class,
      SilenceCommand.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  all good",
      "  1  (status) the cluster is degraded or something is flagged",
      "  2  usage or configuration error",
      "  3  the collector is unreachable, refused the request or answered an error",
      "  4  a bug in swarmwatch itself"
    })
final class SwarmwatchCommand implements Callable<Integer> {
  @Mixin GlobalOptions options = new GlobalOptions();
  @Spec CommandSpec spec;

  private final Env env;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Clock clock;
  private final boolean terminal;
  private CliConfig config;

  SwarmwatchCommand(Env env, PrintWriter out, PrintWriter err, Clock clock, boolean terminal) {
    this.env = env;
    this.out = out;
    this.err = err;
    this.clock = clock;
    this.terminal = terminal;
  }

  /** No command named: the list of commands, on stderr, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(err);
    return Cli.USAGE;
  }

  /** Resolved on first use, after parsing, so options given after the command name count. */
  CliConfig config() {
    if (config == null) {
      config = CliConfig.resolve(options, env, terminal);
    }
    return config;
  }

  ApiClient client() {
    CliConfig c = config();
    return new ApiClient(c.url(), c.token(), c.timeout());
  }

  Output output() {
    CliConfig c = config();
    return new Output(out, err, new Style(c.color()), c.json(), clock);
  }

  Style errorStyle() {
    try {
      return new Style(config().color());
    } catch (RuntimeException badConfig) {
      return new Style(false);
    }
  }

  /** The user's name for a silence's author when {@code --author} is not given. */
  String user() {
    return env.string("USER").orElse(System.getProperty("user.name", "unknown"));
  }
}
