package io.swarmwatch.cli.logs;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmwatch.cli.output.Fmt;
import io.swarmwatch.cli.output.Style;

/**
 * One log line as {@code docker service logs} prints it: {@code name.slot.taskid@node | line}
 * (global services have the node id where the slot would be, as Docker names their tasks), the task
 * id shortened to 12 characters unless {@code --no-trunc}.
 *
 * @param timestamps {@code -t}: the line's time first
 * @param noTrunc full task ids
 * @param raw the line only, no prefix
 */
record LogFormat(boolean timestamps, boolean noTrunc, boolean raw, Style style) {

  String format(JsonNode l) {
    String line = Fmt.text(l, "line", "");
    if (raw) {
      return line;
    }
    String time = timestamps ? Fmt.text(l, "time", "-") + " " : "";
    return time + style.dim(prefix(l) + " |") + " " + line;
  }

  String prefix(JsonNode l) {
    String service = Fmt.text(l, "service");
    String node = Fmt.text(l, "node", "?");
    String task = Fmt.text(l, "taskId");
    if (service == null || service.isBlank()) {
      // Not a swarm task (a plain container): its id stands for the name.
      return trunc(Fmt.text(l, "containerId", "?")) + "@" + node;
    }
    String slot = Fmt.text(l, "slot");
    return service
        + "."
        + (slot != null ? slot : node)
        + (task == null || task.isBlank() ? "" : "." + trunc(task))
        + "@"
        + node;
  }

  private String trunc(String id) {
    return noTrunc ? id : Fmt.shortId(id);
  }
}
