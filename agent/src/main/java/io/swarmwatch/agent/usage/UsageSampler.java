package io.swarmwatch.agent.usage;

import com.github.dockerjava.api.DockerClient;
import io.swarmwatch.common.Times;
import io.swarmwatch.proto.v1.UsageBatch;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the resource usage of the node's running containers every interval and emits one {@link
 * UsageBatch} per round.
 *
 * <p>Source per container: its cgroup files when the host's cgroup tree is readable ({@code
 * cgroup-v1} / {@code cgroup-v2}), else the Engine's stats API ({@code engine-stats}: slower, no
 * OOM kill count). The Engine is only read, never changed.
 *
 * <p>CPU percentages cover the time between this and the previous sample of the same container from
 * the same source: a container's first sample (and the first after its process or source changed,
 * or its CPU counter went backwards) has {@code cpu_percent_of_host_core} and {@code
 * cpu_percent_of_limit} = -1, "not available" in the proto's terms; its cumulative counters are
 * there, so the collector loses nothing. A container that exits between being listed and being read
 * is left out of the batch quietly.
 *
 * <p>Threads: one daemon thread ({@code swarmwatch-usage}) runs every round for all containers and
 * calls {@code targets} and {@code sink} on it; {@code sink} must not block. Rounds run at a fixed
 * rate and never overlap. The Engine fallback's calls run on a small pool, at most {@value
 * #ENGINE_MAX_IN_FLIGHT} at a time, within the round's interval.
 */
