package io.swarmwatch.agent.logs;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.time.Instant;
import java.util.Optional;

/** What the log reader needs to know about a container before and after following it. */
@FunctionalInterface
interface Inspector {
  /**
   * @param tty the container has a TTY: its log is unframed
   * @param running still running (a stream that ended while running is reopened)
   * @param startedAt {@code State.StartedAt}, unix ns: identifies the run
   */
  record Info(boolean tty, boolean running, long startedAt) {}

  /** Empty when the container no longer exists. */
  Optional<Info> inspect(String containerId);

  static Inspector of(DockerClient docker) {
    return id -> {
      try {
        var c = docker.inspectContainerCmd(id).exec();
        boolean tty = c.getConfig() != null && Boolean.TRUE.equals(c.getConfig().getTty());
        var state = c.getState();
        boolean running = state != null && Boolean.TRUE.equals(state.getRunning());
        long started = 0;
        if (state != null
            && state.getStartedAt() != null
            && !state.getStartedAt().startsWith("0001")) {
          Instant t = Instant.parse(state.getStartedAt());
          started = t.getEpochSecond() * 1_000_000_000L + t.getNano();
        }
        return Optional.of(new Info(tty, running, started));
      } catch (NotFoundException e) {
        return Optional.empty();
      }
    };
  }
}
