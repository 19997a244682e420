package io.swarmwatch.agent.usage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.CpuStatsConfig;
import com.github.dockerjava.api.model.MemoryStatsConfig;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.StatsConfig;
import com.github.dockerjava.api.model.ThrottlingDataConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import io.swarmwatch.common.Times;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Engine's {@code GET /containers/{id}/stats?stream=false&one-shot=true}. Read-only.
 *
 * <p>docker-java's {@code statsCmd} can't send {@code one-shot} (3.7.1), and without it the Engine
 * waits for its next collection tick to fill {@code precpu_stats}: 1–2 s per call on Engine 20.10
 * (measured). The sampler computes CPU rates from its own previous sample, so {@code one-shot} (API
 * 1.41, Engine 20.10+) is all it needs: the request goes to docker-java's transport beneath the
 * client, and the answer is read into docker-java's {@link Statistics} model. An older Engine
 * ignores the parameter and is just slower.
 *
 * <p>Calls run on a small pool (at most {@code maxInFlight} at a time, each holding one pooled
 * Docker connection; its threads exit after 30 s idle, so an agent that reads cgroups has none) and
 * stop at the round's budget: a call past it is abandoned by closing its response.
 *
 * <p>The Engine gives no OOM kill count (-1), and for a container without a memory limit it reports
 * the host's memory as the limit: a limit equal to the Engine's {@code MemTotal} becomes -1.
 */
final class DockerEngineStats implements EngineStats {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final DockerClient docker;
  private final DockerHttpClient http;
  private final int maxInFlight;
  private final ThreadPoolExecutor pool;
  private volatile long machineMemory;

  DockerEngineStats(DockerClient docker, int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1");
    }
    if (!(docker instanceof DockerClientImpl impl)) {
      throw new IllegalArgumentException(
          "need docker-java's DockerClientImpl to reach its transport, not " + docker.getClass());
    }
    this.docker = docker;
    this.http = impl.getHttpClient();
    this.maxInFlight = maxInFlight;
    AtomicInteger threadNo = new AtomicInteger();
    // The queue never holds more than maxInFlight tasks: submissions wait for a permit first.
    this.pool =
        new ThreadPoolExecutor(
            maxInFlight,
            maxInFlight,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "swarmwatch-engine-stats-" + threadNo.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
  }

