package io.swarmwatch.collector.logs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** A log line as the API shows it; {@code time} is RFC 3339 with the Engine's nanoseconds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogLineView(
    String time,
    String service,
    String stack,
    String taskId,
    Integer slot,
    String containerId,
    String containerName,
    String node,
    String nodeHostname,
    String stream,
    String line,
    Boolean truncated) {

  static LogLineView of(LogRecord r) {
    return new LogLineView(
        Instant.ofEpochSecond(0, r.timeNanos()).toString(),
        r.service(),
        r.stack(),
        r.taskId(),
        r.slot(),
        r.containerId(),
        r.containerName(),
        r.node(),
        r.nodeHostname(),
        r.stream(),
        r.line(),
        r.truncated() ? Boolean.TRUE : null);
  }
}
