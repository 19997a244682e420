package io.swarmwatch.agent.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.core.DockerClientConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads Engine API JSON the way docker-java does on the wire: with the ObjectMapper that {@code
 * DockerClientConfig.getObjectMapper()} hands to the transport (the same instance as {@code
 * createDefaultConfigBuilder().build().getObjectMapper()}, without reading DOCKER_* from the
 * environment).
 */
final class DockerJson {
  private static final ObjectMapper MAPPER = DockerClientConfig.getDefaultObjectMapper();

  private DockerJson() {}

  static <T> T parse(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fixture under {@code src/test/resources/docker/}. */
  static <T> T resource(String name, Class<T> type) {
    try (InputStream in = DockerJson.class.getResourceAsStream("/docker/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource /docker/" + name);
      }
      return MAPPER.readValue(in, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
