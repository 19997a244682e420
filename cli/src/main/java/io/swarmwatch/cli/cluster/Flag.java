package io.swarmwatch.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmwatch.cli.output.Fmt;
import io.swarmwatch.cli.output.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the rules flagged on a replica or service ({@code flags: [{rule, severity, since,
 * reason}]}). A collector from before the rules has no {@code flags} field; for its replicas the
 * two facts that need no rule engine stand in: a failing health check and a container that is no
 * longer running.
 */
record Flag(String rule, String severity, String since, String reason) {

  /** Warning or critical: what makes {@code status} exit 1. Info flags (no-limits) do not. */
  boolean counts() {
    return !severity.equals("info");
  }

  static List<Flag> of(JsonNode subject) {
    List<Flag> out = new ArrayList<>();
    for (JsonNode f : Json.list(subject, "flags")) {
      out.add(
          new Flag(
              Fmt.text(f, "rule", "?"),
              Fmt.text(f, "severity", "warning").toLowerCase(Locale.ROOT),
              Fmt.text(f, "since"),
              Fmt.text(f, "reason", "")));
    }
    return out;
  }

  /** The replica's flags, or for a collector without rules, what its state and health say. */
  static List<Flag> ofReplica(JsonNode replica) {
    if (replica.has("flags")) {
      return of(replica);
    }
    List<Flag> out = new ArrayList<>();
    if ("unhealthy".equals(Fmt.text(replica, "health"))) {
      out.add(new Flag("unhealthy", "critical", null, "health check failing"));
    }
    String state = Fmt.text(replica, "state", "");
    if (state.equals("exited") || state.equals("dead")) {
      String code = Fmt.text(replica, "exitCode");
      boolean oom = replica.path("oomKilled").asBoolean(false);
      out.add(
          new Flag(
              oom ? "oom-killed" : "exited",
              "critical",
              Fmt.text(replica, "finishedAt"),
              (oom ? "OOM-killed" : state) + (code == null ? "" : " with exit code " + code)));
    }
    JsonNode task = replica.path("task");
    String taskState = Fmt.text(task, "state", "");
    String error = Fmt.text(task, "error");
    if ((taskState.equals("pending") || taskState.equals("rejected"))
        && error != null
        && !error.isBlank()) {
      out.add(
          new Flag(
              taskState.equals("pending") ? "pending" : "task-rejected",
              taskState.equals("pending") ? "warning" : "critical",
              Fmt.text(task, "timestamp"),
              error));
    }
    return out;
  }

  /** A reason on one line, shortened for a table ({@code inspect} shows it whole). */
  static String brief(String reason, int max) {
    String one = reason == null ? "" : reason.strip().replaceAll("\\s+", " ");
    return one.length() > max ? one.substring(0, max - 1) + "…" : one;
  }
}
