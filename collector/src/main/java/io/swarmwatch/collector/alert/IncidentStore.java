package io.swarmwatch.collector.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swarmwatch.collector.alert.format.Notice.Replica;
import io.swarmwatch.collector.rules.Severity;
import io.swarmwatch.common.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incident book on disk, so a collector restart (kill -9 included) neither announces a
 * still-firing incident again nor forgets to resolve one: {@code <alerts dir>/incidents.json},
 * every incident with what has been said about it, replaced whole ({@link AtomicFiles}) after each
 * change. An unreadable file is moved aside and logged; alerting then starts with no incidents.
 *
 * <p>Engine thread only.
 */
final class IncidentStore {
  private static final Logger log = LoggerFactory.getLogger(IncidentStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String FILE = "incidents.json";

  private final Path file;

  IncidentStore(Path dir) {
    this.file = dir.resolve(FILE);
  }

  List<Incident> load() {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      List<Incident> out = new ArrayList<>();
      for (JsonNode n : JSON.readTree(file.toFile()).path("incidents")) {
        out.add(incident(n));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      Path aside = file.resolveSibling(FILE + ".unreadable");
      log.warn(
          "alerts: cannot read {} ({}); moved to {}, incidents start afresh",
          file,
          e.getMessage(),
          aside);
      try {
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moveFailed) {
        log.warn("alerts: cannot move {} aside: {}", file, moveFailed.getMessage());
      }
      return List.of();
    }
  }

  /** Logs and returns on failure: alerting goes on, only a restart could repeat itself. */
  void save(Collection<Incident> incidents) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode arr = root.putArray("incidents");
    for (Incident i : incidents) {
      ObjectNode n = arr.addObject();
      n.put("id", i.id)
          .put("key", i.key)
          .put("rule", i.rule)
          .put("service", i.service)
          .put("serviceId", i.serviceId)
          .put("stack", i.stack)
          .put("startsAt", i.startsAt.toString())
          .put("updatedAt", i.updatedAt.toString())
          .put("announced", i.announced)
          .put("changed", i.changed)
          .put("flapping", i.flapping)
          .put("lastSent", time(i.lastSent))
          .put("dueAt", time(i.dueAt));
      ObjectNode labels = n.putObject("labels");
      i.labels.forEach(labels::put);
      ArrayNode active = n.putArray("active");
      for (Replica r : i.active.values()) {
        replica(active.addObject(), r).put("severity", i.severities.get(r.subject()).name());
      }
      ArrayNode last = n.putArray("lastAffected");
      i.lastAffected.forEach(r -> replica(last.addObject(), r));
      ArrayNode recovered = n.putArray("recovered");
      i.recovered.forEach(r -> replica(recovered.addObject(), r));
    }
    try {
      AtomicFiles.write(file, JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      log.warn("alerts: cannot save incidents to {}: {}", file, e.getMessage());
    }
  }

  private static Incident incident(JsonNode n) {
    Map<String, String> labels = new LinkedHashMap<>();
    n.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    Incident i =
        new Incident(
            n.get("id").asText(),
            n.get("key").asText(),
            n.get("rule").asText(),
            n.get("service").asText(),
            n.get("serviceId").asText(),
            n.get("stack").asText(),
            Instant.parse(n.get("startsAt").asText()),
            Map.copyOf(labels));
    i.updatedAt = Instant.parse(n.get("updatedAt").asText());
    i.announced = n.get("announced").asBoolean();
    i.changed = n.get("changed").asBoolean();
    i.flapping = n.get("flapping").asBoolean();
    i.lastSent = instant(n.get("lastSent").asText());
    i.dueAt = instant(n.get("dueAt").asText());
    for (JsonNode r : n.path("active")) {
      Replica x = replica(r);
      i.active.put(x.subject(), x);
      i.severities.put(x.subject(), Severity.valueOf(r.get("severity").asText()));
    }
    List<Replica> last = new ArrayList<>();
    n.path("lastAffected").forEach(r -> last.add(replica(r)));
    i.lastAffected = List.copyOf(last);
    n.path("recovered").forEach(r -> i.recovered.add(replica(r)));
    return i;
  }

  private static ObjectNode replica(ObjectNode o, Replica r) {
    return o.put("subject", r.subject())
        .put("slot", r.slot())
        .put("node", r.node())
        .put("taskId", r.taskId())
        .put("containerId", r.containerId())
        .put("reason", r.reason())
        .put("since", time(r.since()));
  }

  private static Replica replica(JsonNode r) {
    return new Replica(
        r.get("subject").asText(),
        r.get("slot").asText(),
        r.get("node").asText(),
        r.get("taskId").asText(),
        r.get("containerId").asText(),
        r.get("reason").asText(),
        instant(r.get("since").asText()));
  }

  private static String time(Instant t) {
    return t == null ? "" : t.toString();
  }

  private static Instant instant(String s) {
    return s.isEmpty() ? null : Instant.parse(s);
  }
}
