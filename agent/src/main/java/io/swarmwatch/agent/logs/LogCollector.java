package io.swarmwatch.agent.logs;

import com.github.dockerjava.api.DockerClient;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.LogSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the log of every container on the node and hands the lines to a {@link LogSink}.
 *
 * <p>Threads: one reader thread runs a selector over all followed containers' Engine connections
 * (non-blocking sockets, one shared read buffer), and one thread inspects containers before and
 * after following them. No thread per container.
 *
 * <p>Which containers: every one the registry knows, unless labelled {@code swarmwatch.logs=false},
 * that runs or has a run ({@code StartedAt}) whose log was not yet read to its end. When a
 * container stops, the Engine ends its follow stream after the last line; the run is then marked
 * drained in its checkpoint once every line of it is acknowledged.
 *
 * <p>Backpressure: when more than {@link LogsConfig#inFlightBytes()} are read but unacknowledged,
 * the reader stops reading every connection (the Engine keeps the log on disk) until half of it is
 * acknowledged.
 */
public final class LogCollector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogCollector.class);
  private static final long SECOND = 1_000_000_000L;

  private final LogsConfig config;
  private final Supplier<List<Container>> containers;
  private final Inspector inspector;
  private final LogSink sink;
  private final CheckpointStore checkpoints;
  private final LogBatcher batcher;
  private final Selector selector;
  private final Thread thread;
  private final ThreadPoolExecutor inspects;
  private final ConcurrentLinkedQueue<Runnable> control = new ConcurrentLinkedQueue<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocate(128 * 1024);

  // Reader-thread state.
  private final Map<String, Follow> follows = new HashMap<>();
  private final Set<String> inspecting = new HashSet<>();
  private final Map<String, Checkpoint> read = new HashMap<>();
  private final Map<String, Long> doneRun = new HashMap<>();
  private final Map<String, long[]> pendingDrain = new HashMap<>();
  private final Map<String, Long> retryAt = new HashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private boolean paused;
  private long lastScan;
  private long lastPrune;

  private volatile boolean closed;
  private volatile boolean poked;
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong pauses = new AtomicLong();

  LogCollector(
      LogsConfig config, Supplier<List<Container>> containers, Inspector inspector, LogSink sink) {
    this.config = config;
    this.containers = containers;
    this.inspector = inspector;
    this.sink = sink;
    this.checkpoints = new CheckpointStore(config.spoolDir());
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new IllegalStateException("cannot open a selector: " + e, e);
    }
    this.batcher = new LogBatcher(config, sink, selector::wakeup);
    this.thread = new Thread(this::run, "swarmwatch-logs");
    thread.setDaemon(true);
    this.inspects =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(100_000),
            r -> {
              Thread t = new Thread(r, "swarmwatch-logs-inspect");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * @param containers the node's containers as the Engine watcher knows them
   */
  public static LogCollector create(
      LogsConfig config, Supplier<List<Container>> containers, DockerClient docker, LogSink sink) {
    return new LogCollector(config, containers, Inspector.of(docker), sink);
  }

  public void start() {
    thread.start();
  }

  /** Look at the container list now rather than within the second (a container changed). */
  public void poke() {
    poked = true;
    selector.wakeup();
  }

  public long lines() {
    return batcher.lines();
  }

  public long bytes() {
    return batcher.bytes();
  }

  public long batches() {
    return batcher.batches();
  }

  /** Follow streams opened since start. */
  public long streams() {
    return opened.get();
  }

  public long errors() {
    return errors.get();
  }

  /** Times reading stopped because the collector lagged. */
  public long pauses() {
    return pauses.get();
  }

  private void run() {
    try {
      while (!closed) {
        selector.select(Math.max(1, config.batchDelay().toMillis() / 2));
        for (SelectionKey key : selector.selectedKeys()) {
          handle(key);
        }
        selector.selectedKeys().clear();
        Runnable r;
        while ((r = control.poll()) != null) {
          r.run();
        }
        long now = System.nanoTime();
        batcher.flushIfDue(now);
        batcher.drainAcks(this::advance);
        checkDrains();
        backpressure();
        if (poked || now - lastScan >= SECOND) {
          poked = false;
          lastScan = now;
          scan(now);
          flushCheckpoints();
          sink.check();
        }
        if (now - lastPrune >= 60 * SECOND) {
          lastPrune = now;
          prune();
        }
      }
    } catch (ClosedSelectorException e) {
      // closing
    } catch (IOException | RuntimeException e) {
      log.error("log capture stopped on an unexpected error", e);
    } finally {
      for (Follow f : follows.values()) {
        f.close();
      }
      batcher.flush();
      batcher.drainAcks(this::advance);
      flushCheckpoints();
    }
  }

  private void handle(SelectionKey key) {
    Follow f = (Follow) key.attachment();
    try {
      if (!key.isValid()) {
        return;
      }
      if (key.isConnectable() && f.finishConnect()) {
        key.interestOps(SelectionKey.OP_WRITE);
      }
      if (key.isValid() && key.isWritable() && f.writeRequest()) {
        key.interestOps(paused ? 0 : SelectionKey.OP_READ);
        f.paused(paused);
      }
      if (key.isValid() && key.isReadable() && !f.read(readBuffer)) {
        ended(f, key, null);
      }
    } catch (IOException | RuntimeException e) {
      ended(f, key, e);
    }
  }

  private void line(
      Follow f, long time, int stream, byte[] b, int off, int len, boolean cut, Checkpoint pos) {
    read.put(f.id(), pos);
    batcher.add(f.source(), time, stream, b, off, len, cut, pos, System.nanoTime());
  }

  private void advance(String id, Checkpoint c) {
    checkpoints.put(id, c);
  }

  private void scan(long now) {
    List<Container> all = containers.get();
    Set<String> present = new HashSet<>();
    for (Container c : all) {
      String id = c.getId();
      present.add(id);
      if (follows.containsKey(id) || inspecting.contains(id)) {
        continue;
      }
      if ("false".equalsIgnoreCase(c.getLabelsMap().get(LogsConfig.OPT_OUT_LABEL))) {
        continue;
      }
      Long retry = retryAt.get(id);
      if (retry != null && now - retry < 0) {
        continue;
      }
      long run = c.getStartedUnixNanos();
      if (run == 0) {
        continue; // created, never started: no log yet
      }
      if (Long.valueOf(run).equals(doneRun.get(id)) || checkpoints.get(id).drainedRun() == run) {
        continue;
      }
      open(c);
    }
    if (!all.isEmpty()) {
      retryAt.keySet().retainAll(present);
      failures.keySet().retainAll(present);
      doneRun.keySet().retainAll(present);
    }
  }

  private void open(Container c) {
    String id = c.getId();
    inspecting.add(id);
    submit(
        id,
        () -> {
          Optional<Inspector.Info> info = inspector.inspect(id);
          return () -> opened(c, info);
        });
  }

  /** Runs {@code work} on the inspect thread and its result on the reader thread. */
  private void submit(String id, java.util.concurrent.Callable<Runnable> work) {
    try {
      inspects.execute(
          () -> {
            Runnable then;
            try {
              then = work.call();
            } catch (Exception e) {
              then =
                  () -> {
                    inspecting.remove(id);
                    failed(id, "cannot inspect: " + e.getMessage());
                  };
            }
            control.add(then);
            selector.wakeup();
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      inspecting.remove(id);
    }
  }

  private void opened(Container c, Optional<Inspector.Info> info) {
    String id = c.getId();
    inspecting.remove(id);
    if (closed) {
      return;
    }
    if (info.isEmpty()) {
      return; // removed meanwhile: its log is gone with it
    }
    Inspector.Info i = info.get();
    if (!i.running() && checkpoints.get(id).drainedRun() == i.startedAt()) {
      doneRun.put(id, i.startedAt());
      return;
    }
    Checkpoint from = read.getOrDefault(id, checkpoints.get(id));
    try {
      Follow f =
          new Follow(
              config.engine().orElseThrow(),
              source(c),
              i.tty(),
              i.startedAt(),
              from,
              config.maxLineBytes(),
              this::line);
      int ops = f.channel().isConnected() ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT;
      f.channel().register(selector, ops, f);
      follows.put(id, f);
      opened.incrementAndGet();
    } catch (IOException e) {
      failed(id, "cannot connect to the Engine: " + e.getMessage());
    }
  }

  private static LogSource source(Container c) {
    String name = c.getName().startsWith("/") ? c.getName().substring(1) : c.getName();
    return LogSource.newBuilder()
        .setContainerId(c.getId())
        .setContainerName(name)
        .setSwarm(c.getSwarm())
        .build();
  }

  private void ended(Follow f, SelectionKey key, Exception error) {
    key.cancel();
    f.close();
    follows.remove(f.id());
    String refusal = f.refusal();
    if (error != null || refusal != null) {
      failed(
          f.id(),
          error != null ? "log stream broke: " + error : "the Engine refused the log: " + refusal);
      return;
    }
    failures.remove(f.id());
    inspecting.add(f.id());
    submit(
        f.id(),
        () -> {
          Optional<Inspector.Info> info = inspector.inspect(f.id());
          return () -> afterEnd(f, info);
        });
  }

  private void afterEnd(Follow f, Optional<Inspector.Info> info) {
    String id = f.id();
    inspecting.remove(id);
    if (info.isPresent() && info.get().running() && info.get().startedAt() == f.run()) {
      // The stream ended but the run goes on (the Engine restarted?): follow again shortly.
      retryAt.put(id, System.nanoTime() + SECOND);
      return;
    }
    doneRun.put(id, f.run());
    pendingDrain.put(id, new long[] {f.run(), f.position().lineNo()});
    checkDrains();
  }

  private void checkDrains() {
    if (pendingDrain.isEmpty()) {
      return;
    }
    var it = pendingDrain.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      Checkpoint c = checkpoints.get(e.getKey());
      if (c.lineNo() >= e.getValue()[1]) {
        checkpoints.put(e.getKey(), c.drained(e.getValue()[0]));
        read.remove(e.getKey());
        it.remove();
      }
    }
  }

  private void failed(String id, String why) {
    errors.incrementAndGet();
    int n = failures.merge(id, 1, Integer::sum);
    long wait = Math.min(30, 1L << Math.min(n - 1, 5)) * SECOND;
    retryAt.put(id, System.nanoTime() + wait);
    if (n == 1 || n % 10 == 0) {
      log.warn(
          "logs of container {}: {} (attempt {}; retrying in {} s)",
          id.substring(0, Math.min(12, id.length())),
          why,
          n,
          wait / SECOND);
    }
  }

  private void backpressure() {
    long pending = batcher.pendingBytes();
    if (!paused && pending > config.inFlightBytes()) {
      paused = true;
      pauses.incrementAndGet();
      setReading(false);
    } else if (paused && pending <= config.inFlightBytes() / 2) {
      paused = false;
      setReading(true);
    }
  }

  private void setReading(boolean on) {
    for (Follow f : follows.values()) {
      SelectionKey k = f.channel().keyFor(selector);
      if (k != null && k.isValid() && (k.interestOps() == SelectionKey.OP_READ || f.paused())) {
        k.interestOps(on ? SelectionKey.OP_READ : 0);
        f.paused(!on);
      }
    }
  }

  /** Forgets checkpoints of containers the Engine no longer has. */
  private void prune() {
    List<Container> all = containers.get();
    if (all.isEmpty()) {
      return; // the watcher hasn't listed the node yet: nothing to compare with
    }
    Set<String> present = new HashSet<>();
    all.forEach(c -> present.add(c.getId()));
    List<String> candidates = new ArrayList<>();
    for (String id : checkpoints.all().keySet()) {
      if (!present.contains(id) && !follows.containsKey(id) && !inspecting.contains(id)) {
        candidates.add(id);
      }
    }
    for (String id : candidates) {
      inspecting.add(id);
      submit(
          id,
          () -> {
            boolean gone = inspector.inspect(id).isEmpty();
            return () -> {
              inspecting.remove(id);
              if (gone && !pendingDrain.containsKey(id)) {
                checkpoints.remove(id);
                read.remove(id);
              }
            };
          });
    }
  }

  private void flushCheckpoints() {
    try {
      checkpoints.flush();
    } catch (IOException e) {
      errors.incrementAndGet();
      log.warn("cannot write the log checkpoints: {}", e.toString());
    }
  }

  /** Idempotent: stops reading, sends what was read, writes the checkpoints. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    selector.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    inspects.shutdownNow();
    try {
      selector.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }
}
