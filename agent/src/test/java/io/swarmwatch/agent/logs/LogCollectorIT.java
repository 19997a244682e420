package io.swarmwatch.agent.logs;

import static io.swarmwatch.testing.TestEngine.docker;
import static io.swarmwatch.testing.TestEngine.dockerQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.swarmwatch.agent.RecordingSink;
import io.swarmwatch.agent.docker.ContainerRegistry;
import io.swarmwatch.agent.docker.EngineWatcher;
import io.swarmwatch.agent.docker.WatchConfig;
import io.swarmwatch.proto.v1.LogBatch;
import io.swarmwatch.proto.v1.LogLine;
import io.swarmwatch.proto.v1.LogStream;
import io.swarmwatch.testing.TestEngine;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Log capture against the real test Engine: real containers, real follow streams, real files. */
class LogCollectorIT {
  private final List<String> containers = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private DockerClient client;
  private ContainerRegistry registry;
  private String host;
  @TempDir Path spool;

  /** A collector stand-in: records every batch and acks those the test allows. */
  static final class Sink implements LogSink {
    final List<LogBatch> received = new CopyOnWriteArrayList<>();
    final List<LogBatch> acked = new CopyOnWriteArrayList<>();
    final IntPredicate ack;

    Sink(IntPredicate ack) {
      this.ack = ack;
    }

    @Override
    public void submit(LogBatch batch, Runnable onAck) {
      int n = received.size();
      received.add(batch);
      if (ack.test(n)) {
        acked.add(batch);
        onAck.run();
      }
    }

    List<LogLine> lines(List<LogBatch> batches, String container) {
      return batches.stream()
          .flatMap(b -> b.getLinesList().stream())
          .filter(l -> l.getContainerId().equals(container))
          .toList();
    }

    List<String> texts(String container) {
      return lines(received, container).stream()
          .map(l -> l.getLine().toString(StandardCharsets.UTF_8))
          .toList();
    }
  }

  @BeforeEach
  void connect() {
    host = TestEngine.require();
    client =
        DockerClientImpl.getInstance(
            DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build(),
            new ApacheDockerHttpClient.Builder().dockerHost(URI.create(host)).build());
    registry = new ContainerRegistry(new RecordingSink());
    var watcher =
        new EngineWatcher(
            client,
            new WatchConfig(host, false, Duration.ofMillis(100), Duration.ofSeconds(1)),
            registry,
            Clock.systemUTC());
    watcher.start();
    toClose.add(watcher);
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    for (String c : containers) {
      dockerQuietly("rm", "-f", c);
    }
    client.close();
  }

  private LogCollector collector(Sink sink, int batchLines) {
    var config =
        new LogsConfig(
            true,
            Optional.of(LogsConfig.address(host)),
            spool,
            64 * 1024,
            batchLines,
            1 << 20,
            Duration.ofMillis(50),
            8 << 20);
    // Only this test's containers: the shared Engine runs other engineers' tests too.
    var c =
        new LogCollector(
            config,
            () -> registry.all().stream().filter(k -> containers.contains(k.getId())).toList(),
            Inspector.of(client),
            sink);
    c.start();
    toClose.add(c);
    return c;
  }

  private String run(String... args) {
    List<String> a =
        new ArrayList<>(List.of("run", "-d", "--name", TestEngine.uniqueName("logs-")));
    a.addAll(List.of(args));
    String id = docker(a.toArray(String[]::new));
    containers.add(id);
    return id;
  }

