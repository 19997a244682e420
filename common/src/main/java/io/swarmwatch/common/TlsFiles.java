package io.swarmwatch.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Certificate and key files named by environment variables ({@code SWARMWATCH_TLS_*_FILE}, docker
 * secrets in a stack), checked at start so that a missing, unreadable or non-PEM file stops the
 * process with one line naming the variable and the path, not a stack trace from the TLS library on
 * the first connection. Contents are never printed (a key is a secret).
 */
public final class TlsFiles {
  private TlsFiles() {}

  /** The file {@code name} points to, checked; empty when the variable is not set. */
  public static Optional<Path> pem(Env env, String name) {
    return env.string(name).map(v -> check(name, Path.of(v)));
  }

  static Path check(String name, Path p) {
    String where = name + "=" + p;
    if (!Files.exists(p)) {
      throw new ConfigException(where + ": no such file");
    }
    if (!Files.isRegularFile(p)) {
      throw new ConfigException(where + ": not a file");
    }
    if (!Files.isReadable(p)) {
      throw new ConfigException(where + ": cannot be read by this user (check its permissions)");
    }
    String text;
    try {
      text = Files.readString(p, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new ConfigException(where + ": cannot be read (" + e.getMessage() + ")");
    }
    if (!text.contains("-----BEGIN ")) {
      throw new ConfigException(where + ": not a PEM file (no -----BEGIN line)");
    }
    return p;
  }

  /**
   * A TLS library's exception in one line: its own message and, when different, the innermost
   * cause's (e.g. "File does not contain valid certificates: /run/secrets/cert (Empty input)").
   */
  public static String reason(Throwable e) {
    String outer = e.getMessage();
    String inner = null;
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null) {
        inner = c.getMessage();
      }
    }
    if (outer == null) {
      return inner == null ? e.getClass().getSimpleName() : inner;
    }
    return inner == null || outer.contains(inner) ? outer : outer + " (" + inner + ")";
  }
}
