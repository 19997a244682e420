package io.swarmwatch.cli;

import io.swarmwatch.common.Env;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** {@code java -jar swarmwatch-cli.jar …}: see {@link Cli}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // The file descriptor itself, not System.out: PrintStream swallows a closed pipe's error, and
    // `swarmwatch logs -f | head` must notice that its reader is gone.
    PrintWriter out =
        new PrintWriter(
            new OutputStreamWriter(
                new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8));
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8));
    // System.console() is null when stdout or stdin is redirected: no colours into pipes.
    boolean terminal = System.console() != null;
    System.exit(Cli.run(args, Env.system(), out, err, Clock.systemUTC(), terminal));
  }
}
