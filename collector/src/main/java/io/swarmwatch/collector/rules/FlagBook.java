package io.swarmwatch.collector.rules;

import io.swarmwatch.collector.rules.FlagChange.Kind;
import io.swarmwatch.collector.rules.FlagChange.Subject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The flags holding now, and the changes a round's findings make to them:
 *
 * <ul>
 *   <li>a finding with no flag yet raises one ({@code RAISED});
 *   <li>a new severity or reason for a held flag is an {@code UPDATED} (its {@code since} stays: it
 *       is still the same incident);
 *   <li>a held flag with no finding starts clearing, and clears once it has been clear for the
 *       rule's {@code clear-after}; a finding in the meantime keeps it, so a replica flapping
 *       between healthy and unhealthy is one incident;
 *   <li>a flag whose subject is gone (service removed, slot scaled away, node left) clears at once.
 * </ul>
 *
 * <p>Across a collector restart: the start times of the flags held before it ({@link FlagMemory})
 * are remembered until {@code rememberUntil}; a flag raised again before then is the same one
 * continuing and keeps its old {@code since}. Remembered times not claimed by then are forgotten.
 *
 * <p>Rules thread only.
 */
final class FlagBook {
  /** A flag held now, on its subject; {@code clearingSince} is set while its condition is clear. */
  record Held(Subject subject, Flag flag, Instant clearingSince, Duration clearAfter) {}

  private final Map<String, Held> held = new LinkedHashMap<>();
  private final Map<String, Instant> remembered;
  private final Instant rememberUntil;

  FlagBook() {
    this(Map.of(), Instant.MIN);
  }

  /**
   * @param remembered flag key → since, from before a restart
   * @param rememberUntil when unclaimed remembered start times are forgotten
   */
  FlagBook(Map<String, Instant> remembered, Instant rememberUntil) {
    this.remembered = new LinkedHashMap<>(remembered);
    this.rememberUntil = rememberUntil;
  }

  List<FlagChange> apply(Round round) {
    Instant now = round.now;
    if (!remembered.isEmpty() && !now.isBefore(rememberUntil)) {
      remembered.clear();
    }
    List<FlagChange> changes = new ArrayList<>();
    Set<String> found = new HashSet<>();
    for (Round.Finding f : round.findings()) {
      String key = key(f.subject(), f.rule());
      if (!found.add(key)) {
        continue; // one flag per rule and subject: the first finding of a round wins
      }
      Held h = held.get(key);
      if (h == null) {
        Instant before = remembered.remove(key);
        Instant since = before != null && before.isBefore(f.since()) ? before : f.since();
        Flag flag = new Flag(f.rule(), f.severity(), since, f.reason());
        held.put(key, new Held(f.subject(), flag, null, f.clearAfter()));
        changes.add(new FlagChange(Kind.RAISED, f.subject(), flag, now));
        continue;
      }
      Flag flag = new Flag(f.rule(), f.severity(), h.flag().since(), f.reason());
      held.put(key, new Held(f.subject(), flag, null, f.clearAfter()));
      if (flag.severity() != h.flag().severity()
          || !Objects.equals(flag.reason(), h.flag().reason())) {
        changes.add(new FlagChange(Kind.UPDATED, f.subject(), flag, now));
      }
    }
    Iterator<Map.Entry<String, Held>> it = held.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Held> e = it.next();
      if (found.contains(e.getKey())) {
        continue;
      }
      Held h = e.getValue();
      boolean gone = !round.exists(Round.key(h.subject()));
      Instant clearing = h.clearingSince() == null ? now : h.clearingSince();
      if (gone || !now.isBefore(clearing.plus(h.clearAfter()))) {
        it.remove();
        changes.add(new FlagChange(Kind.CLEARED, h.subject(), h.flag(), now));
      } else if (h.clearingSince() == null) {
        e.setValue(new Held(h.subject(), h.flag(), now, h.clearAfter()));
      }
    }
    return changes;
  }

  /** Every flag held now (clearing ones included: their incident is not over yet). */
  List<Held> held() {
    return List.copyOf(held.values());
  }

  /**
   * What to save: the start time of every flag held, and of every remembered one not yet claimed (a
   * second restart within the settle period must not lose them).
   */
  Map<String, Instant> startTimes() {
    Map<String, Instant> out = new LinkedHashMap<>(remembered);
    held.forEach((k, h) -> out.put(k, h.flag().since()));
    return out;
  }

  private static String key(Subject s, String rule) {
    return Round.key(s) + "#" + rule;
  }
}
