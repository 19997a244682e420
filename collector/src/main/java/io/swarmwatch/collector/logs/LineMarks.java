package io.swarmwatch.collector.logs;

import io.swarmwatch.common.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which line numbers of each container are stored, as merged ranges, so a batch the agent sends
 * again (its acknowledgement was lost with a stream) is not stored twice, whatever order the resent
 * and the newer batches arrive in. Persisted next to the index after each commit ({@code
 * line-marks}: a first line {@code #seq <n>}, the store's last {@code seq} when the marks were
 * copied, then {@code <container> <from>-<to> …} per line), so it holds across restarts. The lines
 * a commit took in after the copy are marked again from the index when the store opens.
 *
 * <p>Thread-safe (callers hold the store's write lock anyway).
 */
final class LineMarks {
  // Past this many separate ranges (gaps that never filled) the oldest are merged, so a container
  // can't grow this without bound.
  private static final int MAX_RANGES = 64;
  // Not a container id (those are hex), so old readers' and new files can't be confused.
  private static final String SEQ = "#seq";

  private final Path file;
  private final Map<String, TreeMap<Long, Long>> ranges = new HashMap<>();
  private final long savedSeq;

  LineMarks(Path file) throws IOException {
    this.file = file;
    long seq = 0;
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] f = line.trim().split(" ");
        if (f.length < 2) {
          continue;
        }
        if (f[0].equals(SEQ)) {
          seq = Long.parseLong(f[1]);
          continue;
        }
        TreeMap<Long, Long> m = new TreeMap<>();
        for (int i = 1; i < f.length; i++) {
          int dash = f[i].indexOf('-');
          if (dash > 0) {
            m.put(
                Long.parseLong(f[i].substring(0, dash)), Long.parseLong(f[i].substring(dash + 1)));
          }
        }
        ranges.put(f[0], m);
      }
    }
    this.savedSeq = seq;
  }

  /**
   * The {@code seq} the loaded file covers: every line stored with a {@code seq} up to it is
   * marked; lines with a higher one may be in the index (committed after the copy) but not marked.
   * 0 for a file written before the marks carried it, or none.
   */
  long savedSeq() {
    return savedSeq;
  }

  /** True if the line is new (and now marked); false if it was stored before. */
  synchronized boolean mark(String container, long lineNo) {
    if (lineNo <= 0) {
      return true; // an agent that doesn't number lines: nothing to deduplicate by
    }
    TreeMap<Long, Long> m = ranges.computeIfAbsent(container, k -> new TreeMap<>());
    var floor = m.floorEntry(lineNo);
    if (floor != null && floor.getValue() >= lineNo) {
      return false;
    }
    long from = lineNo;
    long to = lineNo;
    if (floor != null && floor.getValue() == lineNo - 1) {
      from = floor.getKey();
    }
    Long next = m.get(lineNo + 1);
    if (next != null) {
      to = next;
      m.remove(lineNo + 1);
    }
    m.put(from, to);
    while (m.size() > MAX_RANGES) {
      var first = m.pollFirstEntry();
      var second = m.pollFirstEntry();
      m.put(first.getKey(), second.getValue());
    }
    return true;
  }

  /**
   * The marks as of now, in the file's format; {@code seq} is the store's last assigned one, so the
   * copy covers exactly the lines numbered up to it (the caller holds appends off).
   */
  synchronized String snapshot(long seq) {
    StringBuilder sb = new StringBuilder();
    sb.append(SEQ).append(' ').append(seq).append('\n');
    ranges.forEach(
        (c, m) -> {
          sb.append(c);
          m.forEach((f, t) -> sb.append(' ').append(f).append('-').append(t));
          sb.append('\n');
        });
    return sb.toString();
  }

  /** Saves what {@link #snapshot} returned, atomically (a crash leaves the old file or this). */
  void save(String snapshot) throws IOException {
    AtomicFiles.write(file, snapshot.getBytes(StandardCharsets.UTF_8));
  }
}
