package io.swarmwatch.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmwatch.cli.ApiCommand;
import io.swarmwatch.cli.Cli;
import io.swarmwatch.cli.client.ApiClient;
import io.swarmwatch.cli.client.Query;
import io.swarmwatch.cli.output.Json;
import io.swarmwatch.cli.output.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code swarmwatch replicas}: replicas with their state, health, usage and flags. */
@Command(
    name = "replicas",
    description = "Replicas: state, health, CPU and memory against limits, and what is flagged.")
public final class ReplicasCommand extends ApiCommand {
  @Option(names = "--service", paramLabel = "NAME", description = "Only this service (name or id).")
  String service;

  @Option(names = "--node", paramLabel = "NODE", description = "Only this node (hostname or id).")
  String node;

  @Option(
      names = "--unhealthy",
      description = "Only replicas the rules flagged (GET /api/v1/replicas?status=unhealthy).")
  boolean unhealthy;

  @Override
  protected int run(ApiClient api, Output out) {
    JsonNode replicas =
        api.get(
            Query.path("/api/v1/replicas")
                .param("service", service)
                .param("node", node)
                .param("status", unhealthy ? "unhealthy" : null));
    if (out.json()) {
      out.printJson(replicas);
    } else {
      ReplicaRows.table(Json.list(replicas), out);
    }
    return Cli.OK;
  }
}
