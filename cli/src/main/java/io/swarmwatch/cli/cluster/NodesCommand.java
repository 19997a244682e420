package io.swarmwatch.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmwatch.cli.ApiCommand;
import io.swarmwatch.cli.Cli;
import io.swarmwatch.cli.client.ApiClient;
import io.swarmwatch.cli.client.Query;
import io.swarmwatch.cli.output.Fmt;
import io.swarmwatch.cli.output.Json;
import io.swarmwatch.cli.output.Output;
import io.swarmwatch.cli.output.Style;
import io.swarmwatch.cli.output.Table;
import picocli.CommandLine.Command;

/** {@code swarmwatch nodes}: every node and the state of its agent. */
@Command(name = "nodes", description = "Nodes: the swarm's view and their agents' state.")
public final class NodesCommand extends ApiCommand {
  @Override
  protected int run(ApiClient api, Output out) {
    JsonNode nodes = api.get(Query.path("/api/v1/nodes"));
    if (out.json()) {
      out.printJson(nodes);
      return Cli.OK;
    }
    Style s = out.style();
    Table t =
        new Table(
            "ID",
            "HOSTNAME",
            "ROLE",
            "STATUS",
            "AVAILABILITY",
            "ENGINE",
            "AGENT",
            "CPU",
            "MEMORY",
            "LOAD");
    for (JsonNode n : Json.list(nodes)) {
      JsonNode total = Json.number(n, "/host/memoryTotalBytes");
      JsonNode avail = Json.number(n, "/host/memoryAvailableBytes");
      String memory =
          total == null
              ? Fmt.bytes(Json.number(n, "/memoryBytes"))
              : (avail == null
                  ? Fmt.bytes(total)
                  : Fmt.bytes(Output.tree(total.asLong() - avail.asLong()))
                      + " / "
                      + Fmt.bytes(total));
      JsonNode load = Json.number(n, "/host/load1");
      t.row(
          Fmt.shortId(Fmt.text(n, "id")),
          Fmt.text(n, "hostname"),
          role(n),
          s.status(Fmt.text(n, "status", "unknown")),
          s.status(Fmt.text(n, "availability", "unknown")),
          Fmt.text(n, "engineVersion"),
          agent(n, out),
          Fmt.percent(Json.number(n, "/host/cpuPercent")),
          memory,
          load == null ? null : String.format(java.util.Locale.ROOT, "%.2f", load.asDouble()));
    }
    out.print(t, "no nodes reported yet");
    return Cli.OK;
  }

  /** {@code manager (leader)}, {@code worker}. */
  static String role(JsonNode n) {
    String role = Fmt.text(n, "role", "unknown");
    return n.path("leader").asBoolean(false) ? role + " (leader)" : role;
  }

  /** {@code connected 0.1.0}, {@code disconnected 5m}, {@code missing}. */
  static String agent(JsonNode n, Output out) {
    JsonNode a = n.get("agent");
    Style s = out.style();
    if (a == null || !a.isObject()) {
      return s.status("unknown");
    }
    if (a.path("connected").asBoolean(false)) {
      String v = Fmt.text(a, "version");
      return s.status("connected") + (v == null ? "" : " " + v);
    }
    String seen = Fmt.age(Fmt.text(a, "lastSeen"), out.clock());
    return seen == null ? s.status("missing") : s.status("disconnected") + " " + seen + " ago";
  }
}
