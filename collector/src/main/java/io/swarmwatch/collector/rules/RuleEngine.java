package io.swarmwatch.collector.rules;

import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.collector.model.FlagSource;
import io.swarmwatch.collector.model.FlagView;
import io.swarmwatch.collector.model.ModelListener;
import io.swarmwatch.proto.v1.Container;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates every rule the moment the model changes, and on a tick (durations, windows, timeouts
 * pass without any message arriving), on one thread of its own; tells subscribers what was raised,
 * updated and cleared, in order; and answers the model's views with the current flags.
 *
 * <p>Event-driven without a queue of facts: the model's listener (on the ingesting thread) records
 * task failures and rings a one-slot doorbell; the rules thread wakes, reads the model as it is now
 * and evaluates it whole. Changes arriving while a round runs coalesce into the next round, so a
 * burst costs a few rounds, never a backlog, and nothing can overflow.
 *
 * <p>Lifecycle: {@link #subscribe} before {@link #start}; {@link #close} is idempotent. {@link
 * #flags()} and the {@link FlagSource} methods are thread-safe (an immutable snapshot published
 * after each round).
 */
public final class RuleEngine implements FlagSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RuleEngine.class);

  /** How far back task failures are kept: beyond any sensible crash-loop window or OOM hold. */
  private static final Duration FAILURE_MEMORY = Duration.ofHours(6);

  private final ClusterModel model;
  private final Clock clock;
  private final RulesConfig config;
  private final Overrides overrides;
  private final FailureHistory failures = new FailureHistory();
  private final Conditions conditions = new Conditions();
  private final NodeRules nodeRules;
  private final ReplicaRules replicaRules;
  private final ServiceRules serviceRules;
  private final UsageHistory usage = new UsageHistory();
  private final FlagBook book;
  private final FlagMemory memory;
  private Map<String, Instant> saved = Map.of();
  private final List<FlagListener> listeners = new CopyOnWriteArrayList<>();
  private final ArrayBlockingQueue<Boolean> doorbell = new ArrayBlockingQueue<>(1);
  private final ModelListener modelListener = this::changed;
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong listenerErrors = new AtomicLong();
  private volatile long lastRoundNanos;
  private volatile Published published = Published.EMPTY;
  private Thread thread;
  private volatile boolean running;
  private boolean closed;

  private record Published(
      Map<String, List<FlagView>> replicas,
      Map<String, List<FlagView>> services,
      Set<String> downNodes,
      List<CurrentFlag> all) {
    static final Published EMPTY = new Published(Map.of(), Map.of(), Set.of(), List.of());
  }

  public RuleEngine(ClusterModel model, RulesConfig config, Clock clock) {
    this.model = model;
    this.clock = clock;
    this.config = config;
    this.overrides = new Overrides(config);
    this.nodeRules = new NodeRules(overrides, conditions);
    this.replicaRules = new ReplicaRules(overrides, conditions, failures, usage);
    this.serviceRules = new ServiceRules(overrides, conditions);
    this.memory = config.stateDir().map(FlagMemory::new).orElse(null);
    if (memory == null) {
      this.book = new FlagBook();
    } else {
      saved = memory.load();
      if (!saved.isEmpty()) {
        log.info(
            "rules: {} flags were held before the restart; their start times are kept if they"
                + " come back within {} s",
            saved.size(),
            config.settle().toSeconds());
      }
      this.book = new FlagBook(saved, clock.instant().plus(config.settle()));
    }
  }

  /** Adds a subscriber; only before {@link #start}, so every subscriber sees every change. */
  public synchronized void subscribe(FlagListener listener) {
    if (thread != null || closed) {
      throw new IllegalStateException("subscribe before start()");
    }
    listeners.add(listener);
  }

  /** Hooks into the model (its changes, its views' flags) and starts the rules thread. */
  public synchronized void start() {
    if (thread != null || closed) {
      throw new IllegalStateException(closed ? "closed" : "already started");
    }
    attach();
    running = true;
    thread = new Thread(this::run, "swarmwatch-rules");
    thread.setDaemon(true);
    thread.start();
  }

  /** Hooks into the model without starting the thread (tests then call {@link #evaluate}). */
  void attach() {
    model.flagSource(this);
    model.addListener(modelListener);
  }

  public RulesConfig config() {
    return config;
  }

  /** A rule's effective settings for a service or node with these labels. */
  public Settings settings(String rule, String subjectName, Map<String, String> labels) {
    return overrides.settings(rule, subjectName, labels);
  }

  /** Every flag holding now, most severe first. */
  public List<CurrentFlag> flags() {
    return published.all();
  }

  /** Evaluation rounds run since start. */
  public long rounds() {
    return rounds.get();
  }

  /** How long the last round took, in nanoseconds. */
  public long lastRoundNanos() {
    return lastRoundNanos;
  }

  /** Subscriber calls that threw. */
  public long listenerErrors() {
    return listenerErrors.get();
  }

  @Override
  public List<FlagView> replica(String key) {
    return published.replicas().getOrDefault(key, List.of());
  }

  @Override
  public List<FlagView> service(String serviceId) {
    return published.services().getOrDefault(serviceId, List.of());
  }

  @Override
  public Object generation() {
    return published; // immutable, replaced on every change of flags
  }

  @Override
  public boolean nodeDown(String nodeId) {
    return published.downNodes().contains(nodeId);
  }

  /** On the ingesting thread, under the model's lock: record, ring, return. */
  private void changed(ModelListener.Change change) {
    if (change.kind() == ModelListener.Kind.CONTAINERS) {
      for (Container c : change.containers()) {
        failures.record(change.nodeId(), c);
      }
    }
    // Usage samples (every 10 s per agent, 100 a second at 1,000 nodes) wait for the tick: the
    // usage rules judge minutes, and a round per sample kept the rules thread busy at scale.
    if (change.kind() != ModelListener.Kind.EVENT && change.kind() != ModelListener.Kind.USAGE) {
      doorbell.offer(Boolean.TRUE); // full: a round is already due, which will see this too
    }
  }

  private void run() {
    long tickMillis = config.tick().toMillis();
    while (running) {
      try {
        doorbell.poll(tickMillis, TimeUnit.MILLISECONDS);
        if (running) {
          evaluate();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // A bug in one round must not stop the rules: log it, keep evaluating.
        log.error("rule evaluation failed; continuing with the next round", e);
      }
    }
  }

  /**
   * One round: read the model, run every rule, apply the findings to the held flags, publish them,
   * tell the subscribers. On the rules thread; tests call it directly on an engine not started.
   */
  List<FlagChange> evaluate() {
    long t0 = System.nanoTime();
    Round round = new Round(clock.instant(), model);
    nodeRules.evaluate(round);
    replicaRules.evaluate(round);
    serviceRules.evaluate(round);
    conditions.endRound();
    usage.endRound();
    failures.prune(round.now.minus(FAILURE_MEMORY));
    List<FlagChange> changes = book.apply(round);
    boolean flagsChanged = publish(round, book.held());
    save();
    if (flagsChanged) {
      // Lay the new flags over the shared views here, on the rules thread, so API readers find
      // them done instead of one of them paying for it (O(replicas)) while the rest wait.
      model.currentViews();
    }
    lastRoundNanos = System.nanoTime() - t0;
    rounds.incrementAndGet();
    for (FlagChange c : changes) {
      log.info(
          "{} {} {} on {} {}: {}",
          c.kind().name().toLowerCase(java.util.Locale.ROOT),
          c.flag().severity().label(),
          c.flag().rule(),
          c.subject().type(),
          c.subject().serviceName().isEmpty()
              ? c.subject().id()
              : c.subject().serviceName() + " " + c.subject().id(),
          c.flag().reason());
      for (FlagListener l : listeners) {
        try {
          l.onChange(c);
        } catch (RuntimeException e) {
          listenerErrors.incrementAndGet();
          log.warn("flag subscriber {} failed on {}", l, c.kind(), e);
        }
      }
    }
    return changes;
  }

  /** Keeps the start times on disk whenever they changed (a flag raised, cleared or forgotten). */
  private void save() {
    if (memory == null) {
      return;
    }
    Map<String, Instant> now = book.startTimes();
    if (!now.equals(saved)) {
      memory.save(now);
      saved = now;
    }
  }

  /** Returns whether the flags changed. */
  private boolean publish(Round round, List<FlagBook.Held> held) {
    Map<String, List<FlagView>> replicas = new HashMap<>();
    Map<String, List<FlagView>> services = new HashMap<>();
    List<CurrentFlag> all = new ArrayList<>(held.size());
    for (FlagBook.Held h : held) {
      all.add(new CurrentFlag(h.subject(), h.flag(), h.clearingSince() != null));
      FlagView v =
          new FlagView(
              h.flag().rule(),
              h.flag().severity().label(),
              h.flag().since().toString(),
              h.flag().reason());
      switch (h.subject().type()) {
        case "replica" -> replicas.computeIfAbsent(h.subject().id(), k -> new ArrayList<>()).add(v);
        case "service" -> services.computeIfAbsent(h.subject().id(), k -> new ArrayList<>()).add(v);
        default -> {}
      }
    }
    all.sort(
        Comparator.comparing((CurrentFlag f) -> f.flag().severity())
            .reversed()
            .thenComparing(f -> f.flag().since()));
    replicas.replaceAll((k, v) -> List.copyOf(v));
    services.replaceAll((k, v) -> List.copyOf(v));
    Published next =
        new Published(
            Map.copyOf(replicas),
            Map.copyOf(services),
            Set.copyOf(round.downNodes.keySet()),
            List.copyOf(all));
    // Replaced only when the flags changed: readers key their cached views on this object's
    // identity (FlagSource.generation), and most rounds change nothing.
    if (next.equals(published)) {
      return false;
    }
    published = next;
    return true;
  }

  /** Stops the rules thread and unhooks from the model; idempotent. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      running = false;
      t = thread;
    }
    model.removeListener(modelListener);
    if (t != null) {
      t.interrupt();
      try {
        t.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** For tests: the time the engine reads. */
  Instant now() {
    return clock.instant();
  }
}
