package io.swarmwatch.collector.alert;

import io.swarmwatch.collector.alert.config.AlertRules;
import io.swarmwatch.collector.alert.config.AlertRulesParser;
import io.swarmwatch.collector.alert.delivery.Attempt;
import io.swarmwatch.collector.alert.delivery.Deliveries;
import io.swarmwatch.collector.alert.delivery.Pending;
import io.swarmwatch.collector.alert.delivery.PendingStore;
import io.swarmwatch.collector.alert.format.Formatter;
import io.swarmwatch.collector.alert.format.Notice;
import io.swarmwatch.collector.api.ApiModule;
import io.swarmwatch.collector.rules.FlagChange;
import io.swarmwatch.collector.rules.FlagListener;
import io.swarmwatch.collector.rules.RulesConfig;
import io.swarmwatch.common.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts to chat. Subscribe it to the rules ({@code rules.subscribe(alerting)}): {@link #onChange}
 * only queues (bounded; when full the change is dropped and counted), and one engine thread groups
 * changes into incidents ({@link IncidentBook}), routes and silences them, renders each platform's
 * format and hands the result to durable per-receiver delivery ({@link Deliveries}).
 *
 * <p>State on disk, under {@code <SWARMWATCH_DATA_DIR>/alerts}: {@code pending/} (notifications not
 * yet delivered, re-sent after a restart), {@code incidents.json} (the incidents and what has been
 * said about them, so a restart continues them: see {@link IncidentBook}), {@code history.jsonl},
 * {@code silences.json}.
 */
public final class Alerting implements FlagListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Alerting.class);
  static final int QUEUE = 10_000;

  private final AlertRules rules;
  private final String publicUrl;
  private final Clock clock;
  private final IncidentBook book;
  private final IncidentStore store;
  private long savedVersion;
  private final Routing routing;
  private final Silences silences;
  private final History history;
  private final Deliveries deliveries;
  private final Map<String, Formatter> formatters = new HashMap<>();
  private final BlockingQueue<FlagChange> changes = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong droppedChanges = new AtomicLong();
  private final Thread engine;
  private volatile List<AlertView> firing = List.of();
  private volatile boolean closed;

  /** A firing incident as the API shows it; built on the engine thread, read by HTTP threads. */
  record AlertView(
      String id,
      String rule,
      String severity,
      String service,
      String stack,
      Instant startsAt,
      Instant updatedAt,
      String summary,
      List<Notice.Replica> replicas,
      Map<String, String> labels,
      Labels matchLabels) {}

  /**
   * Reads and validates the alerts file, then starts.
   *
   * @throws io.swarmwatch.common.ConfigException naming the file, line and key of a bad setting
   */
  public static Alerting start(AlertsConfig config, Clock clock) {
    AlertRules rules = AlertRulesParser.load(config.file());
    try {
      return new Alerting(rules, config.alertsDir(), config.publicUrl(), clock, config.settle());
    } catch (UncheckedIOException | IllegalStateException e) {
      throw new ConfigException(
          "alerts: cannot use "
              + config.alertsDir()
              + " (under SWARMWATCH_DATA_DIR): "
              + e.getMessage()
              + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
    }
  }

  public Alerting(AlertRules rules, Path dir, String publicUrl, Clock clock) {
    this(rules, dir, publicUrl, clock, RulesConfig.DEFAULT_SETTLE);
  }

  /**
   * @param settle after a restart, how long saved incidents wait for their replicas to be flagged
   *     again before those count as recovered
   */
  public Alerting(AlertRules rules, Path dir, String publicUrl, Clock clock, Duration settle) {
    this.rules = rules;
    this.publicUrl = publicUrl;
    this.clock = clock;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the alerts data directory " + dir, e);
    }
    this.book = new IncidentBook(rules, publicUrl);
    this.store = new IncidentStore(dir);
    List<Incident> saved = store.load();
    if (!saved.isEmpty()) {
      book.restore(saved, clock.instant().plus(settle));
      savedVersion = book.version();
      log.info(
          "alerts: {} incidents continue from before the restart; replicas not flagged again"
              + " within {} s count as recovered",
          saved.size(),
          settle.toSeconds());
    }
    this.routing = new Routing(rules);
    this.silences = new Silences(dir.resolve("silences.json"), clock);
    this.history = new History(dir.resolve("history.jsonl"), rules.delivery().history());
    for (AlertRules.Receiver r : rules.receivers()) {
      formatters.put(r.name(), Formatter.of(r.type(), publicUrl));
    }
    this.deliveries =
        new Deliveries(rules, new PendingStore(dir.resolve("pending")), history, clock);
    publish(); // restored incidents are in the API from the start
    this.engine = new Thread(this::run, "alerts-engine");
    engine.setDaemon(true);
    engine.start();
    log.info(
        "alerts: {} receivers ({}), {} routes, group wait {} ms",
        rules.receivers().size(),
        String.join(", ", rules.receivers().stream().map(r -> r.name() + ":" + r.type()).toList()),
        rules.routes().size(),
        rules.grouping().groupWait().toMillis());
  }

  /** Never blocks: the rules' thread must not wait on chat. */
  @Override
  public void onChange(FlagChange change) {
    if (closed || !changes.offer(change)) {
      long n = droppedChanges.incrementAndGet();
      if (!closed && (n == 1 || Long.bitCount(n) == 1)) {
        log.warn("alerts: {} flag changes dropped, the alerting queue ({}) is full", n, QUEUE);
      }
    }
  }

  /** The HTTP routes: alerts, history, silences. */
  public ApiModule api() {
    return new AlertsApi(this);
  }

  /** Flag changes dropped because the queue was full (a sign the engine is stuck). */
  public long droppedChanges() {
    return droppedChanges.get();
  }

  List<AlertView> firing() {
    return firing;
  }

  Silences silences() {
    return silences;
  }

  History history() {
    return history;
  }

  Clock clock() {
    return clock;
  }

  private void run() {
    List<FlagChange> batch = new ArrayList<>();
    while (!closed) {
      try {
        Instant now = clock.instant();
        long waitMs =
            book.nextDue().map(t -> Math.max(0, Duration.between(now, t).toMillis())).orElse(1000L);
        FlagChange first = changes.poll(Math.min(waitMs, 1000L), TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
          changes.drainTo(batch, 1000);
          Instant at = clock.instant();
          for (FlagChange c : batch) {
            book.apply(c, at);
          }
          batch.clear();
        }
        for (Notice n : book.due(clock.instant())) {
          send(n);
        }
        // After the sends: a crash in between re-sends a message (pending is durable), never
        // loses one.
        if (book.version() != savedVersion) {
          store.save(book.all());
          savedVersion = book.version();
        }
        publish();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // One bad change or a full disk must not stop alerting for good.
        log.error("alerts: engine error (continuing)", e);
      }
    }
  }

  private void send(Notice n) {
    Labels labels = Labels.of(n);
    List<String> to = routing.receivers(labels, n.labels());
    List<String> silencedBy = silences.silencing(labels);
    Instant now = clock.instant();
    for (String receiver : to) {
      if (!silencedBy.isEmpty()) {
        history.record(
            new Attempt(
                now,
                n.incidentId(),
                n.rule(),
                n.service(),
                n.kind().label(),
                receiver,
                "silenced",
                0,
                0,
                "silenced by " + String.join(", ", silencedBy)));
        continue;
      }
      Formatter f = formatters.get(receiver);
      if (f == null) {
        history.record(
            new Attempt(
                now,
                n.incidentId(),
                n.rule(),
                n.service(),
                n.kind().label(),
                receiver,
                "dropped",
                0,
                0,
                "no receiver named '"
                    + receiver
                    + "' (from service label "
                    + Routing.ROUTE_LABEL
                    + ")"));
        continue;
      }
      String username =
          rules.receiver(receiver).map(AlertRules.Receiver::username).orElse("swarmwatch");
      deliveries.submit(
          new Pending(
              UUID.randomUUID().toString(),
              receiver,
              n.incidentId(),
              n.rule(),
              n.service(),
              n.kind().label(),
              now,
              0,
              f.query(n),
              f.body(n, receiver, username)));
    }
  }

  private void publish() {
    List<AlertView> views = new ArrayList<>();
    for (Incident i : book.firing()) {
      views.add(
          new AlertView(
              i.id,
              i.rule,
              i.severity().label(),
              i.service,
              i.stack,
              i.startsAt,
              i.updatedAt,
              i.summary(),
              i.replicas(),
              Map.copyOf(i.labels),
              i.labels()));
    }
    firing = List.copyOf(views);
  }

  /** Idempotent: stops the engine, then delivery; what is pending stays on disk for next start. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    engine.interrupt();
    try {
      engine.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deliveries.close();
    history.close();
  }
}
