package io.swarmwatch.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swarmwatch.cli.ApiCommand;
import io.swarmwatch.cli.Cli;
import io.swarmwatch.cli.client.ApiClient;
import io.swarmwatch.cli.client.CollectorException;
import io.swarmwatch.cli.client.Query;
import io.swarmwatch.cli.output.Fmt;
import io.swarmwatch.cli.output.Json;
import io.swarmwatch.cli.output.Output;
import io.swarmwatch.cli.output.Style;
import io.swarmwatch.cli.output.Table;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code swarmwatch status}: the cluster at a glance, and an exit code scripts can act on. */
@Command(
    name = "status",
    description = {
      "The cluster at a glance: nodes, services, flagged replicas.",
      "Exits 0 when all is well, 1 when anything is degraded or flagged (for scripts and cron)."
    })
public final class StatusCommand extends ApiCommand {
  /** Older collectors have no rules; this many unhealthy replicas get their probe output. */
  static final int PROBE_LOOKUPS = 10;

  @Option(
      names = "--service",
      paramLabel = "NAME",
      description = "Only this service (repeatable); nodes then don't count.")
  List<String> services = new ArrayList<>();

  @Option(
      names = "--stack",
      paramLabel = "STACK",
      description = "Only this stack's services; nodes then don't count.")
  String stack;

  @Override
  protected int run(ApiClient api, Output out) {
    JsonNode nodes = api.get(Query.path("/api/v1/nodes"));
    JsonNode svcs = api.get(Query.path("/api/v1/services").param("stack", stack));
    JsonNode replicas;
    try {
      // Only the flagged ones: on a large cluster the full list is tens of megabytes.
      replicas = api.get(replicas().param("status", "unhealthy"));
    } catch (CollectorException e) {
      if (e.httpStatus() != 400) {
        throw e;
      }
      replicas = api.get(replicas()); // a collector without rules: judge every replica here
    }
    Set<String> only = new LinkedHashSet<>(services);
    boolean scoped = !only.isEmpty() || stack != null;
    ClusterStatus status = ClusterStatus.of(nodes, svcs, replicas, only, stack);
    List<ClusterStatus.Flagged> flagged = withProbeOutput(api, status.flagged());
    if (out.json()) {
      out.printJson(json(status, flagged));
    } else {
      print(status, flagged, scoped, out);
    }
    return status.ok() ? Cli.OK : Cli.DEGRADED;
  }

  private Query replicas() {
    Query q = Query.path("/api/v1/replicas");
    return services.size() == 1 ? q.param("service", services.get(0)) : q;
  }

  /**
   * A collector without rules says only "unhealthy"; the container's last probe output says why.
   * Best effort: a lookup that fails leaves the reason as it was.
   */
  private static List<ClusterStatus.Flagged> withProbeOutput(
      ApiClient api, List<ClusterStatus.Flagged> flagged) {
    List<ClusterStatus.Flagged> out = new ArrayList<>();
    int lookups = 0;
    for (ClusterStatus.Flagged f : flagged) {
      String id = Fmt.text(f.replica(), "containerId");
      boolean derived = !f.replica().has("flags");
      if (!derived || id == null || lookups >= PROBE_LOOKUPS) {
        out.add(f);
        continue;
      }
      lookups++;
      String probe;
      try {
        probe = lastProbe(api.get(Query.path("/api/v1/containers/" + Query.segment(id))));
      } catch (CollectorException gone) {
        probe = null;
      }
      List<Flag> flags = new ArrayList<>();
      for (Flag fl : f.flags()) {
        flags.add(
            fl.rule().equals("unhealthy") && probe != null
                ? new Flag(fl.rule(), fl.severity(), fl.since(), fl.reason() + ": " + probe)
                : fl);
      }
      out.add(new ClusterStatus.Flagged(f.replica(), flags));
    }
    return out;
  }

  /** {@code <output> (exit 1)} of the newest failed probe, or null. */
  static String lastProbe(JsonNode container) {
    List<JsonNode> log = Json.list(container.path("health"), "log");
    for (int i = log.size() - 1; i >= 0; i--) {
      JsonNode p = log.get(i);
      if (p.path("exitCode").asInt(0) != 0) {
        return Fmt.text(p, "output", "").strip() + " (exit " + p.path("exitCode").asInt() + ")";
      }
    }
    return null;
  }

  private static void print(
      ClusterStatus status, List<ClusterStatus.Flagged> flagged, boolean scoped, Output out) {
    Style s = out.style();
    if (!scoped) {
      out.println(s.bold("NODES"));
      Table nodes = new Table("HOSTNAME", "ROLE", "STATUS", "AVAILABILITY", "AGENT");
      for (JsonNode n : status.nodes()) {
        nodes.row(
            Fmt.text(n, "hostname", Fmt.shortId(Fmt.text(n, "id"))),
            NodesCommand.role(n),
            s.status(Fmt.text(n, "status", "unknown")),
            s.status(Fmt.text(n, "availability", "unknown")),
            NodesCommand.agent(n, out));
      }
      printOr(nodes, "no nodes reported yet", out);
      out.println("");
    }
    out.println(s.bold("SERVICES"));
    Table services = new Table("NAME", "STACK", "MODE", "REPLICAS", "HEALTHY", "STATUS", "FLAGS");
    for (JsonNode svc : status.services()) {
      services.row(ServicesCommand.row(svc, s));
    }
    printOr(services, "no services", out);
    out.println("");
    out.println(s.bold("FLAGGED REPLICAS"));
    Table replicas = new Table("REPLICA", "NODE", "RULE", "SEVERITY", "SINCE", "REASON");
    for (ClusterStatus.Flagged f : flagged) {
      for (Flag fl : f.flags()) {
        replicas.row(
            ReplicaRows.name(f.replica()),
            ReplicaRows.node(f.replica()),
            ReplicaRows.paint(fl, s),
            s.status(fl.severity()),
            Fmt.age(fl.since(), out.clock()),
            Flag.brief(fl.reason(), ReplicaRows.REASON_WIDTH));
      }
    }
    printOr(replicas, "none", out);
    out.println("");
    if (status.ok()) {
      out.println(
          s.good("ok")
              + ": "
              + (scoped ? "" : plural(status.nodes().size(), "node") + ", ")
              + plural(status.services().size(), "service")
              + ", nothing flagged");
    } else {
      out.println(s.bad("degraded") + ": " + plural(status.problems().size(), "problem"));
      for (String p : status.problems()) {
        out.println("  - " + p);
      }
    }
  }

  private static void printOr(Table t, String empty, Output out) {
    out.print(t, out.style().dim(empty));
  }

  static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  private static ObjectNode json(ClusterStatus status, List<ClusterStatus.Flagged> flagged) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("status", status.ok() ? "ok" : "degraded");
    ArrayNode problems = o.putArray("problems");
    status.problems().forEach(problems::add);
    o.putArray("nodes").addAll(status.nodes());
    o.putArray("services").addAll(status.services());
    ArrayNode replicas = o.putArray("flagged");
    for (ClusterStatus.Flagged fl : flagged) {
      ObjectNode r = fl.replica().deepCopy();
      ArrayNode flags = r.putArray("flags");
      for (Flag x : fl.flags()) {
        flags
            .addObject()
            .put("rule", x.rule())
            .put("severity", x.severity())
            .put("since", x.since())
            .put("reason", x.reason());
      }
      replicas.add(r);
    }
    return o;
  }
}
