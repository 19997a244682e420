package io.swarmwatch.collector.alert;

import io.swarmwatch.collector.alert.config.AlertRules;
import io.swarmwatch.collector.alert.format.Notice;
import io.swarmwatch.collector.alert.format.Notice.Replica;
import io.swarmwatch.collector.rules.FlagChange;
import io.swarmwatch.collector.rules.FlagChange.Subject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Grouping: flag changes in, messages out. One incident per service (or node) per rule, listing its
 * affected replicas.
 *
 * <ul>
 *   <li>An incident's first message waits {@code group_wait} so replicas failing together make one
 *       message; a blip shorter than that sends nothing.
 *   <li>Later changes (replicas added or recovered, severity up) are batched: at most one update
 *       per {@code group_interval}. A changed reason alone is not news.
 *   <li>A firing incident is repeated every {@code repeat_interval}.
 *   <li>When the last replica recovers, "resolved" goes after {@code group_wait}; a re-fire in
 *       between continues the same incident without a message. An incident that resolved {@code
 *       flapping.threshold} times within {@code flapping.window} holds its resolve for {@code
 *       flapping.hold} instead, which damps flapping to one firing/resolved pair per hold.
 * </ul>
 *
 * <p>After a restart ({@link #restore}) the incidents continue: a replica flagged again within the
 * settle period is the same incident going on (no new firing message, the repeat interval counts
 * from the last message before the restart); one not flagged again by then has recovered while the
 * collector was away, and its incident resolves as usual.
 *
 * <p>Pure logic with the time passed in; not thread-safe (the engine thread owns it).
 */
final class IncidentBook {
  private final AlertRules rules;
  private final String publicUrl;
  private final Map<String, Incident> byKey = new LinkedHashMap<>();
  private final Map<String, Deque<Instant>> resolves = new HashMap<>();
  private Instant settleUntil;
  private long version;

  IncidentBook(AlertRules rules, String publicUrl) {
    this.rules = rules;
    this.publicUrl = publicUrl;
  }

  /**
   * Takes back the incidents saved before a restart; their replicas stay unconfirmed until the
   * rules flag them again or {@code settleUntil} passes.
   */
  void restore(List<Incident> incidents, Instant settleUntil) {
    for (Incident i : incidents) {
      i.unconfirmed.addAll(i.active.keySet());
      byKey.put(i.key, i);
    }
    if (byKey.values().stream().anyMatch(i -> !i.unconfirmed.isEmpty())) {
      this.settleUntil = settleUntil;
    }
    version++;
  }

  /** Every incident, for saving. */
  List<Incident> all() {
    return List.copyOf(byKey.values());
  }

  /** Bumped by every change to the incidents: save when it moved. */
  long version() {
    return version;
  }

  void apply(FlagChange c, Instant now) {
    version++;
    Subject s = c.subject();
    String key = key(c);
    boolean raise =
        c.kind() != FlagChange.Kind.CLEARED
            && c.flag().severity().compareTo(rules.minSeverity()) >= 0;
    Incident inc = byKey.get(key);
    if (inc != null) {
      inc.unconfirmed.remove(s.id()); // the rules speak of it again: what they say now holds
    }
    if (!raise) {
      if (inc != null) {
        clear(inc, s.id(), now);
      }
      return;
    }
    Replica r = replica(c);
    if (inc == null) {
      String service =
          s.serviceName().isEmpty() && !s.type().equals("node") ? s.serviceId() : s.serviceName();
      inc =
          new Incident(
              UUID.randomUUID().toString().substring(0, 8),
              key,
              c.flag().rule(),
              service,
              s.serviceId(),
              s.stack(),
              c.flag().since(),
              s.labels());
      byKey.put(key, inc);
      inc.dueAt = now.plus(rules.grouping().groupWait());
    }
    inc.labels = s.labels();
    inc.updatedAt = now;
    boolean wasResolving = inc.resolving();
    boolean isNew = !inc.active.containsKey(s.id());
    var before = inc.severity();
    inc.active.put(s.id(), r);
    inc.severities.put(s.id(), c.flag().severity());
    inc.recovered.removeIf(x -> x.subject().equals(s.id()));
    if (!inc.announced) {
      return; // the pending first message will list it
    }
    if (wasResolving) {
      // Re-fired before "resolved" went out: same incident, and no message if nothing is new.
      inc.dueAt = null;
      boolean same = inc.lastAffected.stream().anyMatch(x -> x.subject().equals(s.id()));
      if (same) {
        return;
      }
    }
    if (isNew || inc.severity().compareTo(before) > 0) {
      markChanged(inc, now);
    }
  }

  private void clear(Incident inc, String subject, Instant now) {
    Replica gone = inc.active.remove(subject);
    inc.severities.remove(subject);
    if (gone == null) {
      return;
    }
    inc.updatedAt = now;
    if (!inc.announced) {
      if (inc.active.isEmpty()) {
        byKey.remove(inc.key); // never announced, nothing to resolve
      }
      return;
    }
    if (inc.active.isEmpty()) {
      boolean flapping = flapping(inc.key, now);
      inc.flapping |= flapping;
      inc.recovered.clear();
      inc.changed = false;
      inc.dueAt = now.plus(flapping ? rules.flapping().hold() : rules.grouping().groupWait());
      return;
    }
    if (inc.lastAffected.stream().anyMatch(x -> x.subject().equals(subject))) {
      inc.recovered.add(gone);
    }
    markChanged(inc, now);
  }

  private void markChanged(Incident inc, Instant now) {
    inc.changed = true;
    Instant earliest =
        inc.lastSent == null ? now : inc.lastSent.plus(rules.grouping().groupInterval());
    Instant due = earliest.isBefore(now) ? now : earliest;
    if (inc.dueAt == null || due.isBefore(inc.dueAt)) {
      inc.dueAt = due;
    }
  }

  /** Once the settle period is over, replicas not flagged again since the restart recover. */
  private void settle(Instant now) {
    if (settleUntil == null || now.isBefore(settleUntil)) {
      return;
    }
    settleUntil = null;
    version++;
    for (Incident inc : List.copyOf(byKey.values())) {
      for (String subject : List.copyOf(inc.unconfirmed)) {
        inc.unconfirmed.remove(subject);
        clear(inc, subject, now);
      }
    }
  }

  /** The messages due at {@code now}; marks them said. */
  List<Notice> due(Instant now) {
    settle(now);
    List<Notice> out = new ArrayList<>();
    var it = byKey.values().iterator();
    while (it.hasNext()) {
      Incident inc = it.next();
      if (!inc.unconfirmed.isEmpty()) {
        continue; // restored and not yet seen again: quiet until confirmed or settled
      }
      if (inc.dueAt != null && !inc.dueAt.isAfter(now)) {
        version++;
        inc.dueAt = null;
        if (inc.resolving()) {
          out.add(inc.notice(Notice.Kind.RESOLVED, now, link(inc)));
          resolves.computeIfAbsent(inc.key, k -> new ArrayDeque<>()).addLast(now);
          it.remove();
          continue;
        }
        Notice.Kind kind = inc.announced ? Notice.Kind.UPDATE : Notice.Kind.FIRING;
        if (kind == Notice.Kind.UPDATE && !inc.changed) {
          continue;
        }
        out.add(inc.notice(kind, now, link(inc)));
        said(inc, now);
      } else if (inc.announced
          && !inc.resolving()
          && inc.dueAt == null
          && !inc.lastSent.plus(rules.grouping().repeatInterval()).isAfter(now)) {
        version++;
        out.add(inc.notice(Notice.Kind.REPEAT, now, link(inc)));
        said(inc, now);
      }
    }
    return out;
  }

  private static void said(Incident inc, Instant now) {
    inc.announced = true;
    inc.changed = false;
    inc.lastSent = now;
    inc.lastAffected = inc.replicas();
    inc.recovered.clear();
  }

  /** The next time {@link #due} has something to say, if any. */
  Optional<Instant> nextDue() {
    Instant next = settleUntil;
    for (Incident inc : byKey.values()) {
      if (!inc.unconfirmed.isEmpty()) {
        continue; // quiet until confirmed or settled (settleUntil is in the running)
      }
      Instant t = inc.dueAt;
      if (t == null && inc.announced && !inc.resolving()) {
        t = inc.lastSent.plus(rules.grouping().repeatInterval());
      }
      if (t != null && (next == null || t.isBefore(next))) {
        next = t;
      }
    }
    return Optional.ofNullable(next);
  }

  /** Incidents with at least one affected replica, oldest first. */
  List<Incident> firing() {
    return byKey.values().stream().filter(i -> !i.resolving()).toList();
  }

  private boolean flapping(String key, Instant now) {
    Deque<Instant> d = resolves.get(key);
    if (d == null) {
      return false;
    }
    Instant cutoff = now.minus(rules.flapping().window());
    while (!d.isEmpty() && d.peekFirst().isBefore(cutoff)) {
      d.removeFirst();
    }
    if (d.isEmpty()) {
      resolves.remove(key);
      return false;
    }
    return d.size() >= rules.flapping().threshold();
  }

  private String link(Incident inc) {
    if (publicUrl.isEmpty()) {
      return "";
    }
    if (inc.service.isEmpty()) {
      return publicUrl
          + "/#/nodes/"
          + enc(inc.key.substring(inc.key.indexOf(':') + 1, inc.key.lastIndexOf('/')));
    }
    return publicUrl + "/#/services/" + enc(inc.service);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Replicas and services of one service share a key per rule; a node has its own. */
  static String key(FlagChange c) {
    Subject s = c.subject();
    String owner =
        s.type().equals("node") || s.serviceId().isEmpty()
            ? "node:" + s.id()
            : "service:" + s.serviceId();
    return owner + "/" + c.flag().rule();
  }

  static Replica replica(FlagChange c) {
    Subject s = c.subject();
    String slot = "";
    if (s.type().equals("replica")) {
      int i = s.id().lastIndexOf('/');
      slot = i < 0 ? "" : s.id().substring(i + 1);
    }
    return new Replica(
        s.id(), slot, s.node(), s.taskId(), s.containerId(), c.flag().reason(), c.flag().since());
  }
}
