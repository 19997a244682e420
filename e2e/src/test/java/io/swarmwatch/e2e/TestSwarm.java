package io.swarmwatch.e2e;

import io.swarmwatch.testing.Cmd;
import io.swarmwatch.testing.TestEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The multi-node swarm of {@code scripts/test-swarm.sh}: several real dockerd on this machine, one
 * per network namespace. Node 1 is the manager. Closing it removes everything the script made.
 */
final class TestSwarm implements AutoCloseable {
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);
  private final Path repo;
  private boolean closed;

  private TestSwarm(Path repo) {
    this.repo = repo;
  }

  /**
   * Brings up a fresh swarm of {@code nodes} nodes (one left by an interrupted run is removed
   * first); fails the test with the script's reason if it cannot.
   */
  static TestSwarm up(Path repo, int nodes) {
    TestSwarm swarm = new TestSwarm(repo);
    swarm.script(Map.of(), "down");
    swarm.script(Map.of("SWARMWATCH_SWARM_NODES", Integer.toString(nodes)), "up");
    return swarm;
  }

  /** Adds nodes up to {@code nodes} (the script's `up` starts what is missing). */
  void grow(int nodes) {
    script(Map.of("SWARMWATCH_SWARM_NODES", Integer.toString(nodes)), "up");
  }

  void stopNode(int n) {
    script(Map.of(), "stop-node", Integer.toString(n));
  }

  void startNode(int n) {
    script(Map.of(), "start-node", Integer.toString(n));
  }

  /** Copies images from the Engine at {@code fromDockerHost} into every running node. */
  void load(String fromDockerHost, String... images) {
    List<String> args = new ArrayList<>(List.of("load"));
    args.addAll(List.of(images));
    script(Map.of("DOCKER_HOST", fromDockerHost), args.toArray(String[]::new));
  }

  String dockerHost(int n) {
    return script(Map.of(), "host", Integer.toString(n));
  }

  /** The docker CLI against node {@code n}; fails the test on a non-zero exit. */
  String docker(int n, String... args) {
    List<String> cmd = new ArrayList<>(List.of(TestEngine.cli()));
    cmd.addAll(List.of(args));
    return Cmd.ok(Map.of("DOCKER_HOST", dockerHost(n)), Duration.ofMinutes(2), cmd);
  }

  String script(Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>(List.of(repo.resolve("scripts/test-swarm.sh").toString()));
    cmd.addAll(List.of(args));
    return Cmd.ok(env, SCRIPT_TIMEOUT, cmd);
  }

  /** Idempotent: stops every node and removes every namespace, directory and mount it made. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    script(Map.of(), "down");
  }
}