  private static List<String> numbered(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + " ").toList();
  }

  @Test
  void everyLineOfStdoutAndStderrArrivesOnceInOrderWithEngineTimes() {
    Sink sink = new Sink(n -> true);
    collector(sink, 500);
    long before = System.currentTimeMillis() * 1_000_000L - 60_000_000_000L;
    String out = run("-e", "LOG_LINES=3000", "swarmwatch-test/logger:1");
    String err = run("-e", "LOG_LINES=200", "-e", "LOG_STREAM=stderr", "swarmwatch-test/logger:1");
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.texts(out).size() >= 3000);
    docker("exec", out, "sh", "-c", "echo 1000 > /tmp/emit");
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.texts(out).size() >= 4000);
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.texts(err).size() >= 200);

    assertThat(sink.texts(out)).containsExactlyElementsOf(numbered(1, 4000));
    assertThat(sink.texts(err)).containsExactlyElementsOf(numbered(1, 200));
    List<LogLine> lines = sink.lines(sink.received, out);
    assertThat(lines)
        .extracting(LogLine::getLineNo)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 4000).mapToObj(i -> (long) i).toList());
    assertThat(lines).allSatisfy(l -> assertThat(l.getTimeUnixNanos()).isGreaterThan(before));
    assertThat(sink.lines(sink.received, err))
        .allSatisfy(l -> assertThat(l.getStream()).isEqualTo(LogStream.STDERR));
    assertThat(sink.received.get(0).getSourcesList())
        .allSatisfy(s -> assertThat(s.getContainerName()).startsWith("logs-"));
  }

  @Test
  void aFortyKibLineIsOneLineAndTtyOutputIsRead() {
    Sink sink = new Sink(n -> true);
    collector(sink, 500);
    String big =
        run(
            "swarmwatch-test/logger:1",
            "sh",
            "-c",
            "head -c 40960 /dev/zero | tr '\\0' x; echo; echo after; sleep 60");
    String tty = run("-t", "swarmwatch-test/logger:1", "sh", "-c", "echo one; echo two; sleep 60");
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.texts(big).size() >= 2);
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.texts(tty).size() >= 2);
    assertThat(sink.texts(big)).containsExactly("x".repeat(40960), "after");
    assertThat(sink.lines(sink.received, big).get(0).getTruncated()).isFalse();
    assertThat(sink.texts(tty)).containsExactly("one", "two");
  }

  @Test
  void theLastLinesOfAContainerThatExitsOrIsKilledAreRead() {
    Sink sink = new Sink(n -> true);
    collector(sink, 500);
    String quick =
        run(
            "swarmwatch-test/logger:1",
            "sh",
            "-c",
            "i=1; while [ $i -le 300 ]; do echo \"line $i \"; i=$((i+1)); done; echo last words");
    String killed = run("-e", "LOG_LINES=10", "swarmwatch-test/logger:1");
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.texts(killed).size() >= 10);
    docker("exec", killed, "sh", "-c", "echo 500 > /tmp/emit");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> docker("logs", killed).lines().count() >= 510);
    docker("kill", killed);

    await().atMost(Duration.ofSeconds(20)).until(() -> sink.texts(quick).size() >= 301);
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.texts(killed).size() >= 510);
    List<String> expected = new ArrayList<>(numbered(1, 300));
    expected.add("last words");
    assertThat(sink.texts(quick)).containsExactlyElementsOf(expected);
    assertThat(sink.texts(killed)).containsExactlyElementsOf(numbered(1, 510));
  }

  @Test
  void aRestartResumesFromTheAcknowledgedLinesWithNothingLostOrRepeated() {
    String c = run("-e", "LOG_LINES=1000", "swarmwatch-test/logger:1");
    // First life: only the first three batches are acknowledged, the rest "lost in transit".
    Sink first = new Sink(n -> n < 3);
    LogCollector a = collector(first, 100);
    await().atMost(Duration.ofSeconds(20)).until(() -> first.texts(c).size() >= 1000);
    a.close();
    List<LogLine> acked = first.lines(first.acked, c);
    assertThat(acked).hasSize(300);
    assertThat(first.received).hasSizeGreaterThan(3);

    docker("exec", c, "sh", "-c", "echo 200 > /tmp/emit");
    Sink second = new Sink(n -> true);
    collector(second, 100);
    await().atMost(Duration.ofSeconds(20)).until(() -> second.texts(c).size() >= 900);

    List<LogLine> all = new ArrayList<>(acked);
    all.addAll(second.lines(second.received, c));
    assertThat(all)
        .extracting(l -> l.getLine().toString(StandardCharsets.UTF_8))
        .containsExactlyElementsOf(numbered(1, 1200));
    assertThat(all)
        .extracting(LogLine::getLineNo)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 1200).mapToObj(i -> (long) i).toList());
  }

  @Test
  void optedOutContainersAreNotRead() {
    Sink sink = new Sink(n -> true);
    collector(sink, 500);
    String quiet =
        run("--label", "swarmwatch.logs=false", "-e", "LOG_LINES=5", "swarmwatch-test/logger:1");
    String loud = run("-e", "LOG_LINES=5", "swarmwatch-test/logger:1");
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.texts(loud).size() >= 5);
    assertThat(sink.texts(quiet)).isEmpty();
  }
}
