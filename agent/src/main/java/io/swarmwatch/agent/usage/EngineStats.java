package io.swarmwatch.agent.usage;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The fallback source: the Engine's own stats, for containers whose cgroup files can't be read. */
interface EngineStats extends AutoCloseable {

  /** Releases the threads it may hold. */
  @Override
  default void close() {}

  /**
   * Reads the given containers, in that order (the sampler puts the longest-unsampled first), as
   * many as fit in the budget.
   *
   * @return one reply per container read or tried; a container missing from the map was not tried
   *     in time
   * @throws InterruptedException if the sampler is closing
   */
  Map<String, Reply> read(List<String> containerIds, Duration budget) throws InterruptedException;

  /**
   * The outcome for one container.
   *
   * @param usage the reading, or null
   * @param error why there is no reading; null with a null usage means the container is gone (not
   *     running, or removed): skipped quietly like a vanished cgroup
   */
  record Reply(RawUsage usage, String error) {
    static final Reply GONE = new Reply(null, null);

    static Reply of(RawUsage usage) {
      return new Reply(usage, null);
    }

    static Reply failed(String error) {
      return new Reply(null, error);
    }
  }
}
