package io.swarmwatch.collector.alert.config;

import io.swarmwatch.collector.alert.config.AlertRules.Delivery;
import io.swarmwatch.collector.alert.config.AlertRules.Flapping;
import io.swarmwatch.collector.alert.config.AlertRules.Grouping;
import io.swarmwatch.collector.alert.config.AlertRules.Receiver;
import io.swarmwatch.collector.alert.config.AlertRules.Route;
import io.swarmwatch.collector.rules.Severity;
import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Durations;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates the alerts file ({@code SWARMWATCH_ALERTS}). Every error names the file, the
 * line and the key, and says what would be accepted; nothing is silently ignored (unknown keys are
 * errors, so a typo can't switch a setting off).
 */
public final class AlertRulesParser {
  /** Receiver types, each a chat platform's native format (or the generic JSON webhook). */
  public static final Set<String> TYPES =
      Set.of("slack", "teams", "discord", "mattermost", "googlechat", "webhook");

  /** Labels routes and silences can match on; service labels are {@code label.<key>}. */
  public static final Set<String> LABELS = Set.of("rule", "severity", "service", "stack", "node");

  private AlertRulesParser() {}

  public static AlertRules load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read the alerts file " + file + " (SWARMWATCH_ALERTS): " + e);
    }
    return parse(text, file.toString());
  }

  public static AlertRules parse(String text, String source) {
    YamlNode root = YamlNode.parse(text, source);
    Map<String, YamlNode> top =
        root.map(
            Set.of(
                "receivers",
                "routes",
                "default_receiver",
                "min_severity",
                "grouping",
                "flapping",
                "delivery"));
    List<Receiver> receivers = receivers(top.get("receivers"), root);
    Set<String> names = new LinkedHashSet<>();
    receivers.forEach(r -> names.add(r.name()));
    List<Route> routes = new ArrayList<>();
    YamlNode routesNode = top.get("routes");
    if (routesNode != null && !routesNode.isNull()) {
      for (YamlNode r : routesNode.list()) {
        routes.add(route(r, names));
      }
    }
    List<String> defaults =
        top.containsKey("default_receiver")
            ? receiverNames(top.get("default_receiver"), names)
            : List.of();
    Severity min =
        top.containsKey("min_severity") ? severity(top.get("min_severity")) : Severity.WARNING;
    return new AlertRules(
        receivers,
        routes,
        defaults,
        grouping(top.get("grouping")),
        flapping(top.get("flapping")),
        delivery(top.get("delivery")),
        min);
  }

  private static List<Receiver> receivers(YamlNode node, YamlNode root) {
    if (node == null || node.isNull() || node.list().isEmpty()) {
      throw (node == null ? root : node).error("at least one receiver is needed under 'receivers'");
    }
    List<Receiver> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (YamlNode r : node.list()) {
      Map<String, YamlNode> m =
          r.map(
              Set.of(
                  "name",
                  "type",
                  "url",
                  "url_file",
                  "timeout",
                  "rate_limit",
                  "burst",
                  "headers",
                  "username"));
      String name = required(r, m, "name");
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
        throw m.get("name").error("receiver names are letters, digits, '_', '.', '-'");
      }
      if (!seen.add(name)) {
        throw m.get("name").error("receiver '" + name + "' is defined twice");
      }
      String type = required(r, m, "type").toLowerCase(Locale.ROOT);
      if (!TYPES.contains(type)) {
        throw m.get("type")
            .error(
                "unknown type '"
                    + type
                    + "' (one of "
                    + String.join(", ", TYPES.stream().sorted().toList())
                    + ")");
      }
      URI url = url(r, m);
      Duration timeout =
          m.containsKey("timeout") ? duration(m.get("timeout")) : Duration.ofSeconds(10);
      if (timeout.isZero()) {
        throw m.get("timeout").error("timeout must be more than 0");
      }
      double perSecond = m.containsKey("rate_limit") ? rate(m.get("rate_limit")) : 1.0;
      int burst =
          m.containsKey("burst")
              ? integer(m.get("burst"), 1, 1000)
              : (int) Math.max(1, Math.ceil(perSecond));
      Map<String, String> headers = new LinkedHashMap<>();
      if (m.containsKey("headers")) {
        m.get("headers").anyMap().forEach((k, v) -> headers.put(k, v.text()));
      }
      String username = m.containsKey("username") ? m.get("username").text() : "swarmwatch";
      out.add(
          new Receiver(name, type, url, timeout, perSecond, burst, Map.copyOf(headers), username));
    }
    return List.copyOf(out);
  }

  private static URI url(YamlNode r, Map<String, YamlNode> m) {
    YamlNode direct = m.get("url");
    YamlNode file = m.get("url_file");
    if ((direct == null) == (file == null)) {
      throw r.error("a receiver needs exactly one of 'url' or 'url_file'");
    }
    String text;
    YamlNode at;
    if (direct != null) {
      text = direct.text().strip();
      at = direct;
    } else {
      at = file;
      Path p = Path.of(file.text());
      try {
        text = Files.readString(p, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw file.error("cannot read url_file " + p + ": " + e.getClass().getSimpleName());
      }
      if (text.isEmpty()) {
        throw file.error("url_file " + p + " is empty");
      }
    }
    try {
      URI u = new URI(text);
      if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())
          || u.getHost() == null) {
        throw at.error("the webhook URL must be http:// or https:// with a host");
      }
      return u;
    } catch (URISyntaxException e) {
      // The URL may hold a secret token: say where, not what.
      throw at.error("the webhook URL is malformed at character " + e.getIndex());
    }
  }

  private static Route route(YamlNode r, Set<String> names) {
    Map<String, YamlNode> m = r.map(Set.of("match", "match_re", "receiver", "continue"));
    List<Matcher> matchers = new ArrayList<>();
    for (String key : List.of("match", "match_re")) {
      if (!m.containsKey(key)) {
        continue;
      }
      for (var e : m.get(key).anyMap().entrySet()) {
        String label = e.getKey();
        if (!LABELS.contains(label) && !label.startsWith("label.")) {
          throw e.getValue()
              .error(
                  "cannot match on '"
                      + label
                      + "' (one of "
                      + String.join(", ", LABELS.stream().sorted().toList())
                      + ", or label.<service label>)");
        }
        String value = e.getValue().text();
        if (label.equals("severity") && key.equals("match")) {
          severity(e.getValue());
        }
        try {
          matchers.add(Matcher.of(label, value, key.equals("match_re")));
        } catch (IllegalArgumentException bad) {
          throw e.getValue().error(bad.getMessage());
        }
      }
    }
    if (!m.containsKey("receiver")) {
      throw r.error("a route needs a 'receiver'");
    }
    boolean cont = m.containsKey("continue") && bool(m.get("continue"));
    return new Route(List.copyOf(matchers), receiverNames(m.get("receiver"), names), cont);
  }

  private static List<String> receiverNames(YamlNode node, Set<String> names) {
    List<YamlNode> items = node.kind == YamlNode.Kind.LIST ? node.list() : List.of(node);
    List<String> out = new ArrayList<>();
    for (YamlNode n : items) {
      String name = n.text();
      if (!names.contains(name)) {
        throw n.error(
            "no receiver named '" + name + "' (defined: " + String.join(", ", names) + ")");
      }
      out.add(name);
    }
    return List.copyOf(out);
  }

  private static Grouping grouping(YamlNode node) {
    Grouping d = AlertRules.DEFAULT_GROUPING;
    if (node == null || node.isNull()) {
      return d;
    }
    Map<String, YamlNode> m = node.map(Set.of("group_wait", "group_interval", "repeat_interval"));
    Duration wait = m.containsKey("group_wait") ? duration(m.get("group_wait")) : d.groupWait();
    if (wait.compareTo(Duration.ofMinutes(10)) > 0) {
      throw m.get("group_wait").error("group_wait above 10m would hold first messages too long");
    }
    return new Grouping(
        wait,
        m.containsKey("group_interval") ? positive(m.get("group_interval")) : d.groupInterval(),
        m.containsKey("repeat_interval") ? positive(m.get("repeat_interval")) : d.repeatInterval());
  }

  private static Flapping flapping(YamlNode node) {
    Flapping d = AlertRules.DEFAULT_FLAPPING;
    if (node == null || node.isNull()) {
      return d;
    }
    Map<String, YamlNode> m = node.map(Set.of("threshold", "window", "hold"));
    return new Flapping(
        m.containsKey("threshold") ? integer(m.get("threshold"), 1, 1000) : d.threshold(),
        m.containsKey("window") ? positive(m.get("window")) : d.window(),
        m.containsKey("hold") ? duration(m.get("hold")) : d.hold());
  }

  private static Delivery delivery(YamlNode node) {
    Delivery d = AlertRules.DEFAULT_DELIVERY;
    if (node == null || node.isNull()) {
      return d;
    }
    Map<String, YamlNode> m =
        node.map(Set.of("backoff_min", "backoff_max", "give_up_after", "queue", "history"));
    Duration min = m.containsKey("backoff_min") ? positive(m.get("backoff_min")) : d.backoffMin();
    Duration max = m.containsKey("backoff_max") ? positive(m.get("backoff_max")) : d.backoffMax();
    if (max.compareTo(min) < 0) {
      throw (m.containsKey("backoff_max") ? m.get("backoff_max") : m.get("backoff_min"))
          .error("backoff_max must not be below backoff_min");
    }
    return new Delivery(
        min,
        max,
        m.containsKey("give_up_after") ? positive(m.get("give_up_after")) : d.giveUpAfter(),
        m.containsKey("queue") ? integer(m.get("queue"), 1, 1_000_000) : d.queue(),
        m.containsKey("history") ? integer(m.get("history"), 100, 10_000_000) : d.history());
  }

  private static String required(YamlNode owner, Map<String, YamlNode> m, String key) {
    YamlNode n = m.get(key);
    if (n == null || n.isNull()) {
      throw owner.error("'" + key + "' is required");
    }
    String s = n.text().strip();
    if (s.isEmpty()) {
      throw n.error("'" + key + "' must not be empty");
    }
    return s;
  }

  static Severity severity(YamlNode n) {
    String s = n.text().strip().toUpperCase(Locale.ROOT);
    try {
      return Severity.valueOf(s);
    } catch (IllegalArgumentException e) {
      throw n.error("unknown severity '" + n.text() + "' (one of info, warning, critical)");
    }
  }

  private static Duration duration(YamlNode n) {
    try {
      return Durations.parse(n.text());
    } catch (IllegalArgumentException e) {
      throw n.error(e.getMessage());
    }
  }

  private static Duration positive(YamlNode n) {
    Duration d = duration(n);
    if (d.isZero()) {
      throw n.error("must be more than 0");
    }
    return d;
  }

  private static int integer(YamlNode n, int min, int max) {
    try {
      int v = Integer.parseInt(n.text().strip());
      if (v < min || v > max) {
        throw n.error("must be between " + min + " and " + max + ", got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw n.error("must be a whole number, got '" + n.text() + "'");
    }
  }

  private static boolean bool(YamlNode n) {
    return switch (n.text().strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw n.error("must be true or false, got '" + n.text() + "'");
    };
  }

  /** {@code 30/m}, {@code 1/s}, {@code 100/h}: messages per second. */
  private static double rate(YamlNode n) {
    String s = n.text().strip();
    var m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*/\\s*(s|m|h)").matcher(s);
    if (!m.matches()) {
      throw n.error("rate_limit is messages per time, e.g. 1/s, 30/m, 100/h; got '" + s + "'");
    }
    double count = Double.parseDouble(m.group(1));
    if (count <= 0) {
      throw n.error("rate_limit must allow at least some messages");
    }
    return switch (m.group(2)) {
      case "s" -> count;
      case "m" -> count / 60;
      default -> count / 3600;
    };
  }
}
