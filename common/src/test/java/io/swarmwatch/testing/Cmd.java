package io.swarmwatch.testing;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion with a deadline, its output captured (for tests and their tools).
 */
public final class Cmd {
  private Cmd() {}

  public record Result(int exit, String out, String err) {
    public boolean ok() {
      return exit == 0;
    }
  }

  public static Result run(Map<String, String> env, Duration timeout, List<String> cmd) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(new File("/dev/null"));
      pb.environment().putAll(env);
      Process p = pb.start();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        return new Result(-1, out.getNow(""), "timed out after " + timeout + ": " + cmd);
      }
      return new Result(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      return new Result(-1, "", "cannot run " + cmd.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + cmd, e);
    }
  }

  /** Like {@link #run} but fails the test, with stderr, on a non-zero exit; returns stdout. */
  public static String ok(Map<String, String> env, Duration timeout, List<String> cmd) {
    Result r = run(env, timeout, cmd);
    if (!r.ok()) {
      throw new AssertionError(
          String.join(" ", cmd)
              + " failed ("
              + r.exit()
              + "):\n"
              + r.err().strip()
              + "\n"
              + r.out());
    }
    return r.out().strip();
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
