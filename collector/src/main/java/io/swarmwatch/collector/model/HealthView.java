package io.swarmwatch.collector.model;

import java.util.List;

/** A container's health check state and its last probe results (oldest first). */
public record HealthView(String status, int failingStreak, List<Probe> log) {
  public record Probe(String start, String end, int exitCode, String output) {}
}
