package io.swarmwatch.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A packaged swarmwatch jar running as a real process, its output in a log file. */
final class JarProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private JarProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static JarProcess start(String name, String jarProperty, Map<String, String> env) {
    String jar = System.getProperty(jarProperty);
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new AssertionError(
          "packaged jar missing ("
              + jarProperty
              + "="
              + jar
              + "): run through Maven's verify phase");
    }
    try {
      Path dir = Path.of("target", "e2e-logs");
      Files.createDirectories(dir);
      Path log = dir.resolve(name + "-" + System.currentTimeMillis() + ".log");
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-jar");
      cmd.add(jar);
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().putAll(env);
      // State the test didn't place itself goes under target/, never into the source tree (the
      // jars' defaults, ./data and ./spool, are relative to the working directory, e2e/).
      Path state = dir.resolve(name + "-" + System.nanoTime());
      pb.environment().putIfAbsent("SWARMWATCH_DATA_DIR", state.resolve("data").toString());
      pb.environment().putIfAbsent("SWARMWATCH_SPOOL_DIR", state.resolve("spool").toString());
      return new JarProcess(name, pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** SIGTERM, as `docker stop` would send; returns the exit code, or -1 if it had to be killed. */
  int stop() throws InterruptedException {
    if (!process.isAlive()) {
      return process.exitValue();
    }
    process.destroy();
    if (process.waitFor(15, TimeUnit.SECONDS)) {
      return process.exitValue();
    }
    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    return -1;
  }

  /** SIGKILL: the process dies on the spot, as in a crash or a node losing power. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * SIGSTOP: the process is frozen where it stands (its JIT-compiled code, heap and connections
   * kept) until {@link #resume}.
   */
  void pause() throws InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}. */
  void resume() throws InterruptedException {
    signal("CONT");
  }

  private void signal(String sig) throws InterruptedException {
    try {
      int rc =
          new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start().waitFor();
      if (rc != 0) {
        throw new AssertionError("kill -" + sig + " " + process.pid() + " exited " + rc);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot signal " + name, e);
    }
  }

  /** The exit code once it has exited by itself within the timeout; -1 if still running. */
  int awaitExit(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  @Override
  public String toString() {
    return name + " (log " + log + ")";
  }
}
