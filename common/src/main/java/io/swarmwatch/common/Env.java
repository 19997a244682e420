package io.swarmwatch.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Reads configuration from environment variables. Components build their config record from one of
 * these at start-up; nothing deeper in the code reads the environment.
 *
 * <p>Secrets follow the docker-secret convention: {@code NAME} or {@code NAME_FILE} (a path whose
 * contents, less a trailing newline, are the value). Secret values never appear in messages.
 */
public final class Env {
  private final Map<String, String> vars;

  public Env(Map<String, String> vars) {
    this.vars = Map.copyOf(vars);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  public Optional<String> string(String name) {
    String v = vars.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  public String string(String name, String fallback) {
    return string(name).orElse(fallback);
  }

  public int port(String name, int fallback) {
    int p = integer(name, fallback);
    if (p < 0 || p > 65535) {
      throw new ConfigException(name + " must be a TCP port (0-65535), got " + p);
    }
    return p;
  }

  public int integer(String name, int fallback) {
    return string(name)
        .map(
            v -> {
              try {
                return Integer.parseInt(v);
              } catch (NumberFormatException e) {
                throw new ConfigException(name + " must be an integer, got '" + v + "'");
              }
            })
        .orElse(fallback);
  }

  public boolean bool(String name, boolean fallback) {
    return string(name)
        .map(
            v ->
                switch (v.toLowerCase(java.util.Locale.ROOT)) {
                  case "true", "1", "yes", "on" -> true;
                  case "false", "0", "no", "off" -> false;
                  default ->
                      throw new ConfigException(name + " must be true or false, got '" + v + "'");
                })
        .orElse(fallback);
  }

  public long bytes(String name, long fallback) {
    return string(name).map(v -> Sizes.parseBytes(name, v)).orElse(fallback);
  }

  public Duration duration(String name, Duration fallback) {
    return string(name)
        .map(
            v -> {
              try {
                return Durations.parse(v);
              } catch (IllegalArgumentException e) {
                throw new ConfigException(name + ": " + e.getMessage());
              }
            })
        .orElse(fallback);
  }

  /** {@code NAME} or the contents of the file at {@code NAME_FILE}; setting both is an error. */
  public Optional<String> secret(String name) {
    Optional<String> direct = string(name);
    Optional<String> file = string(name + "_FILE");
    if (direct.isPresent() && file.isPresent()) {
      throw new ConfigException("set " + name + " or " + name + "_FILE, not both");
    }
    if (file.isEmpty()) {
      return direct;
    }
    Path path = Path.of(file.get());
    try {
      String value = Files.readString(path, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new ConfigException(name + "_FILE points at an empty file: " + path);
      }
      return Optional.of(value);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read " + name + "_FILE (" + path + "): " + e.getClass().getSimpleName());
    }
  }
}
