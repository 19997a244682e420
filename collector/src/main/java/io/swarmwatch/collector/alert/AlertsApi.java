package io.swarmwatch.collector.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmwatch.collector.alert.config.AlertRulesParser;
import io.swarmwatch.collector.alert.config.Matcher;
import io.swarmwatch.collector.alert.delivery.Attempt;
import io.swarmwatch.collector.alert.format.Notice;
import io.swarmwatch.collector.api.ApiException;
import io.swarmwatch.collector.api.ApiModule;
import io.swarmwatch.collector.api.ApiRequest;
import io.swarmwatch.collector.api.ApiResponse;
import io.swarmwatch.collector.api.Router;
import io.swarmwatch.common.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/alerts}, {@code /api/v1/alerts/history} and {@code /api/v1/silences}. Shapes are a
 * contract (a command-line tool reads them): fields are never missing, unknown values are "".
 * Writes are admin-only, which {@code ApiAuth} enforces for every non-GET request.
 */
final class AlertsApi implements ApiModule {
  private static final Set<String> KINDS = Set.of("firing", "resolved", "repeat", "update");

  private final Alerting alerting;

  AlertsApi(Alerting alerting) {
    this.alerting = alerting;
  }

  @Override
  public void routes(Router r) {
    r.get("/api/v1/alerts", this::alerts);
    r.get("/api/v1/alerts/history", this::history);
    r.get("/api/v1/silences", this::silences);
    r.post("/api/v1/silences", this::createSilence);
    r.get("/api/v1/silences/{id}", this::silence);
    r.delete("/api/v1/silences/{id}", this::expireSilence);
  }

  @Override
  public String openApiResource() {
    return "/io/swarmwatch/collector/alert/openapi.json";
  }

