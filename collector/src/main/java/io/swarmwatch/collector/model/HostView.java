package io.swarmwatch.collector.model;

import java.util.List;

/** A node's host metrics at the agent's latest sample. */
public record HostView(
    String time,
    int cpus,
    Double cpuPercent,
    double load1,
    double load5,
    double load15,
    long memoryTotalBytes,
    long memoryAvailableBytes,
    long swapTotalBytes,
    long swapUsedBytes,
    long uptimeSeconds,
    List<Filesystem> filesystems,
    List<Interface> interfaces) {

  public record Filesystem(
      String mount,
      String type,
      String device,
      long totalBytes,
      long freeBytes,
      long totalInodes,
      long freeInodes) {}

  public record Interface(
      String name, long rxBytes, long txBytes, long rxErrors, long txErrors, long rxDropped) {}
}
