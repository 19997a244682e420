package io.swarmwatch.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged {@code swarmwatch} command line run as a real process, as an operator would: its
 * stdout and stderr in files, its exit code. The environment is the test's without any {@code
 * SWARMWATCH_*} variable, plus what the test gives.
 */
final class CliProcess implements AutoCloseable {
  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Process process;
  private final Path out;
  private final Path err;

  private CliProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Runs to the end (at most 90 s: JVM start-up on a loaded test machine is slow). */
  static Result run(Map<String, String> env, String... args) {
    try (CliProcess p = start(env, args)) {
      return p.await();
    }
  }

  static CliProcess start(Map<String, String> env, String... args) {
    String jar = System.getProperty("swarmwatch.cli.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new AssertionError(
          "packaged CLI missing (swarmwatch.cli.jar=" + jar + "): run through Maven's verify");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar));
    cmd.addAll(List.of(args));
    try {
      Path dir = Files.createDirectories(Path.of("target", "e2e-logs"));
      Path out = Files.createTempFile(dir, "cli-", ".out");
      Path err = Files.createTempFile(dir, "cli-", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().keySet().removeIf(k -> k.startsWith("SWARMWATCH_"));
      pb.environment().putAll(env);
      return new CliProcess(pb.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the CLI", e);
    }
  }

  String stdout() {
    return read(out);
  }

  String stderr() {
    return read(err);
  }

  boolean alive() {
    return process.isAlive();
  }

  Result await() {
    try {
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the CLI did not finish in 90 s:\n" + stdout() + stderr());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return new Result(process.exitValue(), stdout(), stderr());
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + p + ")";
    }
  }
}
