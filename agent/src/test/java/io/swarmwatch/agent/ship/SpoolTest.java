package io.swarmwatch.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.ContainerEvent;
import io.swarmwatch.proto.v1.HostSample;
import io.swarmwatch.proto.v1.LogBatch;
import io.swarmwatch.proto.v1.LogLine;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool on real files in a temporary directory. */
class SpoolTest {
  @TempDir Path dir;
  private final List<Spool> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    open.forEach(Spool::close);
  }

  private Spool spool(long maxBytes, long segmentBytes) {
    Spool s = Spool.open(new SpoolConfig(dir, maxBytes, segmentBytes, Duration.ofMillis(20)));
    open.add(s);
    return s;
  }

  private Spool spool() {
    return spool(SpoolConfig.DEFAULT_MAX_BYTES, SpoolConfig.DEFAULT_SEGMENT_BYTES);
  }

  static AgentMessage event(String action) {
    return AgentMessage.newBuilder()
        .setEvent(ContainerEvent.newBuilder().setType("container").setAction(action))
        .build();
  }

  static AgentMessage logs(int lines, int bytesPerLine) {
    LogBatch.Builder b = LogBatch.newBuilder();
    for (int i = 0; i < lines; i++) {
      b.addLines(
          LogLine.newBuilder()
              .setContainerId("c1")
              .setLineNo(i + 1)
              .setLine(ByteString.copyFrom(new byte[bytesPerLine])));
    }
    return AgentMessage.newBuilder().setLogs(b).build();
  }

  private static List<AgentMessage> drain(Spool s) throws InterruptedException {
    List<AgentMessage> out = new ArrayList<>();
    AgentMessage m;
    while ((m = s.next(50, TimeUnit.MILLISECONDS)) != null) {
      out.add(m);
    }
    return out;
  }

  private static List<String> actions(List<AgentMessage> ms) {
    return ms.stream().filter(AgentMessage::hasEvent).map(m -> m.getEvent().getAction()).toList();
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> l = Files.list(dir)) {
      return l.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }

  @Test
  void handsOutMessagesInOrderWithIncreasingSeqsAndWaitsForMore() throws Exception {
    Spool s = spool();
    s.put(event("create"));
    s.put(event("start"));
    List<AgentMessage> got = drain(s);
    assertThat(actions(got)).containsExactly("create", "start");
    assertThat(got.get(1).getSeq()).isEqualTo(got.get(0).getSeq() + 1);
    assertThat(s.next(10, TimeUnit.MILLISECONDS)).isNull();
    s.put(event("die"));
    assertThat(s.next(1, TimeUnit.SECONDS).getSeq()).isEqualTo(got.get(1).getSeq() + 1);
  }

  @Test
  void aReopenedSpoolKeepsItsStreamAndResendsWhatWasNotAcknowledgedWithTheSameSeqs()
      throws Exception {
    Spool s = spool();
    String stream = s.streamId();
    for (String a : List.of("a", "b", "c", "d")) {
      s.put(event(a));
    }
    List<AgentMessage> first = drain(s);
    s.acked(first.get(1).getSeq());
    s.close();

    Spool again = spool();
    assertThat(again.streamId()).isEqualTo(stream);
    again.rewind(first.get(1).getSeq());
    List<AgentMessage> resent = drain(again);
    assertThat(resent).containsExactlyElementsOf(first.subList(2, 4));
    // New messages continue the sequence space (past a reserved block, see SpoolState).
    again.put(event("e"));
    assertThat(again.next(1, TimeUnit.SECONDS).getSeq()).isGreaterThan(first.get(3).getSeq());
  }

  @Test
  void aTornTailIsCutOffOnOpenAndGarbageNeverReplayed() throws Exception {
    Spool s = spool();
    s.put(event("one"));
    s.put(event("two"));
    s.put(event("three"));
    s.close();
    Path seg = segmentFiles().get(0);
    long full = Files.size(seg);
    // A kill mid-write: the last record cut in the middle, then junk from a reused block.
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(full - 5);
    }
    Files.write(
        seg,
        "\u0000\u0000\u0001garbage".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);

    Spool again = spool();
    List<AgentMessage> got = drain(again);
    assertThat(actions(got)).containsExactly("one", "two");
    long cut = Files.size(seg);
    assertThat(cut).isLessThan(full - 5);
    // What comes next is readable after the cut, with a seq never used before.
    again.put(event("four"));
    AgentMessage four = again.next(1, TimeUnit.SECONDS);
    assertThat(four.getEvent().getAction()).isEqualTo("four");
    assertThat(four.getSeq()).isGreaterThan(got.get(1).getSeq() + 1);
  }

  @Test
  void aFlippedByteInARecordEndsTheValidDataThere() throws Exception {
    Spool s = spool();
    s.put(event("one"));
    s.put(event("two"));
    s.put(event("three"));
    s.close();
    Path seg = segmentFiles().get(0);
    byte[] b = Files.readAllBytes(seg);
    int second =
        Segment.HEADER
            + Segment.FRAME
            + event("one").toBuilder().setSeq(1).build().getSerializedSize()
            + Segment.FRAME;
    b[second + 2] ^= 0x40;
    Files.write(seg, b);

    assertThat(actions(drain(spool()))).containsExactly("one");
  }

  @Test
  void acknowledgedSegmentsAreDeleted() throws Exception {
    Spool s = spool(64 * 4096, 4096);
    for (int i = 0; i < 1000; i++) {
      s.put(event("e" + i));
    }
    List<AgentMessage> all = drain(s);
    assertThat(segmentFiles().size()).isGreaterThan(2);
    s.acked(all.get(all.size() - 1).getSeq());
    assertThat(segmentFiles()).hasSize(1); // the active one stays: it names the next seq
    assertThat(s.bytes()).isLessThan(4096 * 2);
  }

  @Test
  void whenFullOldestLogBatchesGoFirstThenSamplesNeverEvents() throws Exception {
    long max = 4 * 4096;
    Spool s = spool(max, 4096);
    for (int i = 0; i < 100; i++) {
      s.put(event("e" + i));
      s.put(logs(10, 50));
      s.put(AgentMessage.newBuilder().setHost(HostSample.newBuilder().setCpus(i)).build());
    }
    assertThat(s.bytes()).isLessThanOrEqualTo(max + 4096);
    List<AgentMessage> got = drain(s);
    List<String> want = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      want.add("e" + i);
    }
    assertThat(actions(got)).containsExactlyElementsOf(want);
    var drops = s.drops();
    assertThat(drops.getLogBatches()).isPositive();
    assertThat(drops.getLogLines()).isEqualTo(drops.getLogBatches() * 10);
    assertThat(drops.getLogBytes()).isEqualTo(drops.getLogLines() * 50);
    // The collector is told, in the stream itself; the latest report has the totals.
    List<AgentMessage> reports = got.stream().filter(AgentMessage::hasSpoolDrops).toList();
    assertThat(reports).isNotEmpty();
    // Seqs still increase (with gaps where records were dropped).
    for (int i = 1; i < got.size(); i++) {
      assertThat(got.get(i).getSeq()).isGreaterThan(got.get(i - 1).getSeq());
    }
    // The counts survive a restart.
    s.close();
    assertThat(spool(max, 4096).drops()).isEqualTo(drops);
  }

  @Test
  void theDurableCallbackRunsOnceTheRecordIsForced() {
    Spool s = spool();
    AtomicInteger durable = new AtomicInteger();
    s.put(logs(1, 10), durable::incrementAndGet);
    s.put(logs(1, 10), durable::incrementAndGet);
    await().atMost(Duration.ofSeconds(5)).until(() -> durable.get() == 2);
  }

  @Test
  void whileStreamingALogBatchCountsAsDeliveredOnlyOnceSent() throws Exception {
    Spool s = spool();
    s.streaming(true);
    AtomicInteger durable = new AtomicInteger();
    s.put(event("backlog"));
    s.put(logs(1, 10), durable::incrementAndGet);
    s.sync();
    assertThat(durable).hasValue(0); // on disk, but behind a message not yet sent
    assertThat(s.next(1, TimeUnit.SECONDS).hasEvent()).isTrue();
    assertThat(s.next(1, TimeUnit.SECONDS).hasLogs()).isTrue();
    assertThat(durable).hasValue(1);

    // No stream: on disk is enough (the spool takes the backlog).
    s.streaming(false);
    s.put(logs(1, 10), durable::incrementAndGet);
    await().atMost(Duration.ofSeconds(5)).until(() -> durable.get() == 2);
  }
}
