package io.swarmwatch.collector.alert.delivery;

import io.swarmwatch.collector.alert.config.AlertRules;
import io.swarmwatch.collector.alert.config.AlertRules.Receiver;
import io.swarmwatch.collector.alert.format.Formatter;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one receiver's notifications, in order, on its own thread with its own HTTP client: a
 * receiver that hangs or fails only ever delays itself. A notification being retried holds back
 * later ones for the same receiver so chat never shows "resolved" before "firing". The queue is
 * bounded; when full the oldest waiting notification is dropped (and recorded as dropped).
 */
final class Dispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final int ERROR_BODY_MAX = 300;

  private final Receiver receiver;
  private final int capacity;
  private final PendingStore store;
  private final Attempt.Log history;
  private final Clock clock;
  private final RetryPolicy retry;
  private final RateLimiter limiter;
  private final HttpClient http;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Thread thread;
  private volatile boolean closed;
  private long retryAtNanos;

  Dispatcher(
      Receiver receiver,
      AlertRules.Delivery policy,
      PendingStore store,
      Attempt.Log history,
      Clock clock) {
    this.receiver = receiver;
    this.capacity = policy.queue();
    this.store = store;
    this.history = history;
    this.clock = clock;
    this.retry = new RetryPolicy(policy, Math::random);
    this.limiter = new RateLimiter(receiver.perSecond(), receiver.burst(), System::nanoTime);
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(receiver.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.thread = new Thread(this::run, "alerts-" + receiver.name());
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues an already-stored notification. Never blocks. */
  void offer(Pending p) {
    Pending dropped = null;
    lock.lock();
    try {
      if (queue.size() >= capacity) {
        dropped = queue.pollFirst();
      }
      queue.addLast(p);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (dropped != null) {
      store.remove(dropped);
      history.record(
          dropped.outcome(
              clock.instant(),
              "dropped",
              0,
              "queue full (" + capacity + " pending for this receiver)"));
      log.warn(
          "alerts: receiver {} has {} notifications pending; dropped the oldest",
          receiver.name(),
          capacity);
    }
  }

  int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (!closed) {
      Pending p;
      try {
        p = take();
        if (p == null) {
          return;
        }
        long wait = limiter.reserve();
        if (wait > 0 && !sleepNanos(wait)) {
          requeueFirst(p);
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
      attempt(p.nextAttempt());
    }
  }

  /** The next notification once its retry time has come; null when closed. */
  private Pending take() throws InterruptedException {
    lock.lock();
    try {
      while (!closed && queue.isEmpty()) {
        changed.await();
      }
      while (!closed) {
        long left = retryAtNanos - System.nanoTime();
        if (left <= 0) {
          break;
        }
        changed.awaitNanos(left);
      }
      return closed ? null : queue.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  private boolean sleepNanos(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    lock.lock();
    try {
      long left;
      while (!closed && (left = deadline - System.nanoTime()) > 0) {
        changed.awaitNanos(left);
      }
      return !closed;
    } finally {
      lock.unlock();
    }
  }

  private void requeueFirst(Pending p) {
    lock.lock();
    try {
      queue.addFirst(p);
    } finally {
      lock.unlock();
    }
  }

  private void attempt(Pending p) {
    int status = 0;
    Optional<String> retryAfter = Optional.empty();
    String error = "";
    try {
      HttpRequest.Builder req =
          HttpRequest.newBuilder(Formatter.withQuery(receiver.url(), p.query()))
              .timeout(receiver.timeout())
              .header("Content-Type", "application/json; charset=utf-8")
              .header("User-Agent", "swarmwatch-collector")
              .POST(HttpRequest.BodyPublishers.ofByteArray(p.body()));
      receiver.headers().forEach(req::header);
      HttpResponse<InputStream> r =
          http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
      status = r.statusCode();
      retryAfter = r.headers().firstValue("Retry-After");
      try (InputStream in = r.body()) {
        if (status < 200 || status >= 300) {
          error =
              "HTTP "
                  + status
                  + ": "
                  + new String(in.readNBytes(ERROR_BODY_MAX), StandardCharsets.UTF_8).strip();
        }
      }
    } catch (HttpTimeoutException e) {
      error = "no answer within " + receiver.timeout().toMillis() + " ms";
    } catch (IOException e) {
      error =
          "cannot reach the receiver: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage());
    } catch (InterruptedException e) {
      // Closing: the notification stays on disk and is sent after the next start.
      Thread.currentThread().interrupt();
      requeueFirst(p);
      closed = true;
      return;
    } catch (IllegalArgumentException e) {
      // A header the HTTP client refuses (restricted name): permanent.
      error = "request refused by the HTTP client: " + e.getMessage();
      status = -1;
    }
    var now = clock.instant();
    RetryPolicy.Decision d =
        status == -1
            ? RetryPolicy.Decision.FAILED
            : retry.decide(status, retryAfter, p.attempt(), p.createdAt(), now);
    int shownStatus = Math.max(status, 0);
    switch (d.outcome()) {
      case "delivered" -> {
        store.remove(p);
        history.record(p.outcome(now, "delivered", shownStatus, ""));
      }
      case "retrying" -> {
        store.save(p);
        history.record(
            p.outcome(
                now,
                "retrying",
                shownStatus,
                error + " (next try in " + d.delay().toMillis() + " ms)"));
        lock.lock();
        try {
          retryAtNanos = System.nanoTime() + d.delay().toNanos();
          queue.addFirst(p);
        } finally {
          lock.unlock();
        }
      }
      default -> {
        store.remove(p);
        history.record(p.outcome(now, "failed", shownStatus, error));
        log.warn("alerts: gave up on a {} message to {}: {}", p.kind(), receiver.name(), error);
      }
    }
  }

  /** Idempotent. Waiting notifications stay on disk for the next start. */
  @Override
  public void close() {
    if (closed && !thread.isAlive()) {
      return;
    }
    closed = true;
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  Duration timeout() {
    return receiver.timeout();
  }
}