  private Object alerts(ApiRequest q) {
    q.params().allow(Set.of());
    Silences silences = alerting.silences();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Alerting.AlertView a : alerting.firing()) {
      List<String> by = silences.silencing(a.matchLabels());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", a.id());
      m.put("rule", a.rule());
      m.put("severity", a.severity());
      m.put("service", a.service());
      m.put("stack", a.stack());
      m.put("status", "firing");
      m.put("startsAt", a.startsAt().toString());
      m.put("updatedAt", a.updatedAt().toString());
      m.put("summary", a.summary());
      List<Map<String, Object>> replicas = new ArrayList<>();
      for (Notice.Replica r : a.replicas()) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("subject", r.subject());
        x.put("slot", r.slot());
        x.put("node", r.node());
        x.put("taskId", r.taskId());
        x.put("containerId", r.containerId());
        x.put("reason", r.reason());
        x.put("since", r.since() == null ? "" : r.since().toString());
        replicas.add(x);
      }
      m.put("replicas", replicas);
      m.put("labels", a.labels());
      m.put("silenced", !by.isEmpty());
      m.put("silencedBy", by);
      out.add(m);
    }
    return out;
  }

  private Object history(ApiRequest q) {
    var p = q.params().allow(Set.of("since", "until", "receiver", "limit"));
    var since = p.time("since");
    var until = p.time("until");
    var receiver = p.string("receiver");
    int limit = p.integer("limit", 100, 1, 10_000);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Attempt a : alerting.history().query(since, until, receiver, limit)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("time", a.time().toString());
      m.put("incidentId", a.incidentId());
      m.put("rule", a.rule());
      m.put("service", a.service());
      m.put("kind", KINDS.contains(a.kind()) ? a.kind() : "");
      m.put("receiver", a.receiver());
      m.put("outcome", a.outcome());
      m.put("attempt", a.attempt());
      m.put("httpStatus", a.httpStatus());
      m.put("error", a.error());
      out.add(m);
    }
    return out;
  }

  private Object silences(ApiRequest q) {
    q.params().allow(Set.of());
    Instant now = alerting.clock().instant();
    return alerting.silences().all().stream().map(s -> Silences.toJson(s, now)).toList();
  }

  private Object silence(ApiRequest q) {
    q.params().allow(Set.of());
    String id = q.pathParam("id");
    return alerting
        .silences()
        .get(id)
        .map(s -> Silences.toJson(s, alerting.clock().instant()))
        .orElseThrow(() -> ApiException.notFound("no silence '" + id + "'"));
  }

  private Object createSilence(ApiRequest q) {
    q.params().allow(Set.of());
    JsonNode b = q.jsonBody();
    if (!b.isObject()) {
      throw ApiException.badRequest("body must be a JSON object");
    }
    for (var it = b.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!Set.of("matchers", "duration", "endsAt", "startsAt", "comment", "author").contains(f)) {
        throw ApiException.badRequest(
            "unknown field '" + f + "' (matchers, duration or endsAt, startsAt, comment, author)");
      }
    }
    List<Matcher> matchers = matchers(b.path("matchers"));
    Instant now = alerting.clock().instant();
    Instant startsAt = b.has("startsAt") ? time(b.get("startsAt"), "startsAt") : now;
    Instant endsAt;
    if (b.has("duration") == b.has("endsAt")) {
      throw ApiException.badRequest("give exactly one of 'duration' (e.g. \"2h\") or 'endsAt'");
    }
    if (b.has("duration")) {
      JsonNode d = b.get("duration");
      if (!d.isTextual()) {
        throw ApiException.badRequest("'duration' must be a string such as \"2h\" or \"30m\"");
      }
      Duration dur;
      try {
        dur = Durations.parse(d.asText());
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("'duration': " + e.getMessage());
      }
      if (dur.isZero()) {
        throw ApiException.badRequest("'duration' must be more than 0");
      }
      endsAt = startsAt.plus(dur);
    } else {
      endsAt = time(b.get("endsAt"), "endsAt");
    }
    if (!endsAt.isAfter(now) || !endsAt.isAfter(startsAt)) {
      throw ApiException.badRequest("'endsAt' must be in the future and after 'startsAt'");
    }
    String comment = text(b, "comment");
    String author = text(b, "author");
    Silences.Silence s = alerting.silences().add(matchers, startsAt, endsAt, comment, author);
    return ApiResponse.created(Silences.toJson(s, now), "/api/v1/silences/" + s.id());
  }

  private Object expireSilence(ApiRequest q) {
    String id = q.pathParam("id");
    if (!alerting.silences().expire(id)) {
      throw ApiException.notFound("no silence '" + id + "'");
    }
    return ApiResponse.noContent();
  }

  private static List<Matcher> matchers(JsonNode arr) {
    if (!arr.isArray() || arr.isEmpty()) {
      throw ApiException.badRequest(
          "'matchers' must be a non-empty array of {name, value, isRegex}");
    }
    List<Matcher> out = new ArrayList<>();
    for (int i = 0; i < arr.size(); i++) {
      JsonNode m = arr.get(i);
      String at = "matchers[" + i + "]";
      if (!m.isObject()) {
        throw ApiException.badRequest("'" + at + "' must be an object {name, value, isRegex}");
      }
      JsonNode name = m.path("name");
      if (!name.isTextual() || name.asText().isBlank()) {
        throw ApiException.badRequest("'" + at + ".name' must be a non-empty string");
      }
      String n = name.asText();
      if (!AlertRulesParser.LABELS.contains(n) && !n.startsWith("label.")) {
        throw ApiException.badRequest(
            "'"
                + at
                + ".name': cannot match on '"
                + n
                + "' (one of node, rule, service, severity, stack, or label.<service label>)");
      }
      JsonNode value = m.path("value");
      if (!value.isTextual()) {
        throw ApiException.badRequest("'" + at + ".value' must be a string");
      }
      JsonNode regex = m.path("isRegex");
      if (!regex.isMissingNode() && !regex.isBoolean()) {
        throw ApiException.badRequest("'" + at + ".isRegex' must be true or false");
      }
      try {
        out.add(Matcher.of(n, value.asText(), regex.asBoolean(false)));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("'" + at + ".value': " + e.getMessage());
      }
    }
    return out;
  }

  private static Instant time(JsonNode n, String field) {
    try {
      return OffsetDateTime.parse(n.asText()).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          "'" + field + "' must be an RFC 3339 time such as 2024-05-01T10:00:00Z");
    }
  }

  private static String text(JsonNode b, String field) {
    JsonNode n = b.path(field);
    if (!n.isTextual() || n.asText().isBlank()) {
      throw ApiException.badRequest("'" + field + "' is required (a non-empty string)");
    }
    return n.asText().strip();
  }
}
