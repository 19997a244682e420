package io.swarmwatch.cli;

import io.swarmwatch.cli.client.ApiClient;
import io.swarmwatch.cli.output.Output;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the collector. Subclasses implement {@link #run} and return the exit
 * code; failures are exceptions ({@code CollectorException} → 3, {@link #usage} → 2), turned into
 * messages by {@link Cli}.
 */
public abstract class ApiCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  @Override
  public final Integer call() {
    SwarmwatchCommand root = root();
    Output out = root.output();
    return run(root.client(), out);
  }

  protected abstract int run(ApiClient api, Output out);

  /** A usage error of this command (exit code 2). */
  protected ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Who is running this, for records that name their author. */
  protected String user() {
    return root().user();
  }

  private SwarmwatchCommand root() {
    return (SwarmwatchCommand) spec.root().userObject();
  }
}
