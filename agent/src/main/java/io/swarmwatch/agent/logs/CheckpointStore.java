package io.swarmwatch.agent.logs;

import io.swarmwatch.common.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every container's {@link Checkpoint}, in one text file in the spool directory ({@code
 * logs-checkpoints}: one line {@code <containerId> <timeNanos> <atTime> <lineNo> <drainedRun>} per
 * container), rewritten as a whole with {@link AtomicFiles}, so a crash leaves either the old or
 * the new file, never half of one.
 *
 * <p>Not thread-safe: owned by the log reactor thread.
 */
final class CheckpointStore {
  private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);
  static final String FILE = "logs-checkpoints";

  private final Path file;
  private final Map<String, Checkpoint> checkpoints = new HashMap<>();
  private boolean dirty;
  private long writes;

  /**
   * @throws UncheckedIOException if the directory can't be created or the file can't be read
   */
  CheckpointStore(Path dir) {
    this.file = dir.resolve(FILE);
    try {
      Files.createDirectories(dir);
      if (Files.exists(file)) {
        load(Files.readAllLines(file, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read log checkpoints in " + dir + ": " + e, e);
    }
  }

  private void load(List<String> lines) {
    int bad = 0;
    for (String line : lines) {
      String[] f = line.trim().split(" ");
      if (f.length != 5) {
        bad += line.isBlank() ? 0 : 1;
        continue;
      }
      try {
        checkpoints.put(
            f[0],
            new Checkpoint(
                Long.parseLong(f[1]),
                Integer.parseInt(f[2]),
                Long.parseLong(f[3]),
                Long.parseLong(f[4])));
      } catch (NumberFormatException e) {
        bad++;
      }
    }
    if (bad > 0) {
      log.warn("{}: ignored {} unreadable lines", file, bad);
    }
  }

  Checkpoint get(String containerId) {
    return checkpoints.getOrDefault(containerId, Checkpoint.START);
  }

  Map<String, Checkpoint> all() {
    return Map.copyOf(checkpoints);
  }

  void put(String containerId, Checkpoint c) {
    if (!c.equals(checkpoints.put(containerId, c))) {
      dirty = true;
    }
  }

  void remove(String containerId) {
    if (checkpoints.remove(containerId) != null) {
      dirty = true;
    }
  }

  /** Times the file was written since start. */
  long writes() {
    return writes;
  }

  /** Writes the file if anything changed since the last flush. */
  void flush() throws IOException {
    if (!dirty) {
      return;
    }
    StringBuilder sb = new StringBuilder(checkpoints.size() * 100);
    checkpoints.forEach(
        (id, c) ->
            sb.append(id)
                .append(' ')
                .append(c.timeNanos())
                .append(' ')
                .append(c.atTime())
                .append(' ')
                .append(c.lineNo())
                .append(' ')
                .append(c.drainedRun())
                .append('\n'));
    AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    dirty = false;
    writes++;
  }
}
