package io.swarmwatch.collector.model;

import io.swarmwatch.collector.Protos;
import io.swarmwatch.proto.v1.Container;
import io.swarmwatch.proto.v1.ContainerUsage;
import io.swarmwatch.proto.v1.Node;
import io.swarmwatch.proto.v1.Snapshot;
import io.swarmwatch.proto.v1.UsageBatch;
import java.time.Clock;
import java.util.Arrays;

/**
 * What a reader of the cluster model pays after a change, at the scale of issue 8 (1,000 nodes x 50
 * containers): the time of {@link ClusterModel#currentViews()} after one container changed (a
 * health transition), after one node's usage sample, and, side by side in the same run, {@link
 * ClusterModel#replicas} (the exact views without the shared flag-free base); then the time of a
 * {@code /metrics} scrape of the same model. Prints p50 / p99 / max in ms.
 *
 * <pre>
 * mvn -B -o -q test-compile dependency:build-classpath -pl collector -am -Dmdep.outputFile=/tmp/cp.txt
 * java -cp collector/target/test-classes:collector/target/classes:$(cat /tmp/cp.txt) \
 *   io.swarmwatch.collector.model.ReadViewsBenchmark [nodes=1000] [containers=50] [runs=200]
 * </pre>
 */
public final class ReadViewsBenchmark {
  private ReadViewsBenchmark() {}

  public static void main(String[] args) {
    int nodes = arg(args, "nodes", 1000);
    int perNode = arg(args, "containers", 50);
    int runs = arg(args, "runs", 200);
    ClusterModel model = new ClusterModel(Clock.systemUTC(), 10_000);
    for (int n = 0; n < nodes; n++) {
      String node = "node-" + n;
      model.agentConnected(Node.newBuilder().setId(node).setHostname("host-" + n).build(), "b");
      Snapshot.Builder s = Snapshot.newBuilder().setTakenAtUnixNanos(1);
      for (int c = 0; c < perNode; c++) {
        s.addContainers(container(n, c, 3_000));
      }
      model.applySnapshot(node, s.build());
      model.usage(usage(n, perNode, 1));
    }
    long observed = 10_000;
    long[] flip = new long[runs];
    long[] sample = new long[runs];
    long[] scratch = new long[runs];
    for (int warm = 0; warm < 2; warm++) {
      for (int i = 0; i < runs; i++) {
        int n = i % nodes;
        model.upsert("node-" + n, container(n, i % perNode, ++observed));
        long t0 = System.nanoTime();
        int size = model.currentViews().replicas().size();
        flip[i] = System.nanoTime() - t0;
        model.usage(usage(n, perNode, observed));
        t0 = System.nanoTime();
        size += model.currentViews().replicas().size();
        sample[i] = System.nanoTime() - t0;
        t0 = System.nanoTime();
        size += model.replicas(ReplicaQuery.ALL).size();
        scratch[i] = System.nanoTime() - t0;
        if (size != 3 * nodes * perNode) {
          throw new IllegalStateException("expected " + nodes * perNode + " replicas per read");
        }
      }
    }
    System.out.printf("%d replicas, %d runs (after as many to warm up)%n", nodes * perNode, runs);
    print("after a container change", flip);
    print("after a usage sample", sample);
    print("exact views (no shared base)", scratch);

    // GET /metrics: a scrape of every series (each one built anew: scrapes more than a second
    // apart, as a Prometheus server makes them).
    var metrics =
        new io.swarmwatch.collector.metrics.ClusterMetrics(
            model, new io.swarmwatch.collector.ingest.IngestCounters());
    int scrapes = Math.max(3, runs / 20);
    long[] scrape = new long[scrapes];
    long bytes = 0;
    for (int warm = 0; warm < 2; warm++) {
      for (int i = 0; i < scrapes; i++) {
        model.upsert("node-0", container(0, i % perNode, ++observed));
        long t0 = System.nanoTime();
        bytes = metrics.scrapeFresh().length;
        scrape[i] = System.nanoTime() - t0;
      }
    }
    print(String.format("/metrics scrape (%.1f MiB)", bytes / 1048576.0), scrape);
  }

  private static Container container(int node, int c, long observed) {
    return Protos.task("n" + node + "-c" + c, "svc" + c, node + 1, "node-" + node)
        .setHealthStatus(observed % 2 == 0 ? "healthy" : "unhealthy")
        .setObservedUnixNanos(observed)
        .build();
  }

  private static UsageBatch usage(int node, int perNode, long time) {
    UsageBatch.Builder b = UsageBatch.newBuilder().setTimeUnixNanos(time);
    for (int c = 0; c < perNode; c++) {
      b.addContainers(
          ContainerUsage.newBuilder()
              .setContainerId("n" + node + "-c" + c)
              .setSource("cgroup-v1")
              .setCpuPercentOfHostCore(3.5)
              .setMemoryWorkingSetBytes(64L << 20)
              .setMemoryLimitBytes(256L << 20)
              .setPids(4));
    }
    return b.build();
  }

  private static void print(String what, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    System.out.printf(
        "%-36s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms%n",
        what,
        s[s.length / 2] / 1e6,
        s[(int) Math.ceil(s.length * 0.99) - 1] / 1e6,
        s[s.length - 1] / 1e6);
  }

  private static int arg(String[] args, String name, int dflt) {
    for (String a : args) {
      if (a.startsWith(name + "=")) {
        return Integer.parseInt(a.substring(name.length() + 1));
      }
    }
    return dflt;
  }
}
