package io.swarmwatch.collector.model;

import io.swarmwatch.common.Times;
import io.swarmwatch.proto.v1.ContainerUsage;
import io.swarmwatch.proto.v1.Health;
import io.swarmwatch.proto.v1.HealthProbe;
import io.swarmwatch.proto.v1.HostSample;
import io.swarmwatch.proto.v1.Limits;
import io.swarmwatch.proto.v1.Resources;
import io.swarmwatch.proto.v1.SwarmService;
import io.swarmwatch.proto.v1.UpdateStatus;
import java.util.ArrayList;
import java.util.List;

/** Wire messages to API views: units made explicit, "not set" as null, times as RFC 3339. */
final class Views {
  private Views() {}

  static String time(long unixNanos) {
    return unixNanos == 0 ? null : Times.fromUnixNanos(unixNanos).toString();
  }

  static ReplicaView.LimitsView limits(Limits l) {
    return new ReplicaView.LimitsView(
        positive(l.getNanoCpus()),
        positive(l.getCpuQuota()),
        positive(l.getCpuPeriod()),
        positive(l.getCpuShares()),
        l.getCpusetCpus().isEmpty() ? null : l.getCpusetCpus(),
        positive(l.getMemoryBytes()),
        positive(l.getMemoryReservationBytes()),
        // -1 means unlimited swap: keep it, it is a setting, not "unset".
        l.getMemorySwapBytes() == 0 ? null : l.getMemorySwapBytes(),
        positive(l.getPidsLimit()));
  }

  static HealthView health(Health h) {
    List<HealthView.Probe> log = new ArrayList<>(h.getLogCount());
    for (HealthProbe p : h.getLogList()) {
      log.add(
          new HealthView.Probe(
              time(p.getStartUnixNanos()),
              time(p.getEndUnixNanos()),
              p.getExitCode(),
              p.getOutput()));
    }
    return new HealthView(h.getStatus(), h.getFailingStreak(), List.copyOf(log));
  }

  static UsageView usage(long timeNanos, ContainerUsage u) {
    Long working = nonNegative(u.getMemoryWorkingSetBytes());
    Long limit = u.getMemoryLimitBytes() > 0 ? u.getMemoryLimitBytes() : null;
    return new UsageView(
        time(timeNanos),
        u.getSource(),
        nonNegative(u.getCpuPercentOfHostCore()),
        nonNegative(u.getCpuPercentOfLimit()),
        working,
        nonNegative(u.getMemoryUsageBytes()),
        limit,
        working != null && limit != null ? 100.0 * working / limit : null,
        nonNegative(u.getCpuPeriods()),
        nonNegative(u.getCpuThrottledPeriods()),
        u.getCpuThrottledNanos() >= 0 ? u.getCpuThrottledNanos() / 1e9 : null,
        nonNegative(u.getOomKills()),
        nonNegative(u.getPids()));
  }

  static HostView host(HostSample h) {
    return new HostView(
        time(h.getTimeUnixNanos()),
        h.getCpus(),
        nonNegative(h.getCpuPercent()),
        h.getLoad1(),
        h.getLoad5(),
        h.getLoad15(),
        h.getMemoryTotalBytes(),
        h.getMemoryAvailableBytes(),
        h.getSwapTotalBytes(),
        h.getSwapUsedBytes(),
        h.getUptimeSeconds(),
        h.getFilesystemsList().stream()
            .map(
                f ->
                    new HostView.Filesystem(
                        f.getMount(),
                        f.getType(),
                        f.getDevice(),
                        f.getTotalBytes(),
                        f.getFreeBytes(),
                        f.getTotalInodes(),
                        f.getFreeInodes()))
            .toList(),
        h.getInterfacesList().stream()
            .map(
                i ->
                    new HostView.Interface(
                        i.getName(),
                        i.getRxBytes(),
                        i.getTxBytes(),
                        i.getRxErrors(),
                        i.getTxErrors(),
                        i.getRxDropped()))
            .toList());
  }

  static ServiceView.Update update(SwarmService s) {
    if (!s.hasUpdateStatus()) {
      return null;
    }
    UpdateStatus u = s.getUpdateStatus();
    return new ServiceView.Update(
        u.getState().isEmpty() ? null : u.getState(),
        u.getMessage().isEmpty() ? null : u.getMessage(),
        time(u.getStartedUnixNanos()),
        time(u.getCompletedUnixNanos()));
  }

  static ServiceView.Resources resources(Resources r) {
    if (r.getNanoCpus() == 0 && r.getMemoryBytes() == 0) {
      return null;
    }
    return new ServiceView.Resources(positive(r.getNanoCpus()), positive(r.getMemoryBytes()));
  }

  static Long positive(long v) {
    return v > 0 ? v : null;
  }

  private static Long nonNegative(long v) {
    return v >= 0 ? v : null;
  }

  private static Double nonNegative(double v) {
    return v >= 0 ? v : null;
  }

  static String orUnknown(String s) {
    return s == null || s.isEmpty() ? "unknown" : s;
  }

  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
