package io.swarmwatch.collector.api;

/**
 * A feature's slice of the HTTP API (alerts, logs, rules, …): it registers its routes with a {@link
 * Router} and documents them in an OpenAPI fragment. Feature packages own their handlers; {@link
 * HttpApiServer} owns HTTP, auth and errors.
 */
public interface ApiModule {
  void routes(Router router);

  /**
   * A classpath resource (absolute, e.g. {@code /io/swarmwatch/collector/alert/openapi.json})
   * holding an OpenAPI 3 object whose {@code paths} and {@code components/schemas} are merged into
   * the served document; null when the module documents nothing.
   */
  default String openApiResource() {
    return null;
  }
}
