package io.swarmwatch.collector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swarmwatch.common.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each held flag started, on disk, so a flag that comes back after a collector restart keeps
 * its original {@code since} (the API's flags and the alert's replicas say how long it has really
 * been wrong). The flags themselves are not restored: the rules rebuild them from the agents'
 * snapshots; only the start time of one that is found again within the settle period is taken from
 * here.
 *
 * <p>File: {@code <SWARMWATCH_DATA_DIR>/rules/flags.json}, {@code {"flags": [{"key", "since"}]}}
 * (the key is {@code <type>:<subject id>#<rule>}), replaced whole ({@link AtomicFiles}) each time a
 * flag is raised or cleared. An unreadable file is moved aside and logged: losing start times must
 * not stop the collector.
 *
 * <p>Rules thread only.
 */
final class FlagMemory {
  private static final Logger log = LoggerFactory.getLogger(FlagMemory.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String FILE = "flags.json";

  private final Path file;

  /**
   * @throws UncheckedIOException if the directory cannot be created
   */
  FlagMemory(Path dir) {
    this.file = dir.resolve(FILE);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the rules data directory " + dir, e);
    }
  }

  /** Flag key → since, as last saved; empty when there is no file or it is unreadable. */
  Map<String, Instant> load() {
    Map<String, Instant> out = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      for (JsonNode f : JSON.readTree(file.toFile()).path("flags")) {
        out.put(f.get("key").asText(), Instant.parse(f.get("since").asText()));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      Path aside = file.resolveSibling(FILE + ".unreadable");
      log.warn(
          "rules: cannot read {} ({}); moved to {}, flags restart with new start times",
          file,
          e.getMessage(),
          aside);
      try {
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moveFailed) {
        log.warn("rules: cannot move {} aside: {}", file, moveFailed.getMessage());
      }
      return new LinkedHashMap<>();
    }
  }

  /** Replaces the file with these start times (flag key → since). Logs and returns on failure. */
  void save(Map<String, Instant> flags) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode arr = root.putArray("flags");
    flags.forEach((key, since) -> arr.addObject().put("key", key).put("since", since.toString()));
    try {
      AtomicFiles.write(file, JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      log.warn("rules: cannot save flag start times to {}: {}", file, e.getMessage());
    }
  }
}
