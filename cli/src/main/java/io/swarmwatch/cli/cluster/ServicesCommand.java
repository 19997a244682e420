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
import picocli.CommandLine.Option;

/** {@code swarmwatch services}: desired, running and healthy replicas per service. */
@Command(name = "services", description = "Services: desired, running and healthy replicas.")
public final class ServicesCommand extends ApiCommand {
  @Option(names = "--stack", paramLabel = "STACK", description = "Only this stack's services.")
  String stack;

  @Override
  protected int run(ApiClient api, Output out) {
    JsonNode services = api.get(Query.path("/api/v1/services").param("stack", stack));
    if (out.json()) {
      out.printJson(services);
      return Cli.OK;
    }
    Table t = new Table("NAME", "STACK", "MODE", "REPLICAS", "HEALTHY", "STATUS", "FLAGS");
    for (JsonNode s : Json.list(services)) {
      t.row(row(s, out.style()));
    }
    out.print(t, stack == null ? "no services" : "no services in stack " + stack);
    return Cli.OK;
  }

  /** NAME, STACK, MODE, REPLICAS (running/desired), HEALTHY, STATUS, FLAGS. */
  static String[] row(JsonNode s, Style style) {
    String desired = Fmt.text(s, "desired", "?");
    String status = Fmt.text(s, "status", "unknown");
    String update = Fmt.text(s.path("update"), "state");
    return new String[] {
      Fmt.text(s, "name"),
      Fmt.text(s, "stack"),
      Fmt.text(s, "mode"),
      Fmt.text(s, "running", "?") + "/" + desired,
      Fmt.text(s, "healthy", "?"),
      style.status(status)
          + (update == null || update.equals("completed") ? "" : " (update " + update + ")"),
      ReplicaRows.flags(Flag.of(s), style)
    };
  }
}
