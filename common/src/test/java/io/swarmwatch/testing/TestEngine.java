package io.swarmwatch.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real Docker Engine the integration tests run against: the one {@code scripts/test-engine.sh
 * up} started or found, reached through {@code DOCKER_HOST}.
 *
 * <p>Tests drive it with the docker CLI (the tests may change the Engine; the agent never does). If
 * the Engine is missing, {@link #require} fails the test with the reason: integration tests never
 * skip.
 */
public final class TestEngine {
  private static volatile String checkedHost;

  private TestEngine() {}

  /** Fails with a clear message unless an Engine in swarm mode answers at DOCKER_HOST. */
  public static String require() {
    String host = System.getenv("DOCKER_HOST");
    if (host == null || host.isBlank()) {
      throw new AssertionError(
          "DOCKER_HOST is not set: integration tests need the test Engine. Run the tests with"
              + " scripts/test.sh (it starts the Engine), or export the DOCKER_HOST printed by"
              + " scripts/test-engine.sh up");
    }
    if (host.equals(checkedHost)) {
      return host;
    }
    Cmd.Result r =
        run(
            List.of(
                cli(), "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}"),
            30);
    if (r.exit() != 0) {
      throw new AssertionError(
          "no Docker Engine answers at DOCKER_HOST="
              + host
              + ": "
              + r.err().strip()
              + " (start it with scripts/test-engine.sh up)");
    }
    if (!r.out().strip().equals("active true")) {
      throw new AssertionError(
          "the Engine at " + host + " is not a swarm manager (state: " + r.out().strip() + ")");
    }
    checkedHost = host;
    return host;
  }

  /** Runs the docker CLI; returns trimmed stdout; throws with stderr on a non-zero exit. */
  public static String docker(String... args) {
    require();
    List<String> cmd = new ArrayList<>();
    cmd.add(cli());
    cmd.addAll(List.of(args));
    Cmd.Result r = run(cmd, 120);
    if (r.exit() != 0) {
      throw new AssertionError(
          "docker " + String.join(" ", args) + " failed (" + r.exit() + "): " + r.err().strip());
    }
    return r.out().strip();
  }

  /** Like {@link #docker} but ignores failure (for cleanup). */
  public static void dockerQuietly(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(cli());
    cmd.addAll(List.of(args));
    run(cmd, 60);
  }

  /** The swarm node id of the test Engine. */
  public static String nodeId() {
    return docker("info", "--format", "{{.Swarm.NodeID}}");
  }

  public static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The docker.io client matches its daemon; a newer client elsewhere on PATH may not. */
  public static String cli() {
    return Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker";
  }

  private static Cmd.Result run(List<String> cmd, int timeoutSeconds) {
    return Cmd.run(Map.of(), Duration.ofSeconds(timeoutSeconds), cmd);
  }
}
