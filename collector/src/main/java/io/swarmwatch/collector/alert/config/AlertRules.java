package io.swarmwatch.collector.alert.config;

import io.swarmwatch.collector.rules.Severity;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The alerts file, validated: receivers, routes and the timing of grouping, flapping and delivery.
 * Every default is listed in {@code deploy/alerts.example.yml}.
 *
 * @param defaultReceivers where an incident goes when no route matches (may be empty: dropped)
 */
public record AlertRules(
    List<Receiver> receivers,
    List<Route> routes,
    List<String> defaultReceivers,
    Grouping grouping,
    Flapping flapping,
    Delivery delivery,
    Severity minSeverity) {

  public static final Grouping DEFAULT_GROUPING =
      new Grouping(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofHours(4));
  public static final Flapping DEFAULT_FLAPPING =
      new Flapping(3, Duration.ofMinutes(15), Duration.ofMinutes(5));
  public static final Delivery DEFAULT_DELIVERY =
      new Delivery(
          Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(24), 1000, 10_000);

  public Optional<Receiver> receiver(String name) {
    return receivers.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /**
   * A chat or webhook endpoint.
   *
   * @param type slack, teams, discord, mattermost, googlechat or webhook
   * @param url where to POST (from {@code url} or the file at {@code url_file}); never logged
   * @param timeout per attempt, connect to last byte
   * @param perSecond at most this many messages per second (a token bucket of {@code burst})
   * @param headers extra request headers (e.g. an Authorization for the generic webhook)
   * @param username shown as the sender where the platform allows it ("" for the platform default)
   */
  public record Receiver(
      String name,
      String type,
      URI url,
      Duration timeout,
      double perSecond,
      int burst,
      Map<String, String> headers,
      String username) {
    @Override
    public String toString() {
      // The URL is the secret of an incoming webhook: never print it.
      return "Receiver[" + name + ", " + type + "]";
    }
  }

  /**
   * Routes are tried in order; the first that matches takes the incident unless it says {@code
   * continue}, in which case later routes are tried too.
   */
  public record Route(List<Matcher> matchers, List<String> receivers, boolean continueMatching) {}

  /**
   * @param groupWait after an incident opens, wait this long for its other replicas before the
   *     first message
   * @param groupInterval at most one update (replicas added or recovered) per incident this often
   * @param repeatInterval a still-firing incident is re-announced this often
   */
  public record Grouping(Duration groupWait, Duration groupInterval, Duration repeatInterval) {}

  /**
   * An incident that resolved {@code threshold} times within {@code window} is flapping: its next
   * resolve is held for {@code hold}, and a re-fire within the hold continues the same incident
   * silently instead of sending another firing/resolved pair.
   */
  public record Flapping(int threshold, Duration window, Duration hold) {}

  /**
   * @param backoffMin first retry delay (doubles each attempt, with jitter)
   * @param backoffMax retry delay ceiling
   * @param giveUpAfter a notification still failing this long after it was queued is dropped
   * @param queue pending notifications per receiver; beyond it the oldest is dropped (recorded)
   * @param history attempts kept for {@code GET /api/v1/alerts/history}
   */
  public record Delivery(
      Duration backoffMin, Duration backoffMax, Duration giveUpAfter, int queue, int history) {}
}
