package io.swarmwatch.cli;

import io.swarmwatch.cli.client.CollectorException;
import io.swarmwatch.cli.output.Output;
import io.swarmwatch.cli.output.Style;
import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import java.io.PrintWriter;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;

/**
 * Runs one command line and says how it went as an exit code. Every failure becomes one line on
 * stderr, never a stack trace: usage and configuration errors exit 2, the collector's 3, a bug in
 * swarmwatch 4.
 */
public final class Cli {
  public static final int OK = 0;
  public static final int DEGRADED = 1;
  public static final int USAGE = 2;
  public static final int API = 3;
  public static final int BUG = 4;

  private Cli() {}

  /**
   * @param terminal whether {@code out} is a terminal (colours are for terminals only)
   */
  public static int run(
      String[] args, Env env, PrintWriter out, PrintWriter err, Clock clock, boolean terminal) {
    SwarmwatchCommand root = new SwarmwatchCommand(env, out, err, clock, terminal);
    CommandLine cl = new CommandLine(root);
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(
        (ParameterException e, String[] a) -> {
          CommandLine failed = e.getCommandLine();
          err.println("swarmwatch: " + e.getMessage());
          err.println("Run '" + failed.getCommandSpec().qualifiedName() + " --help' for usage.");
          err.flush();
          return USAGE;
        });
    cl.setExecutionExceptionHandler(
        (e, failed, parsed) -> {
          Style style = root.errorStyle();
          if (e instanceof Output.Closed) {
            return OK; // the reader has what it wanted
          }
          if (e instanceof CollectorException) {
            return fail(err, style, e.getMessage(), API);
          }
          if (e instanceof ConfigException) {
            return fail(err, style, e.getMessage(), USAGE);
          }
          if (e instanceof ParameterException p) {
            return cl.getParameterExceptionHandler().handleParseException(p, args);
          }
          return fail(err, style, "unexpected error (a bug in swarmwatch): " + e, BUG);
        });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static int fail(PrintWriter err, Style style, String message, int code) {
    err.println(style.bad("swarmwatch: ") + message);
    err.flush();
    return code;
  }

  /** The version from the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Cli.class.getPackage().getImplementationVersion();
      return new String[] {"swarmwatch " + (v == null ? "(development build)" : v)};
    }
  }
}
