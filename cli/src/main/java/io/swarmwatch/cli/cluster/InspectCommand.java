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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code swarmwatch inspect CONTAINER}: one container in full, with its health check's last probe
 * results and their own output — the "why" of an unhealthy replica.
 */
@Command(
    name = "inspect",
    description = "One container: state, limits, usage, flags and the health probe log.")
public final class InspectCommand extends ApiCommand {
  @Parameters(paramLabel = "CONTAINER", description = "Container id (or a unique prefix).")
  String container;

  @Override
  protected int run(ApiClient api, Output out) {
    JsonNode c = api.get(Query.path("/api/v1/containers/" + Query.segment(container)));
    if (out.json()) {
      out.printJson(c);
      return Cli.OK;
    }
    Style s = out.style();
    List<String[]> kv = new ArrayList<>();
    kv.add(new String[] {"Container", Fmt.text(c, "id")});
    kv.add(new String[] {"Name", Fmt.text(c, "name")});
    kv.add(new String[] {"Image", Fmt.text(c, "image")});
    String service = Fmt.text(c, "service");
    if (service != null) {
      String stack = Fmt.text(c, "stack");
      String slot = Fmt.text(c, "slot");
      kv.add(
          new String[] {
            "Service",
            service
                + (slot == null ? "" : " slot " + slot)
                + (stack == null || stack.isBlank() ? "" : " (stack " + stack + ")")
          });
      kv.add(new String[] {"Task", Fmt.text(c, "taskId")});
    }
    String host = Fmt.text(c, "nodeHostname");
    String node = Fmt.text(c, "node");
    kv.add(new String[] {"Node", host == null ? node : host + " (" + node + ")"});
    kv.add(new String[] {"State", state(c, out)});
    JsonNode health = c.path("health");
    if (health.isObject()) {
      kv.add(
          new String[] {
            "Health",
            s.status(Fmt.text(health, "status", "none"))
                + (health.path("failingStreak").asInt(0) > 0
                    ? ", failing streak " + health.path("failingStreak").asInt()
                    : "")
          });
    }
    String cpus = Fmt.cpus(Json.number(c, "/limits/nanoCpus"));
    String mem = Fmt.bytes(Json.number(c, "/limits/memoryBytes"));
    kv.add(
        new String[] {
          "Limits",
          (cpus == null ? "cpu: none" : "cpu: " + cpus)
              + ", "
              + (mem == null || mem.equals("0B") ? "memory: none" : "memory: " + mem)
        });
    JsonNode usage = c.path("usage");
    if (usage.isObject()) {
      String cpu = Fmt.percent(Json.number(usage, "/cpuPercent"));
      kv.add(
          new String[] {
            "Usage",
            "cpu: "
                + (cpu == null ? "-" : cpu)
                + ", memory: "
                + (ReplicaRows.memory(c) == null ? "-" : ReplicaRows.memory(c))
                + (Fmt.percent(Json.number(usage, "/memoryPercentOfLimit")) == null
                    ? ""
                    : " (" + Fmt.percent(Json.number(usage, "/memoryPercentOfLimit")) + ")")
          });
    }
    int width = kv.stream().mapToInt(r -> r[0].length()).max().orElse(0) + 2;
    for (String[] r : kv) {
      out.println(r[0] + " ".repeat(width - r[0].length()) + (r[1] == null ? "-" : r[1]));
    }

    List<Flag> flags = Flag.of(c);
    if (!flags.isEmpty()) {
      out.println("");
      out.println(s.bold("Flags"));
      for (Flag f : flags) {
        String since = Fmt.age(f.since(), out.clock());
        out.println(
            "  "
                + ReplicaRows.paint(f, s)
                + " ("
                + f.severity()
                + (since == null ? "" : ", " + since)
                + ")"
                + (f.reason().isBlank() ? "" : ": " + f.reason()));
      }
    }

    List<JsonNode> log = Json.list(health, "log");
    if (!log.isEmpty()) {
      out.println("");
      out.println(s.bold("Health log") + " (oldest first)");
      for (JsonNode p : log) {
        int code = p.path("exitCode").asInt(0);
        out.println(
            "  "
                + Fmt.time(Fmt.text(p, "start", "?"))
                + "  "
                + (code == 0 ? s.good("exit 0") : s.bad("exit " + code)));
        String output = Fmt.text(p, "output", "").stripTrailing();
        for (String line : output.isEmpty() ? new String[0] : output.split("\n")) {
          out.println("      " + line);
        }
      }
    }

    Map<String, String> labels = new TreeMap<>();
    c.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    if (!labels.isEmpty()) {
      out.println("");
      out.println(s.bold("Labels"));
      labels.forEach((k, v) -> out.println("  " + k + "=" + v));
    }
    return Cli.OK;
  }

  /** {@code running since 5m, 2 restarts}, {@code exited (137, OOM) 3m ago}. */
  private static String state(JsonNode c, Output out) {
    String state = ReplicaRows.state(c, out.style());
    boolean running = "running".equals(Fmt.text(c, "state"));
    String when =
        running
            ? Fmt.age(Fmt.text(c, "startedAt"), out.clock())
            : Fmt.age(Fmt.text(c, "finishedAt"), out.clock());
    int restarts = c.path("restartCount").asInt(0);
    return state
        + (when == null ? "" : running ? " for " + when : " " + when + " ago")
        + (restarts > 0 ? ", " + restarts + " restarts" : "");
  }
}
