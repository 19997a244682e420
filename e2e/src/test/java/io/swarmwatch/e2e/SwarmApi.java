package io.swarmwatch.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmwatch.testing.Cmd;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The collector's API as published on the test swarm's manager node. The node's address is private
 * to its network namespace (nothing of the test swarm touches the host's network), so requests are
 * made from inside that namespace with busybox's wget, to the port the stack publishes there.
 * (Debian's busybox-static wget crashes with {@code -T}; the command's own deadline bounds it.)
 */
final class SwarmApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private final String namespace;
  private final int port;
  private final String token;

  SwarmApi(String namespace, int port, String token) {
    this.namespace = namespace;
    this.port = port;
    this.token = token;
  }

  /** GET that must answer 200 with JSON; fails the test with wget's message otherwise. */
  JsonNode ok(String pathAndQuery) {
    String body =
        Cmd.ok(
            Map.of(),
            TIMEOUT,
            wget(pathAndQuery, "-", "--header", "Authorization: Bearer " + token));
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("GET " + pathAndQuery + ": not JSON: " + body, e);
    }
  }

  /** Whether the path answers 2xx without a token (wget exits non-zero on 4xx/5xx). */
  boolean answersWithoutToken(String path) {
    return Cmd.run(Map.of(), TIMEOUT, wget(path, "/dev/null")).ok();
  }

  private List<String> wget(String pathAndQuery, String output, String... options) {
    List<String> cmd =
        new ArrayList<>(
            List.of("ip", "netns", "exec", namespace, "/bin/busybox", "wget", "-q", "-O", output));
    cmd.addAll(List.of(options));
    cmd.add("http://127.0.0.1:" + port + pathAndQuery);
    return cmd;
  }
}
