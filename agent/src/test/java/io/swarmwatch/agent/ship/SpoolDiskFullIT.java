package io.swarmwatch.agent.ship;

import static io.swarmwatch.agent.ship.SpoolTest.event;
import static io.swarmwatch.agent.ship.SpoolTest.logs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swarmwatch.proto.v1.AgentMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool on a real, small filesystem (a 4 MiB tmpfs, so this needs root) that fills up: writes
 * fail with ENOSPC, the messages wait in memory, and once space is freed they are written, in
 * order, with nothing lost; past the memory bound log batches go first, counted, events never.
 */
class SpoolDiskFullIT {
  @TempDir Path tmp;
  private Path mount;
  private Spool spool;

  @BeforeEach
  void mountSmallFilesystem() throws Exception {
    mount = tmp.resolve("small");
    Files.createDirectories(mount);
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    // Not an assumption: a skipped test would count as passing. The test run is root anyway
    // (scripts/test.sh starts dockerd).
    if (!(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0)) {
      throw new AssertionError(
          "cannot mount a tmpfs for the disk-full test (needs root, as scripts/test.sh runs): "
              + out);
    }
  }

  @AfterEach
  void unmount() throws Exception {
    if (spool != null) {
      spool.close();
    }
    new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
  }

  private Spool open(long memoryBytes) {
    spool =
        Spool.open(
            new SpoolConfig(
                mount.resolve("outbox"),
                64L << 20, // larger than the filesystem: the disk fills before the spool's bound
                256 * 1024,
                Duration.ofMillis(10),
                memoryBytes));
    return spool;
  }

  /** Writes zeros until the filesystem is full; returns the file to delete to free it. */
  private Path fill() throws IOException {
    Path filler = mount.resolve("filler");
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).contains("No space left on device");
    }
    return filler;
  }

  private static List<AgentMessage> drain(Spool s) throws InterruptedException {
    List<AgentMessage> out = new ArrayList<>();
    AgentMessage m;
    while ((m = s.next(100, TimeUnit.MILLISECONDS)) != null) {
      out.add(m);
    }
    return out;
  }

  private static List<String> actions(List<AgentMessage> ms) {
    return ms.stream().filter(AgentMessage::hasEvent).map(m -> m.getEvent().getAction()).toList();
  }

  @Test
  void messagesWaitInMemoryWhileTheDiskIsFullAndAreWrittenInOrderOnceItIsNot() throws Exception {
    Spool s = open(SpoolConfig.DEFAULT_MEMORY_BYTES);
    AtomicInteger durable = new AtomicInteger();
    s.put(event("before"));
    Path filler = fill();

    List<String> want = new ArrayList<>(List.of("before"));
    for (int i = 0; i < 200; i++) {
      s.put(event("e" + i));
      s.put(logs(5, 100), durable::incrementAndGet);
      want.add("e" + i);
    }
    long errors = s.writeErrors();
    int held = s.held();
    assertThat(errors).isPositive();
    // (The last page of the segment may have taken a few records before the first failure.)
    assertThat(held).as("held in memory").isGreaterThan(300);
    // Held log batches are not durable: the log reader stops at its in-flight bound.
    s.sync();
    assertThat(durable.get()).isLessThanOrEqualTo((400 - held) / 2 + 1);
    await("retries, failing while the disk is full")
        .atMost(Duration.ofSeconds(5))
        .until(() -> s.writeErrors() >= errors + 3);
    assertThat(s.held()).as("still held, nothing dropped").isEqualTo(held);

    Files.delete(filler);
    await("the held messages are written once there is space")
        .atMost(Duration.ofSeconds(10))
        .until(() -> s.held() == 0);
    await("and made durable").atMost(Duration.ofSeconds(5)).until(() -> durable.get() == 200);

    List<AgentMessage> got = drain(s);
    assertThat(actions(got)).containsExactlyElementsOf(want);
    assertThat(got.stream().filter(AgentMessage::hasLogs).count()).isEqualTo(200);
    for (int i = 1; i < got.size(); i++) {
      assertThat(got.get(i).getSeq()).isEqualTo(got.get(i - 1).getSeq() + 1);
    }
    assertThat(s.drops().getLogLines()).isZero();
  }

  @Test
  void pastTheMemoryBoundLogBatchesAreDroppedCountedAndReportedEventsNever() throws Exception {
    Spool s = open(256 * 1024);
    AtomicInteger released = new AtomicInteger();
    Path filler = fill();
    List<String> want = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      s.put(event("e" + i));
      s.put(logs(10, 200), released::incrementAndGet); // ~2 KiB each: 600 KiB in all
      want.add("e" + i);
    }
    assertThat(s.drops().getLogBatches()).isPositive();
    // Dropped batches are released to the log reader (it goes on; those lines are lost, counted),
    // as are the few the last page of the segment took before the disk was full.
    assertThat(released.get()).isBetween((int) s.drops().getLogBatches(), 299);

    Files.delete(filler);
    await().atMost(Duration.ofSeconds(10)).until(() -> s.held() == 0);
    List<AgentMessage> got = drain(s);
    assertThat(actions(got)).containsExactlyElementsOf(want);
    long batches = got.stream().filter(AgentMessage::hasLogs).count();
    assertThat(batches + s.drops().getLogBatches()).isEqualTo(300);
    await("every batch released: written and durable, or dropped")
        .atMost(Duration.ofSeconds(5))
        .until(() -> released.get() == 300);
    List<AgentMessage> reports = got.stream().filter(AgentMessage::hasSpoolDrops).toList();
    assertThat(reports).isNotEmpty();
    assertThat(reports.get(reports.size() - 1).getSpoolDrops()).isEqualTo(s.drops());
  }
}