  @Override
  public Map<String, Reply> read(List<String> ids, Duration budget) throws InterruptedException {
    long deadline = System.nanoTime() + budget.toNanos();
    long memTotal = machineMemory();
    Semaphore permits = new Semaphore(maxInFlight);
    List<Call> calls = new ArrayList<>(ids.size());
    try {
      for (String id : ids) {
        if (!permits.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
          break;
        }
        Call call = new Call(id, permits);
        calls.add(call);
        try {
          pool.execute(call);
        } catch (RejectedExecutionException e) {
          call.fail(e);
        }
      }
      // All permits back = every started call has finished.
      if (permits.tryAcquire(
          maxInFlight, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        permits.release(maxInFlight);
      }
    } finally {
      // Calls still running past the budget (or when interrupted) are abandoned: closing the
      // response unblocks the thread reading it.
      for (Call c : calls) {
        c.abandon();
      }
    }
    Map<String, Reply> out = new HashMap<>();
    for (Call c : calls) {
      out.put(c.id, c.reply(memTotal));
    }
    return out;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  /** The Engine's MemTotal, asked once (GET /info); 0 while unknown. */
  private long machineMemory() {
    long m = machineMemory;
    if (m == 0) {
      try {
        Long total = docker.infoCmd().exec().getMemTotal();
        m = total == null ? 0 : total;
        machineMemory = m;
      } catch (RuntimeException e) {
        // Unknown for this round: limits are passed through as the Engine reports them.
      }
    }
    return m;
  }

  /**
   * Maps one stats answer; null if the Engine says the container isn't running (it answers those
   * with an all-zero document whose {@code read} time is Go's zero time).
   *
   * @param machineMemory the Engine's MemTotal, 0 if unknown
   */
  static RawUsage toRaw(Statistics s, long machineMemory) {
    long read = Times.parseRfc3339ToNanos(s.getRead());
    if (read == 0) {
      return null;
    }
    long cpu = -1;
    long periods = -1;
    long throttled = -1;
    long throttledNanos = -1;
    CpuStatsConfig c = s.getCpuStats();
    if (c != null && c.getCpuUsage() != null) {
      cpu = orAbsent(c.getCpuUsage().getTotalUsage());
    }
    if (c != null && c.getThrottlingData() != null) {
      ThrottlingDataConfig t = c.getThrottlingData();
      periods = orAbsent(t.getPeriods());
      throttled = orAbsent(t.getThrottledPeriods());
      throttledNanos = orAbsent(t.getThrottledTime());
    }
    long usage = -1;
    long inactive = -1;
    long limit = -1;
    MemoryStatsConfig m = s.getMemoryStats();
    if (m != null) {
      usage = orAbsent(m.getUsage());
      StatsConfig st = m.getStats();
      if (st != null) {
        // cgroup v1 Engines send total_inactive_file (hierarchical), v2 Engines inactive_file.
        inactive =
            st.getTotalInactiveFile() != null
                ? st.getTotalInactiveFile()
                : orAbsent(st.getInactiveFile());
      }
      limit = orAbsent(m.getLimit());
      if (limit > 0 && machineMemory > 0 && limit >= machineMemory) {
        limit = -1;
      }
    }
    long pids = s.getPidsStats() == null ? -1 : orAbsent(s.getPidsStats().getCurrent());
    return new RawUsage(
        RawUsage.ENGINE,
        read,
        cpu,
        periods,
        throttled,
        throttledNanos,
        usage,
        RawUsage.workingSet(usage, inactive),
        limit,
        -1,
        pids,
        0);
  }

  private static long orAbsent(Long v) {
    return v == null ? -1 : v;
  }

  /**
   * One stats request; completes once (answer, error, or abandoned) and then returns its permit.
   */
  private final class Call implements Runnable {
    final String id;
    private final Semaphore permits;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile DockerHttpClient.Response response;
    private volatile Statistics stats;
    private volatile boolean notFound;
    private volatile String error;

    Call(String id, Semaphore permits) {
      this.id = id;
      this.permits = permits;
    }

    @Override
    public void run() {
      if (finished.get()) {
        return; // abandoned before it started
      }
      DockerHttpClient.Request request =
          DockerHttpClient.Request.builder()
              .method(DockerHttpClient.Request.Method.GET)
              .path("/containers/" + id + "/stats?stream=false&one-shot=true")
              .build();
      try (DockerHttpClient.Response r = http.execute(request)) {
        response = r;
        if (finished.get()) {
          return;
        }
        int status = r.getStatusCode();
        if (status == 200) {
          stats = JSON.readValue(r.getBody(), Statistics.class);
        } else if (status == 404) {
          notFound = true;
        } else {
          error = "Engine stats API: HTTP " + status + ": " + message(r);
        }
      } catch (IOException | RuntimeException e) {
        if (!finished.get()) {
          error = "Engine stats API: " + describe(e);
        }
      } finally {
        finish();
      }
    }

    void fail(Throwable t) {
      error = "Engine stats API: " + describe(t);
      finish();
    }

    void abandon() {
      finish();
      DockerHttpClient.Response r = response;
      if (r != null) {
        try {
          r.close();
        } catch (RuntimeException ignored) {
          // Abandoning a call that may already have ended.
        }
      }
    }

    private void finish() {
      if (finished.compareAndSet(false, true)) {
        permits.release();
      }
    }

    Reply reply(long machineMemory) {
      Statistics s = stats;
      if (s != null) {
        RawUsage raw = toRaw(s, machineMemory);
        return raw == null ? Reply.GONE : Reply.of(raw);
      }
      if (notFound) {
        return Reply.GONE;
      }
      String e = error;
      return Reply.failed(e == null ? "no answer from the Engine's stats API in time" : e);
    }
  }

  /** The Engine's {@code {"message": "..."}}, or the start of whatever it sent. */
  private static String message(DockerHttpClient.Response r) {
    try {
      byte[] body = r.getBody().readNBytes(2048);
      try {
        JsonNode m = JSON.readTree(body).get("message");
        if (m != null && m.isTextual()) {
          return m.asText();
        }
      } catch (IOException notJson) {
        // fall through to the raw text
      }
      return new String(body, StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      return "(unreadable body: " + e + ")";
    }
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage();
    return root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.strip());
  }
}
