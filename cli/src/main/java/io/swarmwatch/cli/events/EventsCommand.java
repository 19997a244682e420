package io.swarmwatch.cli.events;

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
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code swarmwatch events}: what happened to containers, services and nodes, oldest first. */
@Command(
    name = "events",
    description = "Engine events (die, start, oom, health_status, …), oldest first.")
public final class EventsCommand extends ApiCommand {
  @Option(names = "--service", paramLabel = "NAME", description = "Only this service.")
  String service;

  @Option(names = "--container", paramLabel = "ID", description = "Only this container.")
  String container;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description = "Only this type: die, start, oom, health_status, … or the full action.")
  String type;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description = "From: RFC 3339 or a duration ago (10m).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      description = "Until: RFC 3339 or a duration ago.")
  String until;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "At most the newest N (collector default 100).")
  Integer limit;

  @Override
  protected int run(ApiClient api, Output out) {
    if (limit != null && limit < 1) {
      throw usage("--limit must be at least 1");
    }
    JsonNode events =
        api.get(
            Query.path("/api/v1/events")
                .param("service", service)
                .param("container", container)
                .param("type", type)
                .param("since", since)
                .param("until", until)
                .param("limit", limit));
    if (out.json()) {
      out.printJson(events);
      return Cli.OK;
    }
    Style s = out.style();
    Table t = new Table("TIME", "ACTION", "SUBJECT", "NODE", "DETAIL");
    for (JsonNode e : Json.list(events)) {
      t.row(
          Fmt.time(Fmt.text(e, "time")),
          action(Fmt.text(e, "action", Fmt.text(e, "type", "?")), s),
          subject(e),
          Fmt.shortId(Fmt.text(e, "node")),
          detail(e));
    }
    out.print(t, "no events");
    return Cli.OK;
  }

  /** {@code die} in red, {@code health_status: unhealthy} with its status coloured. */
  static String action(String action, Style s) {
    int colon = action.indexOf(": ");
    if (colon > 0) {
      return action.substring(0, colon + 2) + s.status(action.substring(colon + 2));
    }
    return switch (action) {
      case "die", "oom", "kill" -> s.bad(action);
      case "start" -> s.good(action);
      default -> action;
    };
  }

  /** The container's name, or the service, or the scope: what the event is about. */
  static String subject(JsonNode e) {
    String name = Fmt.text(e, "containerName");
    if (name != null && !name.isBlank()) {
      return name;
    }
    String service = Fmt.text(e, "service");
    if (service != null && !service.isBlank()) {
      return service;
    }
    String id = Fmt.text(e, "containerId");
    return id != null ? Fmt.shortId(id) : Fmt.text(e, "scope");
  }

  /** exit code, then the attributes that say most. */
  static String detail(JsonNode e) {
    List<String> parts = new ArrayList<>();
    String exit = Fmt.text(e, "exitCode");
    if (exit != null) {
      parts.add("exitCode=" + exit);
    }
    JsonNode attrs = e.path("attributes");
    for (String key : List.of("signal", "image", "error", "oomKilled")) {
      String v = Fmt.text(attrs, key);
      if (v != null && !v.isBlank()) {
        parts.add(key + "=" + v);
      }
    }
    return String.join(" ", parts);
  }
}
