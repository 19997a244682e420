package io.swarmwatch.common;

/** A configuration value is missing or malformed. The message is shown to the operator as is. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