public final class UsageSampler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UsageSampler.class);

  /** Concurrent Engine stats calls (each holds one pooled Docker connection while it runs). */
  static final int ENGINE_MAX_IN_FLIGHT = 4;

  private static final Duration MIN_ENGINE_BUDGET = Duration.ofSeconds(1);

  private final UsageConfig config;
  private final Supplier<List<UsageTarget>> targets;
  private final Consumer<UsageBatch> sink;
  private final EngineStats engine;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final CgroupLocator locator;
  private final CgroupReader reader;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  // Sampling-thread state, guarded by `this` (sampleNow is synchronized).
  private final Map<String, Tracked> tracked = new HashMap<>();
  private long generation;
  private boolean targetsFailing;
  private boolean sinkFailing;

  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong samples = new AtomicLong();
  private final AtomicLong fallbacks = new AtomicLong();
  private final AtomicLong gone = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();

  /**
   * @param targets the running containers, asked at the start of every round (on the sampling
   *     thread)
   * @param sink receives each round's batch (on the sampling thread); must not block
   * @param docker for the Engine stats fallback; null to have none (containers whose cgroup can't
   *     be read are then left out)
   * @param clock stamps each batch ({@code time_unix_nanos})
   */
  public UsageSampler(
      UsageConfig config,
      Supplier<List<UsageTarget>> targets,
      Consumer<UsageBatch> sink,
      DockerClient docker,
      Clock clock) {
    this(
        config,
        targets,
        sink,
        docker == null ? null : new DockerEngineStats(docker, ENGINE_MAX_IN_FLIGHT),
        clock,
        System::nanoTime);
  }

  /**
   * @param nanoTime the monotonic clock CPU rates are computed with (tests drive it)
   */
  UsageSampler(
      UsageConfig config,
      Supplier<List<UsageTarget>> targets,
      Consumer<UsageBatch> sink,
      EngineStats engine,
      Clock clock,
      LongSupplier nanoTime) {
    this.config = config;
    this.targets = targets;
    this.sink = sink;
    this.engine = engine;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.locator = new CgroupLocator(config.cgroupRoot(), config.procRoot());
    this.reader = new CgroupReader(nanoTime);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "swarmwatch-usage");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts sampling: a first round now, then one every interval. Idempotent. */
  public void start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      return;
    }
    if (locator.version() == CgroupLocator.Version.NONE) {
      log.info(
          "no cgroup tree at {}: container usage comes from the Engine's stats API (slower; no"
              + " OOM kill counts). Mount the host's /sys/fs/cgroup and /proc to read cgroups.",
          config.cgroupRoot());
    } else {
      log.info(
          "container usage from cgroup {} files under {}, every {}",
          locator.version() == CgroupLocator.Version.V1 ? "v1" : "v2",
          config.cgroupRoot(),
          config.interval());
    }
    long period = config.interval().toNanos();
    scheduler.scheduleAtFixedRate(this::round, 0, period, TimeUnit.NANOSECONDS);
  }

  private void round() {
    try {
      sampleNow();
    } catch (RuntimeException e) {
      // Never let one bad round end the schedule (a thrown task is never run again).
      errors.incrementAndGet();
      log.warn("container usage round failed", e);
    }
  }

  /**
   * Runs one round on the calling thread: reads every target, emits the batch to the sink and
   * returns it; null if there was no list of targets or the sampler is closing.
   */
  synchronized UsageBatch sampleNow() {
    List<UsageTarget> list;
    try {
      list = targets.get();
      if (targetsFailing) {
        targetsFailing = false;
        log.info("container usage: the list of containers is available again");
      }
    } catch (RuntimeException e) {
      errors.incrementAndGet();
      if (!targetsFailing) {
        targetsFailing = true;
        log.warn("container usage: can't list the containers to sample: {}", e.toString());
      }
      return null;
    }
    long roundStart = nanoTime.getAsLong();
    UsageBatch.Builder batch =
        UsageBatch.newBuilder().setTimeUnixNanos(Times.toUnixNanos(clock.instant()));
    long gen = ++generation;
    List<UsageTarget> viaEngine = new ArrayList<>();
    for (UsageTarget t : list) {
      Tracked tr = tracked.computeIfAbsent(t.containerId(), id -> new Tracked());
      tr.generation = gen;
      if (tr.pid != t.pid()) {
        tr.newProcess(t.pid());
      }
      if (!readCgroup(t, tr, batch)) {
        viaEngine.add(t);
      }
    }
    if (!viaEngine.isEmpty() && !readEngine(viaEngine, roundStart, batch)) {
      return null;
    }
    tracked.values().removeIf(tr -> tr.generation != gen);
    rounds.incrementAndGet();
    UsageBatch b = batch.build();
    try {
      sink.accept(b);
      sinkFailing = false;
    } catch (RuntimeException e) {
      errors.incrementAndGet();
      if (!sinkFailing) {
        sinkFailing = true;
        log.warn("container usage: handing over the batch failed", e);
      }
    }
    return b;
  }

  /** True if the container is done with (sampled, or gone); false to ask the Engine. */
  private boolean readCgroup(UsageTarget t, Tracked tr, UsageBatch.Builder batch) {
    if (locator.version() == CgroupLocator.Version.NONE) {
      return false;
    }
    if (tr.paths == null) {
      tr.paths = locator.locate(t.containerId(), t.pid());
      if (tr.paths == null) {
        // Exited already, or a cgroup tree that isn't its Engine's: the Engine tells which.
        tr.unlocated = true;
        return false;
      }
      tr.unlocated = false;
    }
    RawUsage raw;
    try {
      raw = reader.read(tr.paths);
    } catch (IOException | RuntimeException e) {
      errors.incrementAndGet();
      tr.paths = null;
      warnOnce(
          tr,
          t,
          "can't read its cgroup (" + e + ")" + (engine == null ? "" : "; asking the Engine"));
      return false;
    }
    if (raw == null) {
      gone.incrementAndGet();
      tr.forgetCpu();
      return true;
    }
    add(batch, t, tr, raw);
    return true;
  }

  /** False if interrupted (closing). */
  private boolean readEngine(List<UsageTarget> list, long roundStart, UsageBatch.Builder batch) {
    if (engine == null) {
      for (UsageTarget t : list) {
        errors.incrementAndGet();
        warnOnce(
            tracked.get(t.containerId()),
            t,
            "its cgroup can't be read and there's no Engine to ask; not sampled");
      }
      return true;
    }
    // Longest-unsampled first: when the budget can't cover every container, each gets its turn.
    list.sort(Comparator.comparingLong(t -> tracked.get(t.containerId()).lastSampledNanos));
    List<String> ids = new ArrayList<>(list.size());
    for (UsageTarget t : list) {
      ids.add(t.containerId());
    }
    Duration left = config.interval().minusNanos(nanoTime.getAsLong() - roundStart);
    Map<String, EngineStats.Reply> replies;
    try {
      replies = engine.read(ids, left.compareTo(MIN_ENGINE_BUDGET) < 0 ? MIN_ENGINE_BUDGET : left);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    for (UsageTarget t : list) {
      Tracked tr = tracked.get(t.containerId());
      EngineStats.Reply r = replies.get(t.containerId());
      if (r == null) {
        errors.incrementAndGet();
        warnOnce(tr, t, "the Engine's stats API is too slow to read every container in one round");
      } else if (r.usage() != null) {
        fallbacks.incrementAndGet();
        if (tr.unlocated && locator.version() != CgroupLocator.Version.NONE) {
          warnOnce(
              tr,
              t,
              "its cgroup is not under "
                  + config.cgroupRoot()
                  + "; sampled through the Engine's stats API");
        }
        add(batch, t, tr, r.usage());
      } else if (r.error() == null) {
        gone.incrementAndGet();
        tr.forgetCpu();
      } else {
        errors.incrementAndGet();
        warnOnce(tr, t, r.error() + "; not sampled");
      }
    }
    return true;
  }

  private void add(UsageBatch.Builder batch, UsageTarget t, Tracked tr, RawUsage raw) {
    samples.incrementAndGet();
    batch.addContainers(tr.sample(t, raw, nanoTime.getAsLong()));
  }

  /** One warning per container (for as long as it is listed), not one per interval. */
  private void warnOnce(Tracked tr, UsageTarget t, String why) {
    if (!tr.warned) {
      tr.warned = true;
      log.warn("container usage of {}: {}", shortId(t.containerId()), why);
    } else {
      log.debug("container usage of {}: {}", shortId(t.containerId()), why);
    }
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  /** Completed rounds (batches emitted or attempted). */
  public long rounds() {
    return rounds.get();
  }

  /** Container samples put in batches, from any source. */
  public long samples() {
    return samples.get();
  }

  /** Of those, samples taken from the Engine's stats API. */
  public long fallbacks() {
    return fallbacks.get();
  }

  /** Listed containers left out because they had exited by the time they were read. */
  public long gone() {
    return gone.get();
  }

  /**
   * Failures: a cgroup that exists but can't be read, an Engine stats call that failed or ran out
   * of time, a failed listing of the targets or hand-over of a batch.
   */
  public long errors() {
    return errors.get();
  }

  /** Stops sampling; a round in progress is abandoned. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    scheduler.shutdownNow();
    try {
      if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("container usage sampler did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (engine != null) {
      engine.close();
    }
  }
}
