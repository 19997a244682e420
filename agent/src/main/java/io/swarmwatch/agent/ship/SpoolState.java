package io.swarmwatch.agent.ship;

import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.SpoolDrops;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small files next to the spool's segments, each written whole to a temporary file, forced and
 * renamed over the old one: {@code stream-id} (the agent's stream identity, created once) and
 * {@code dropped} (cumulative drops: {@code <logLines> <logBytes> <logBatches> <samples>}).
 *
 * <p>and {@code seq-reserved}: seqs below it may have been handed out. The spool reserves seqs in
 * blocks of {@link #BLOCK} and a reopened spool starts at the reserved mark, so a seq that reached
 * the collector from the page cache before a power loss cut it from the segment is never reused.
 */
final class SpoolState {
  private static final Logger log = LoggerFactory.getLogger(SpoolState.class);
  static final String STREAM_FILE = "stream-id";
  static final String DROPS_FILE = "dropped";
  static final String RESERVED_FILE = "seq-reserved";
  static final long BLOCK = 100_000;

  private final Path dir;
  private final String streamId;
  private SpoolDrops drops;
  private long reserved;

  private SpoolState(Path dir, String streamId, SpoolDrops drops) {
    this.dir = dir;
    this.streamId = streamId;
    this.drops = drops;
  }

  /**
   * @param haveSegments whether segment files exist: without them the seq counter is lost, so a
   *     kept stream id would make the collector drop the new messages as already seen
   */
  static SpoolState open(Path dir, boolean haveSegments) throws IOException {
    Path f = dir.resolve(STREAM_FILE);
    String id = Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8).trim() : "";
    if (!id.isEmpty() && !haveSegments) {
      log.warn("spool: {} has a stream id but no segments: starting a new stream", dir);
      id = "";
    }
    SpoolDrops drops = SpoolDrops.getDefaultInstance();
    if (id.isEmpty()) {
      id = UUID.randomUUID().toString();
      write(dir, STREAM_FILE, id + "\n");
      Files.deleteIfExists(dir.resolve(DROPS_FILE));
    } else if (Files.exists(dir.resolve(DROPS_FILE))) {
      String[] v = Files.readString(dir.resolve(DROPS_FILE)).trim().split(" ");
      try {
        drops =
            SpoolDrops.newBuilder()
                .setLogLines(Long.parseLong(v[0]))
                .setLogBytes(Long.parseLong(v[1]))
                .setLogBatches(Long.parseLong(v[2]))
                .setSamples(Long.parseLong(v[3]))
                .build();
      } catch (RuntimeException e) {
        log.warn("spool: unreadable {}: drop counts start at 0", dir.resolve(DROPS_FILE));
      }
    }
    SpoolState st = new SpoolState(dir, id, drops);
    Path r = dir.resolve(RESERVED_FILE);
    if (haveSegments && Files.exists(r)) {
      try {
        st.reserved = Long.parseLong(Files.readString(r).trim());
      } catch (NumberFormatException e) {
        throw new IOException(r + " is unreadable: " + e.getMessage(), e);
      }
    }
    return st;
  }

  /** Seqs below this one may have been used. */
  long reserved() {
    return reserved;
  }

  /** Records that seqs up to {@code seq + BLOCK} may be used, before any of them is. */
  void reserveFrom(long seq) throws IOException {
    long upTo = seq + BLOCK;
    write(dir, RESERVED_FILE, upTo + "\n");
    reserved = upTo;
  }

  String streamId() {
    return streamId;
  }

  SpoolDrops drops() {
    return drops;
  }

  void dropped(AgentMessage m) {
    SpoolDrops.Builder b = drops.toBuilder();
    if (m.hasLogs()) {
      long bytes = 0;
      for (var l : m.getLogs().getLinesList()) {
        bytes += l.getLine().size();
      }
      b.setLogLines(b.getLogLines() + m.getLogs().getLinesCount())
          .setLogBytes(b.getLogBytes() + bytes)
          .setLogBatches(b.getLogBatches() + 1);
    } else {
      b.setSamples(b.getSamples() + 1);
    }
    drops = b.build();
  }

  void saveDrops() throws IOException {
    write(
        dir,
        DROPS_FILE,
        drops.getLogLines()
            + " "
            + drops.getLogBytes()
            + " "
            + drops.getLogBatches()
            + " "
            + drops.getSamples()
            + "\n");
  }

  private static void write(Path dir, String name, String content) throws IOException {
    Path tmp = dir.resolve(name + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      Segment.writeFully(ch, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    replace(tmp, dir.resolve(name));
  }

  /** Renames {@code tmp} over {@code target} and forces the directory entry. */
  static void replace(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDir(target.getParent());
  }

  /** Makes a created, renamed or deleted entry durable (Linux: fsync on the directory). */
  static void syncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some filesystems refuse to open a directory for fsync; the rename is still atomic.
      if (!(e instanceof java.nio.file.AccessDeniedException)) {
        log.debug("spool: cannot fsync directory {}: {}", dir, e.toString());
      }
    }
  }
}
