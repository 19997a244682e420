package io.swarmwatch.collector.alert.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pending notifications on disk, one file each under {@code <data>/alerts/pending}. Crash-safe: a
 * file is written under a temporary name, forced to disk, then renamed atomically (and the
 * directory forced), so after a crash a file is either whole or absent; leftover temporaries are
 * removed at start. File names start with the creation time so a restart re-sends in order.
 */
public final class PendingStore {
  private static final Logger log = LoggerFactory.getLogger(PendingStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  public PendingStore(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** Writes (or rewrites, after an attempt) one pending notification durably. */
  public void save(Pending p) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", p.id());
    o.put("receiver", p.receiver());
    o.put("incidentId", p.incidentId());
    o.put("rule", p.rule());
    o.put("service", p.service());
    o.put("kind", p.kind());
    o.put("createdAt", p.createdAt().toString());
    o.put("attempt", p.attempt());
    o.put("query", p.query());
    o.put("body", new String(p.body(), StandardCharsets.UTF_8));
    Path target = file(p);
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    try {
      byte[] bytes = JSON.writeValueAsBytes(o);
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      forceDir();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write pending notification " + target, e);
    }
  }

  public void remove(Pending p) {
    try {
      Files.deleteIfExists(file(p));
    } catch (IOException e) {
      // Left behind it would be re-sent after a restart: a duplicate, not a loss. Say so.
      log.warn("cannot remove delivered notification {}: {}", file(p), e.toString());
    }
  }

  /** Everything pending, oldest first. Unreadable files are moved aside and logged, not fatal. */
  public List<Pending> load() {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    List<Pending> out = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      try {
        if (name.endsWith(".tmp")) {
          Files.deleteIfExists(f); // an interrupted write: its previous version (if any) stands
          continue;
        }
        if (!name.endsWith(".json")) {
          continue;
        }
        JsonNode o = JSON.readTree(f.toFile());
        out.add(
            new Pending(
                o.path("id").asText(),
                o.path("receiver").asText(),
                o.path("incidentId").asText(),
                o.path("rule").asText(),
                o.path("service").asText(),
                o.path("kind").asText(),
                Instant.parse(o.path("createdAt").asText()),
                o.path("attempt").asInt(),
                o.path("query").asText(""),
                o.path("body").asText().getBytes(StandardCharsets.UTF_8)));
      } catch (IOException | RuntimeException e) {
        Path aside = f.resolveSibling(name + ".bad");
        log.warn("unreadable pending notification {} moved to {}: {}", f, aside, e.toString());
        try {
          Files.move(f, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
          // Still unreadable next start; logged again then.
        }
      }
    }
    return out;
  }

  private Path file(Pending p) {
    return dir.resolve(
        String.format("%020d", p.createdAt().toEpochMilli()) + "-" + p.id() + ".json");
  }

  private void forceDir() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some filesystems can't fsync a directory; the rename itself is still atomic.
    }
  }
}
