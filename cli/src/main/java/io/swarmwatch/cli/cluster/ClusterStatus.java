package io.swarmwatch.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmwatch.cli.output.Fmt;
import io.swarmwatch.cli.output.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The verdict of {@code swarmwatch status}: ok, or degraded with every reason why. Pure, so the
 * rules behind the exit code are tested without a collector.
 *
 * <p>Degraded means any of: a service whose status is not {@code ok} (degraded, down, or unknown —
 * a smoke check cannot call unknown good); a warning or critical flag on a service or replica; a
 * node that is down or whose agent is not connected. Info flags ({@code no-limits}) are shown
 * elsewhere but never fail the check. With a scope ({@code --service}, {@code --stack}) only those
 * services and their replicas count, and a named service that does not exist is a problem.
 */
record ClusterStatus(
    List<JsonNode> nodes, List<JsonNode> services, List<Flagged> flagged, List<String> problems) {

  /** A replica with the flags that count against it. */
  record Flagged(JsonNode replica, List<Flag> flags) {}

  boolean ok() {
    return problems.isEmpty();
  }

  /**
   * @param services the services in scope (already filtered by stack, if one was given)
   * @param replicas replicas of those services (others are ignored)
   * @param onlyServices names (or ids) the user asked about; empty for all
   * @param stack the stack the user asked about, or null: it must have services
   */
  static ClusterStatus of(
      JsonNode nodes,
      JsonNode services,
      JsonNode replicas,
      Set<String> onlyServices,
      String stack) {
    boolean scoped = !onlyServices.isEmpty() || stack != null;
    List<String> problems = new ArrayList<>();
    List<JsonNode> nodeList = Json.list(nodes);
    if (!scoped) {
      for (JsonNode n : nodeList) {
        String name = Fmt.text(n, "hostname", Fmt.shortId(Fmt.text(n, "id", "?")));
        String status = Fmt.text(n, "status", "unknown");
        if (status.equals("down") || status.equals("disconnected")) {
          problems.add("node " + name + " is " + status);
        }
        JsonNode agent = n.get("agent");
        if (agent != null && agent.isObject() && !agent.path("connected").asBoolean(false)) {
          problems.add("node " + name + " has no agent connected");
        }
        for (Flag f : Flag.of(n)) {
          if (f.counts()) {
            problems.add("node " + name + ": " + f.rule() + " " + Flag.brief(f.reason(), 200));
          }
        }
      }
    }

    List<JsonNode> serviceList = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    Set<String> missing = new LinkedHashSet<>(onlyServices);
    for (JsonNode s : Json.list(services)) {
      String name = Fmt.text(s, "name", "?");
      String id = Fmt.text(s, "id", "");
      if (!onlyServices.isEmpty() && !onlyServices.contains(name) && !onlyServices.contains(id)) {
        continue;
      }
      missing.remove(name);
      missing.remove(id);
      serviceList.add(s);
      names.add(name);
      String status = Fmt.text(s, "status", "unknown");
      if (!status.equals("ok")) {
        problems.add("service " + name + " is " + status + " (" + counts(s) + ")");
      }
      for (Flag f : Flag.of(s)) {
        if (f.counts()) {
          problems.add("service " + name + ": " + f.rule() + " " + Flag.brief(f.reason(), 200));
        }
      }
    }
    for (String m : missing) {
      problems.add("service " + m + " not found");
    }
    if (stack != null && serviceList.isEmpty()) {
      problems.add("no services in stack " + stack);
    }

    List<Flagged> flagged = new ArrayList<>();
    for (JsonNode r : Json.list(replicas)) {
      if (!names.contains(Fmt.text(r, "service", ""))) {
        continue;
      }
      List<Flag> counting = Flag.ofReplica(r).stream().filter(Flag::counts).toList();
      if (!counting.isEmpty()) {
        flagged.add(new Flagged(r, counting));
        problems.add(
            "replica "
                + ReplicaRows.name(r)
                + ": "
                + String.join(", ", counting.stream().map(Flag::rule).toList()));
      }
    }
    return new ClusterStatus(nodeList, serviceList, List.copyOf(flagged), List.copyOf(problems));
  }

  /** {@code 1/2 running, 1 healthy}. */
  static String counts(JsonNode s) {
    String desired = Fmt.text(s, "desired", "?");
    return Fmt.text(s, "running", "?")
        + "/"
        + desired
        + " running, "
        + Fmt.text(s, "healthy", "?")
        + " healthy";
  }
}
