package io.swarmwatch.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import io.swarmwatch.common.Backoff;
import io.swarmwatch.common.Durations;
import io.swarmwatch.common.Times;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerRemoved;
import io.swarmwatch.proto.v1.Snapshot;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the Engine's {@code /events} stream and re-inspects containers whose state an event
 * changed. After any loss of the stream it reconnects with backoff, resumes with {@code since=} the
 * last event seen (so events in the gap are replayed by the Engine, and the ones already seen are
 * skipped), and re-lists everything (a {@link Snapshot}) to reconcile. It also lists everything
 * right after the first subscription, so the sink knows every container from the start.
 *
 * <p>Read-only: it calls events, list, inspect and info, never anything that changes the Engine.
 *
 * <p>Threads: one follows the event stream, one inspects containers marked dirty (so a slow inspect
 * never stalls the stream; a container marked twice before its inspect is inspected once).
 */
public final class EngineWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EngineWatcher.class);

  /** Container actions after which the container's inspect result may differ. */
  private static final Set<String> INSPECT_AFTER =
      Set.of(
          "create",
          "start",
          "restart",
          "die",
          "oom",
          "kill",
          "stop",
          "pause",
          "unpause",
          "update",
          "rename",
          "health_status");

  private final DockerClient docker;
  private final EngineSink sink;
  private final Clock clock;
  private final Backoff backoff;
  private final String engineAddress;
  private final boolean forwardExecEvents;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Object dirtyLock = new Object();
  private final LinkedHashSet<String> dirty = new LinkedHashSet<>();
  private final Thread eventsThread;
  private final Thread inspectThread;
  private volatile ResultCallback.Adapter<Event> stream;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong subscriptions = new AtomicLong();
  private final AtomicLong engineErrors = new AtomicLong();
  private final AtomicLong inspects = new AtomicLong();
  private final AtomicLong inspectErrors = new AtomicLong();

  /**
   * Guards the resume position. Callbacks of a stream that was given up (it failed, or the list
   * after subscribing failed) can still be running on docker-java's thread while the next stream
   * starts: {@link #handle} ignores any stream but the current one, under this lock.
   */
  private final Object positionLock = new Object();

  /**
   * A stream that lived this long was a real connection: the next failure starts the backoff again
   * from its minimum. One that fails sooner (the Engine accepts and drops at once) keeps backing
   * off, so a flapping Engine isn't hammered at the minimum interval.
   */
  static final Duration STABLE_STREAM = Duration.ofSeconds(30);

  private long lastEventNanos;
  private final Set<String> keysAtLastNanos = new HashSet<>();

  public EngineWatcher(DockerClient docker, WatchConfig config, EngineSink sink, Clock clock) {
    this.docker = docker;
    this.engineAddress = config.engineAddress();
    this.forwardExecEvents = config.forwardExecEvents();
    this.sink = sink;
    this.clock = clock;
    this.backoff = new Backoff(config.backoffMin(), config.backoffMax());
    this.eventsThread = new Thread(this::followEvents, "swarmwatch-engine-events");
    this.inspectThread = new Thread(this::inspectDirty, "swarmwatch-engine-inspect");
    eventsThread.setDaemon(true);
    inspectThread.setDaemon(true);
  }

  public void start() {
    synchronized (positionLock) {
      lastEventNanos = Times.toUnixNanos(clock.instant());
    }
    eventsThread.start();
    inspectThread.start();
  }

  /** Lists every container (running or not) and inspects each. Blocking; throws if unreachable. */
  public Snapshot snapshot() {
    long takenAt = Times.toUnixNanos(clock.instant());
    List<com.github.dockerjava.api.model.Container> listed =
        docker.listContainersCmd().withShowAll(true).exec();
    List<Container> containers = new ArrayList<>(listed.size());
    for (com.github.dockerjava.api.model.Container c : listed) {
      try {
        containers.add(
            ContainerMapper.toProto(
                docker.inspectContainerCmd(c.getId()).exec(), Times.toUnixNanos(clock.instant())));
      } catch (NotFoundException gone) {
        // Removed between list and inspect: absent from the snapshot is the truth.
      }
    }
    return Snapshot.newBuilder().setTakenAtUnixNanos(takenAt).addAllContainers(containers).build();
  }

  private void followEvents() {
    boolean reconcile = false;
    while (closed.getCount() > 0) {
      ResultCallback.Adapter<Event> cb =
          new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Event e) {
              handle(this, e);
            }
          };
      long since;
      synchronized (positionLock) {
        stream = cb;
        since = lastEventNanos;
      }
      boolean subscribed = false;
      long subscribedAt = 0;
      try {
        docker
            .eventsCmd()
            .withEventTypeFilter(EventType.CONTAINER, EventType.NODE, EventType.SERVICE)
            .withSince(sinceParam(since))
            .exec(cb);
        subscriptions.incrementAndGet();
        // Subscribed first, listed second: nothing can fall between the two.
        Snapshot s = snapshot();
        sink.snapshot(s);
        subscribed = true;
        subscribedAt = System.nanoTime();
        if (reconcile) {
          log.info(
              "Docker Engine at {} is back: resumed events, re-listed {} containers",
              engineAddress,
              s.getContainersCount());
        } else {
          log.info(
              "following events of the Docker Engine at {} ({} containers)",
              engineAddress,
              s.getContainersCount());
        }
        reconcile = true;
        cb.awaitCompletion();
        if (closed.getCount() > 0) {
          log.warn("Docker Engine at {} closed the event stream", engineAddress);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (closed.getCount() == 0) {
          return;
        }
        reconcile = true;
        engineErrors.incrementAndGet();
        if (subscribed) {
          log.warn("lost the Docker Engine's event stream at {}: {}", engineAddress, describe(e));
        } else {
          log.warn("Docker Engine unreachable at {}: {}", engineAddress, describe(e));
        }
      } finally {
        synchronized (positionLock) {
          stream = null; // from here on, late callbacks of cb are ignored
        }
        closeQuietly(cb);
      }
      if (closed.getCount() == 0) {
        return;
      }
      if (subscribed && System.nanoTime() - subscribedAt >= STABLE_STREAM.toNanos()) {
        backoff.reset();
      }
      Duration wait = backoff.next();
      log.info("reconnecting to the Docker Engine in {}", Durations.format(wait));
      if (awaitClosed(wait)) {
        return;
      }
    }
  }

  private void handle(ResultCallback.Adapter<Event> from, Event e) {
    long nanos = EventMapper.timeNanos(e);
    String action = EventMapper.action(e);
    String id = e.getActor() != null ? e.getActor().getId() : e.getId();
    String key = e.getType() + "/" + action + "/" + id;
    synchronized (positionLock) {
      if (from != stream) {
        return; // a stream given up: the current one replays from the resume position
      }
      // After a reconnect the Engine replays from `since` inclusive: skip what was already sent.
      if (nanos < lastEventNanos || (nanos == lastEventNanos && !keysAtLastNanos.add(key))) {
        return;
      }
      if (nanos > lastEventNanos) {
        lastEventNanos = nanos;
        keysAtLastNanos.clear();
        keysAtLastNanos.add(key);
      }
    }
    int colon = action.indexOf(':');
    String base = colon < 0 ? action : action.substring(0, colon);
    if (!forwardExecEvents && base.startsWith("exec_")) {
      // Every health probe is an exec: three events per probe per container. The probe's
      // result arrives as health_status and in the inspect result instead.
      return;
    }
    events.incrementAndGet();
    sink.event(EventMapper.toProto(e));
    if (e.getType() != EventType.CONTAINER || id == null) {
      return;
    }
    if (base.equals("destroy")) {
      synchronized (dirtyLock) {
        dirty.remove(id);
      }
      sink.removed(
          ContainerRemoved.newBuilder().setId(id).setObservedUnixNanos(nowNanos()).build());
    } else if (INSPECT_AFTER.contains(base)) {
      synchronized (dirtyLock) {
        dirty.add(id);
        dirtyLock.notifyAll();
      }
    }
  }

  private void inspectDirty() {
    while (closed.getCount() > 0) {
      String id;
      synchronized (dirtyLock) {
        while (dirty.isEmpty()) {
          try {
            dirtyLock.wait(1000);
          } catch (InterruptedException e) {
            return;
          }
          if (closed.getCount() == 0) {
            return;
          }
        }
        var it = dirty.iterator();
        id = it.next();
        it.remove();
      }
      try {
        inspects.incrementAndGet();
        sink.container(ContainerMapper.toProto(docker.inspectContainerCmd(id).exec(), nowNanos()));
      } catch (NotFoundException gone) {
        sink.removed(
            ContainerRemoved.newBuilder().setId(id).setObservedUnixNanos(nowNanos()).build());
      } catch (RuntimeException e) {
        // The Engine went away; the re-list after the event stream reconnects covers this one.
        inspectErrors.incrementAndGet();
        log.debug("inspect {} failed: {}", id, describe(e));
      }
    }
  }

  /** Events forwarded since start (replays after a reconnect and exec noise not counted). */
  public long events() {
    return events.get();
  }

  /** Event-stream subscriptions since start: 1 + reconnects. */
  public long subscriptions() {
    return subscriptions.get();
  }

  /** Failed attempts to reach the Engine's event stream. */
  public long engineErrors() {
    return engineErrors.get();
  }

  public long inspects() {
    return inspects.get();
  }

  public long inspectErrors() {
    return inspectErrors.get();
  }

  /** Docker's {@code since} takes fractional unix seconds. */
  static String sinceParam(long unixNanos) {
    return String.format(
        Locale.ROOT,
        "%d.%09d",
        Math.floorDiv(unixNanos, 1_000_000_000L),
        Math.floorMod(unixNanos, 1_000_000_000L));
  }

  private long nowNanos() {
    return Times.toUnixNanos(clock.instant());
  }

  private boolean awaitClosed(Duration d) {
    try {
      return closed.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage();
    return root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  private static void closeQuietly(ResultCallback.Adapter<Event> cb) {
    try {
      cb.close();
    } catch (IOException | RuntimeException ignored) {
      // Closing a stream that already failed.
    }
  }

  /** Idempotent: stops both threads and the event stream. */
  @Override
  public void close() {
    if (closed.getCount() == 0) {
      return;
    }
    closed.countDown();
    ResultCallback.Adapter<Event> s;
    synchronized (positionLock) {
      s = stream;
    }
    if (s != null) {
      closeQuietly(s);
    }
    synchronized (dirtyLock) {
      dirtyLock.notifyAll();
    }
    eventsThread.interrupt();
    try {
      eventsThread.join(5000);
      inspectThread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
