package io.swarmwatch.collector.alert.config;

import io.swarmwatch.common.ConfigException;

/**
 * Builds the errors the alerts file gets: the file, its line and the key path, then what's wrong.
 */
final class AlertsConfigException {
  private AlertsConfigException() {}

  static ConfigException at(String source, int line, String path, String message) {
    return new ConfigException(
        source
            + (line > 0 ? " line " + line : "")
            + (path.isEmpty() ? "" : " (" + path + ")")
            + ": "
            + message);
  }
}
