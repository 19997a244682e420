package io.swarmwatch.collector.logs;

/**
 * One stored log line with the swarm identity of who wrote it.
 *
 * @param timeNanos the Engine's timestamp, unix ns
 * @param seq the collector's ingest order, unique: with the time it orders lines totally
 * @param slot the task slot of a replicated service; 0 for global services and plain containers
 * @param stream {@code stdout} or {@code stderr}
 */
public record LogRecord(
    long timeNanos,
    long seq,
    String node,
    String nodeHostname,
    String service,
    String serviceId,
    String stack,
    String taskId,
    int slot,
    String containerId,
    String containerName,
    String stream,
    String line,
    boolean truncated) {}
