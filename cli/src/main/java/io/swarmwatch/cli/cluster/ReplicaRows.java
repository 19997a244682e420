package io.swarmwatch.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmwatch.cli.output.Fmt;
import io.swarmwatch.cli.output.Json;
import io.swarmwatch.cli.output.Output;
import io.swarmwatch.cli.output.Style;
import io.swarmwatch.cli.output.Table;
import java.util.List;
import java.util.stream.Collectors;

/** How a replica reads in a table; shared by {@code replicas}, {@code ps} and {@code status}. */
final class ReplicaRows {
  static final int REASON_WIDTH = 100;

  private ReplicaRows() {}

  /** {@code web.1}, or {@code agent.<node>} for a global service's replica (no slot). */
  static String name(JsonNode r) {
    String service = Fmt.text(r, "service", "?");
    String slot = Fmt.text(r, "slot");
    if (slot != null) {
      return service + "." + slot;
    }
    return service + "." + Fmt.text(r, "nodeHostname", Fmt.shortId(Fmt.text(r, "node", "?")));
  }

  static String node(JsonNode r) {
    return Fmt.text(r, "nodeHostname", Fmt.shortId(Fmt.text(r, "node")));
  }

  /** {@code running}, {@code exited (137)}, {@code exited (137, OOM)}. */
  static String state(JsonNode r, Style style) {
    String state = Fmt.text(r, "state", "unknown");
    String code = Fmt.text(r, "exitCode");
    boolean oom = r.path("oomKilled").asBoolean(false);
    String detail =
        state.equals("running") || (code == null && !oom)
            ? ""
            : " ("
                + (code == null ? "" : code)
                + (oom ? (code == null ? "OOM" : ", OOM") : "")
                + ")";
    return style.status(state) + detail;
  }

  /** {@code 3.4MiB / 48MiB (7.1%)}; only what is known. */
  static String memory(JsonNode r) {
    String used = Fmt.bytes(Json.number(r, "/usage/memoryBytes"));
    JsonNode limitNode = Json.number(r, "/limits/memoryBytes");
    if (limitNode == null || limitNode.asLong() <= 0) {
      limitNode = Json.number(r, "/usage/memoryLimitBytes");
    }
    String limit = limitNode == null || limitNode.asLong() <= 0 ? null : Fmt.bytes(limitNode);
    if (used == null) {
      return limit == null ? null : "- / " + limit;
    }
    return limit == null ? used : used + " / " + limit;
  }

  static String flags(List<Flag> flags, Style style) {
    return flags.stream()
        .map(
            f ->
                paint(f, style)
                    + (f.reason().isBlank() ? "" : ": " + Flag.brief(f.reason(), REASON_WIDTH)))
        .collect(Collectors.joining("; "));
  }

  static String paint(Flag f, Style style) {
    return switch (f.severity()) {
      case "critical" -> style.bad(f.rule());
      case "warning" -> style.warn(f.rule());
      default -> style.dim(f.rule());
    };
  }

  static void table(List<JsonNode> replicas, Output out) {
    Style s = out.style();
    Table t =
        new Table(
            "REPLICA", "NODE", "STATE", "HEALTH", "CPU", "MEMORY", "TASK", "CONTAINER", "FLAGS");
    for (JsonNode r : replicas) {
      t.row(
          name(r),
          node(r),
          state(r, s),
          s.status(Fmt.text(r, "health", "none")),
          Fmt.percent(Json.number(r, "/usage/cpuPercent")),
          memory(r),
          Fmt.shortId(Fmt.text(r, "taskId")),
          Fmt.shortId(Fmt.text(r, "containerId")),
          flags(Flag.ofReplica(r), s));
    }
    out.print(t, "no replicas");
  }
}
