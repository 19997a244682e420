package io.swarmwatch.collector.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swarmwatch.collector.alert.config.Matcher;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Silences: while one is active, incidents whose labels match all its matchers are recorded in the
 * history as silenced instead of being sent. Kept in {@code <data>/alerts/silences.json} (rewritten
 * atomically on every change); expired ones are kept a week for the record.
 */
final class Silences {
  private static final Logger log = LoggerFactory.getLogger(Silences.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration KEEP_EXPIRED = Duration.ofDays(7);

  record Silence(
      String id,
      List<Matcher> matchers,
      Instant startsAt,
      Instant endsAt,
      String comment,
      String author) {
    boolean active(Instant now) {
      return !now.isBefore(startsAt) && now.isBefore(endsAt);
    }

    boolean matches(Labels labels) {
      return matchers.stream().allMatch(m -> m.matches(labels.values(m.name())));
    }
  }

  private final Path file;
  private final Clock clock;
  private final Map<String, Silence> byId = new LinkedHashMap<>();

  Silences(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
    load();
  }

  synchronized Silence add(
      List<Matcher> matchers, Instant startsAt, Instant endsAt, String comment, String author) {
    String id = UUID.randomUUID().toString();
    Silence s = new Silence(id, List.copyOf(matchers), startsAt, endsAt, comment, author);
    byId.put(id, s);
    save();
    return s;
  }

  /** Ends a silence now; false when there is no such silence. */
  synchronized boolean expire(String id) {
    Silence s = byId.get(id);
    if (s == null) {
      return false;
    }
    Instant now = clock.instant();
    if (s.endsAt().isAfter(now)) {
      byId.put(
          id, new Silence(id, s.matchers(), min(s.startsAt(), now), now, s.comment(), s.author()));
      save();
    }
    return true;
  }

  synchronized Optional<Silence> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  synchronized List<Silence> all() {
    prune();
    return List.copyOf(byId.values());
  }

  /** Ids of the active silences matching these labels. */
  synchronized List<String> silencing(Labels labels) {
    Instant now = clock.instant();
    List<String> ids = new ArrayList<>();
    for (Silence s : byId.values()) {
      if (s.active(now) && s.matches(labels)) {
        ids.add(s.id());
      }
    }
    return ids;
  }

  private void prune() {
    Instant cutoff = clock.instant().minus(KEEP_EXPIRED);
    if (byId.values().removeIf(s -> s.endsAt().isBefore(cutoff))) {
      save();
    }
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private void load() {
    if (!Files.exists(file)) {
      return;
    }
    try {
      for (JsonNode s : JSON.readTree(file.toFile())) {
        List<Matcher> ms = new ArrayList<>();
        for (JsonNode m : s.path("matchers")) {
          ms.add(
              Matcher.of(
                  m.path("name").asText(),
                  m.path("value").asText(),
                  m.path("isRegex").asBoolean()));
        }
        Silence x =
            new Silence(
                s.path("id").asText(),
                ms,
                Instant.parse(s.path("startsAt").asText()),
                Instant.parse(s.path("endsAt").asText()),
                s.path("comment").asText(),
                s.path("author").asText());
        byId.put(x.id(), x);
      }
    } catch (IOException | RuntimeException e) {
      // Don't start with silences silently gone: that would page people who silenced on purpose.
      throw new IllegalStateException(
          "cannot read silences from " + file + ": " + e.getMessage(), e);
    }
  }

  private void save() {
    ArrayNode arr = JSON.createArrayNode();
    for (Silence s : byId.values()) {
      arr.add(toJson(s, clock.instant()));
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.write(tmp, JSON.writeValueAsBytes(arr));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      log.error(
          "alerts: cannot save silences to {} (they hold until restart): {}", file, e.toString());
    }
  }

  static ObjectNode toJson(Silence s, Instant now) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", s.id());
    ArrayNode ms = o.putArray("matchers");
    for (Matcher m : s.matchers()) {
      ms.addObject().put("name", m.name()).put("value", m.value()).put("isRegex", m.isRegex());
    }
    o.put("startsAt", s.startsAt().toString());
    o.put("endsAt", s.endsAt().toString());
    o.put("comment", s.comment());
    o.put("author", s.author());
    o.put("state", s.active(now) || now.isBefore(s.startsAt()) ? "active" : "expired");
    return o;
  }
}
