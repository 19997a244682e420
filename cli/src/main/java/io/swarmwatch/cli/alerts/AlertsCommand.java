package io.swarmwatch.cli.alerts;

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

/**
 * {@code swarmwatch alerts}: the incidents firing now, one per service, with the replicas behind
 * each; {@code alerts history}: what was sent to which receiver and how it went.
 */
@Command(
    name = "alerts",
    description = "Firing alerts and the replicas behind them.",
    subcommands = AlertsCommand.History.class)
public final class AlertsCommand extends ApiCommand {
  @Override
  protected int run(ApiClient api, Output out) {
    JsonNode alerts = api.get(Query.path("/api/v1/alerts"));
    if (out.json()) {
      out.printJson(alerts);
      return Cli.OK;
    }
    List<JsonNode> list = Json.list(alerts);
    if (list.isEmpty()) {
      out.println("no alerts firing");
      return Cli.OK;
    }
    Style s = out.style();
    Table t =
        new Table("ID", "SERVICE", "RULE", "SEVERITY", "STATUS", "SINCE", "REPLICAS", "SUMMARY");
    Table replicas = new Table("ALERT", "REPLICA", "NODE", "SINCE", "REASON");
    for (JsonNode a : list) {
      String id = Fmt.text(a, "id");
      String status = Fmt.text(a, "status", "firing");
      boolean silenced = a.path("silenced").asBoolean(false);
      String by = Fmt.text(a, "silencedBy");
      List<JsonNode> rs = Json.list(a, "replicas");
      t.row(
          Fmt.shortId(id),
          service(a),
          Fmt.text(a, "rule"),
          s.status(Fmt.text(a, "severity", "-")),
          silenced
              ? s.status("silenced") + (by == null ? "" : " by " + Fmt.shortId(by))
              : s.status(status),
          Fmt.age(Fmt.text(a, "startsAt"), out.clock()),
          Integer.toString(rs.size()),
          Fmt.text(a, "summary"));
      for (JsonNode r : rs) {
        replicas.row(
            Fmt.shortId(id),
            replica(a, r),
            Fmt.shortId(Fmt.text(r, "node")),
            Fmt.age(Fmt.text(r, "since"), out.clock()),
            oneLine(Fmt.text(r, "reason", "")));
      }
    }
    t.print(out.out());
    if (!replicas.isEmpty()) {
      out.println("");
      replicas.print(out.out());
    }
    return Cli.OK;
  }

  /**
   * {@code stack_web}-style names are already what swarm shows; a stack is only added if absent.
   */
  static String service(JsonNode a) {
    String service = Fmt.text(a, "service", "-");
    String stack = Fmt.text(a, "stack");
    return stack == null || stack.isBlank() || service.startsWith(stack + "_")
        ? service
        : stack + "/" + service;
  }

  /** The replica's own subject, else {@code service.slot}. */
  static String replica(JsonNode alert, JsonNode r) {
    String subject = Fmt.text(r, "subject");
    if (subject != null && !subject.isBlank()) {
      return subject;
    }
    String slot = Fmt.text(r, "slot");
    return Fmt.text(alert, "service", "?") + "." + (slot == null ? Fmt.text(r, "node", "?") : slot);
  }

  static String oneLine(String s) {
    String one = s.strip().replaceAll("\\s+", " ");
    return one.length() > 120 ? one.substring(0, 119) + "…" : one;
  }

  /** {@code swarmwatch alerts history}. */
  @Command(name = "history", description = "Alert notifications sent: when, where, and outcome.")
  public static final class History extends ApiCommand {
    @Override
    protected int run(ApiClient api, Output out) {
      JsonNode history = api.get(Query.path("/api/v1/alerts/history"));
      if (out.json()) {
        out.printJson(history);
        return Cli.OK;
      }
      Style s = out.style();
      Table t =
          new Table(
              "TIME",
              "INCIDENT",
              "RULE",
              "SERVICE",
              "KIND",
              "RECEIVER",
              "OUTCOME",
              "ATTEMPT",
              "HTTP",
              "ERROR");
      for (JsonNode h : Json.list(history)) {
        t.row(
            Fmt.time(Fmt.text(h, "time")),
            Fmt.shortId(Fmt.text(h, "incidentId")),
            Fmt.text(h, "rule"),
            Fmt.text(h, "service"),
            s.status(Fmt.text(h, "kind", "-")),
            Fmt.text(h, "receiver"),
            s.status(Fmt.text(h, "outcome", "-")),
            Fmt.text(h, "attempt"),
            Fmt.text(h, "httpStatus"),
            oneLine(Fmt.text(h, "error", "")));
      }
      out.print(t, "no alerts sent yet");
      return Cli.OK;
    }
  }
}
