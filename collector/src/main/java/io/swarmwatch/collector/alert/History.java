package io.swarmwatch.collector.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swarmwatch.collector.alert.delivery.Attempt;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every delivery attempt and every message not sent, newest kept in memory (bounded) and appended
 * to {@code <data>/alerts/history.jsonl} so the history survives a restart. The file is compacted
 * to the newest {@code capacity} entries when it grows to twice that.
 */
final class History implements Attempt.Log, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(History.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final int capacity;
  private final ArrayDeque<Attempt> entries = new ArrayDeque<>();
  private BufferedWriter out;
  private int linesInFile;
  private boolean writeFailed;

  History(Path file, int capacity) {
    this.file = file;
    this.capacity = capacity;
    load();
  }

  private void load() {
    if (!Files.exists(file)) {
      return;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        linesInFile++;
        if (line.isBlank()) {
          continue;
        }
        try {
          add(fromJson(JSON.readTree(line)));
        } catch (IOException | RuntimeException torn) {
          // A line cut short by a crash mid-write: skip it, keep the rest.
        }
      }
    } catch (IOException e) {
      log.warn("alerts: cannot read history {}: {}", file, e.toString());
    }
  }

  @Override
  public synchronized void record(Attempt a) {
    add(a);
    try {
      if (out == null) {
        out =
            Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      out.write(JSON.writeValueAsString(toJson(a)));
      out.write('\n');
      out.flush();
      if (++linesInFile >= 2 * capacity) {
        compact();
      }
    } catch (IOException e) {
      if (!writeFailed) {
        log.warn(
            "alerts: cannot append to history {} (kept in memory only): {}", file, e.toString());
        writeFailed = true;
      }
    }
  }

  private void add(Attempt a) {
    entries.addLast(a);
    while (entries.size() > capacity) {
      entries.removeFirst();
    }
  }

  private void compact() throws IOException {
    out.close();
    out = null;
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    List<String> lines = new ArrayList<>(entries.size());
    for (Attempt a : entries) {
      lines.add(JSON.writeValueAsString(toJson(a)));
    }
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    linesInFile = lines.size();
  }

  /** Newest first, filtered. */
  synchronized List<Attempt> query(
      Optional<Instant> since, Optional<Instant> until, Optional<String> receiver, int limit) {
    List<Attempt> out = new ArrayList<>();
    Iterator<Attempt> it = entries.descendingIterator();
    while (it.hasNext() && out.size() < limit) {
      Attempt a = it.next();
      if (since.isPresent() && a.time().isBefore(since.get())) {
        continue;
      }
      if (until.isPresent() && a.time().isAfter(until.get())) {
        continue;
      }
      if (receiver.isPresent() && !receiver.get().equals(a.receiver())) {
        continue;
      }
      out.add(a);
    }
    return out;
  }

  static ObjectNode toJson(Attempt a) {
    ObjectNode o = JSON.createObjectNode();
    o.put("time", a.time().toString());
    o.put("incidentId", a.incidentId());
    o.put("rule", a.rule());
    o.put("service", a.service());
    o.put("kind", a.kind());
    o.put("receiver", a.receiver());
    o.put("outcome", a.outcome());
    o.put("attempt", a.attempt());
    o.put("httpStatus", a.httpStatus());
    o.put("error", a.error());
    return o;
  }

  private static Attempt fromJson(JsonNode o) {
    return new Attempt(
        Instant.parse(o.path("time").asText()),
        o.path("incidentId").asText(),
        o.path("rule").asText(),
        o.path("service").asText(),
        o.path("kind").asText(),
        o.path("receiver").asText(),
        o.path("outcome").asText(),
        o.path("attempt").asInt(),
        o.path("httpStatus").asInt(),
        o.path("error").asText());
  }

  @Override
  public synchronized void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // Every line was flushed as written.
      }
      out = null;
    }
  }
}
