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
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code swarmwatch ps SERVICE}: like {@code docker service ps}: the service's replicas with the
 * swarm task's desired and current state and the scheduler's error, plus health and flags.
 */
@Command(name = "ps", description = "One service's replicas, like 'docker service ps'.")
public final class PsCommand extends ApiCommand {
  @Parameters(paramLabel = "SERVICE", description = "Service name or id.")
  String service;

  @Override
  protected int run(ApiClient api, Output out) {
    // Asking for the service first turns a typo into "no service 'x'" instead of an empty list.
    JsonNode svc = api.get(Query.path("/api/v1/services/" + Query.segment(service)));
    JsonNode replicas = api.get(Query.path("/api/v1/replicas").param("service", service));
    if (out.json()) {
      out.printJson(replicas);
      return Cli.OK;
    }
    Style s = out.style();
    out.println(
        s.bold(Fmt.text(svc, "name", service))
            + "  "
            + s.status(Fmt.text(svc, "status", "unknown"))
            + "  "
            + ClusterStatus.counts(svc));
    List<JsonNode> list = Json.list(replicas);
    Table t =
        new Table(
            "REPLICA",
            "TASK",
            "NODE",
            "DESIRED",
            "CURRENT",
            "HEALTH",
            "CONTAINER",
            "ERROR",
            "FLAGS");
    for (JsonNode r : list) {
      JsonNode task = r.path("task");
      String since = Fmt.age(Fmt.text(task, "timestamp", Fmt.text(r, "startedAt")), out.clock());
      // The scheduler's error ("no suitable node (…)"); its message ("started") says nothing new.
      String error = Fmt.text(task, "error");
      t.row(
          ReplicaRows.name(r),
          Fmt.shortId(Fmt.text(r, "taskId")),
          ReplicaRows.node(r),
          Fmt.text(task, "desiredState"),
          (Fmt.text(task, "state") == null
                  ? ReplicaRows.state(r, s)
                  : s.status(Fmt.text(task, "state")))
              + (since == null ? "" : " " + since + " ago"),
          s.status(Fmt.text(r, "health", "none")),
          Fmt.shortId(Fmt.text(r, "containerId")),
          error == null ? null : Flag.brief(error, ReplicaRows.REASON_WIDTH),
          ReplicaRows.flags(Flag.ofReplica(r), s));
    }
    out.print(t, "no replicas");
    return Cli.OK;
  }
}
