package io.swarmwatch.collector.alert;

import io.swarmwatch.collector.alert.format.Notice;
import io.swarmwatch.collector.alert.format.Notice.Replica;
import io.swarmwatch.collector.rules.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One rule holding for one service (or node): its affected replicas and what has been said about
 * it. Owned by the alerting engine thread; the API sees immutable snapshots.
 */
final class Incident {
  final String id;
  final String key;
  final String rule;
  final String service;
  final String serviceId;
  final String stack;
  final Instant startsAt;
  Map<String, String> labels;
  Instant updatedAt;

  /** Affected now, by subject id, in the order they were flagged. */
  final Map<String, Replica> active = new LinkedHashMap<>();

  final Map<String, Severity> severities = new LinkedHashMap<>();

  /** The replicas in the last message, so "resolved" can say which ones were affected. */
  List<Replica> lastAffected = List.of();

  /** Recovered since the last message (announced incidents only). */
  final List<Replica> recovered = new ArrayList<>();

  /** The firing message went out (or was silenced): later changes are updates / resolved. */
  boolean announced;

  /** Something changed that the next update should say. */
  boolean changed;

  boolean flapping;
  Instant lastSent;

  /**
   * After a restart: affected replicas the rules have not flagged again yet. While any is left the
   * incident says nothing; those still left when the settle period ends count as recovered.
   */
  final Set<String> unconfirmed = new HashSet<>();

  /** When the next message (first firing, update or resolved) is due; null for none. */
  Instant dueAt;

  Incident(
      String id,
      String key,
      String rule,
      String service,
      String serviceId,
      String stack,
      Instant startsAt,
      Map<String, String> labels) {
    this.id = id;
    this.key = key;
    this.rule = rule;
    this.service = service;
    this.serviceId = serviceId;
    this.stack = stack;
    this.startsAt = startsAt;
    this.labels = labels;
    this.updatedAt = startsAt;
  }

  Severity severity() {
    Severity s = Severity.INFO;
    for (Severity x : severities.values()) {
      if (x.compareTo(s) > 0) {
        s = x;
      }
    }
    return s;
  }

  boolean resolving() {
    return active.isEmpty();
  }

  List<Replica> replicas() {
    return List.copyOf(active.values());
  }

  Labels labels() {
    return Labels.of(
        rule,
        severity().label(),
        service,
        stack,
        active.isEmpty() ? lastAffected : replicas(),
        labels);
  }

  /** For the API and messages: {@code unhealthy on 2 replicas of shop_web: <first reason>}. */
  String summary() {
    List<Replica> rs = active.isEmpty() ? lastAffected : replicas();
    String reason = rs.isEmpty() ? "" : rs.get(0).reason();
    String what;
    if (service.isEmpty()) {
      what = rule + " on node " + (rs.isEmpty() ? key : rs.get(0).subject());
    } else if (rs.size() == 1 && rs.get(0).subject().equals(serviceId)) {
      what = rule + " on service " + service;
    } else {
      what =
          rule
              + " on "
              + rs.size()
              + (rs.size() == 1 ? " replica" : " replicas")
              + " of "
              + service;
    }
    if (active.isEmpty()) {
      return what + ": resolved";
    }
    String firstLine = reason.lines().findFirst().orElse("");
    if (firstLine.length() > 200) {
      firstLine = firstLine.substring(0, 199) + "…";
    }
    return firstLine.isEmpty() ? what : what + ": " + firstLine;
  }

  Notice notice(Notice.Kind kind, Instant at, String link) {
    return new Notice(
        kind,
        id,
        rule,
        severity(),
        service,
        stack,
        summary(),
        startsAt,
        at,
        kind == Notice.Kind.RESOLVED ? lastAffected : replicas(),
        kind == Notice.Kind.UPDATE ? recovered : List.of(),
        labels,
        link,
        flapping);
  }
}
