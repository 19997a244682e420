package io.swarmwatch.collector.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmwatch.collector.MutableClock;
import io.swarmwatch.proto.v1.LogBatch;
import io.swarmwatch.proto.v1.LogLine;
import io.swarmwatch.proto.v1.LogSource;
import io.swarmwatch.proto.v1.LogStream;
import io.swarmwatch.proto.v1.SwarmIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Lucene store on real files: filters, order, paging, dedupe, restart, retention. */
class LuceneLogStoreTest {
  static final Instant NOW = Instant.parse("2026-12-03T12:30:00Z");
  static final long NOW_NANOS = NOW.getEpochSecond() * 1_000_000_000L;
  static final long MINUTE = 60_000_000_000L;

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(NOW);
  final List<LuceneLogStore> open = new ArrayList<>();

  LuceneLogStore store() {
    var s =
        new LuceneLogStore(
            new LogStoreConfig(
                dir.resolve("logs"),
                Duration.ofHours(24),
                1L << 40,
                Duration.ofMillis(50),
                Duration.ofSeconds(1),
                1000),
            clock);
    open.add(s);
    return s;
  }

  @AfterEach
  void close() {
    open.forEach(LuceneLogStore::close);
  }

  static LogSource source(String container, String service, int slot) {
    return LogSource.newBuilder()
        .setContainerId(container)
        .setContainerName(service + "." + slot + ".task" + container)
        .setSwarm(
            SwarmIdentity.newBuilder()
                .setServiceName(service)
                .setServiceId("id-" + service)
                .setStack("shop")
                .setTaskId("task" + container)
                .setSlot(slot))
        .build();
  }

  static LogLine line(String container, long lineNo, long time, LogStream stream, String text) {
    return LogLine.newBuilder()
        .setContainerId(container)
        .setLineNo(lineNo)
        .setTimeUnixNanos(time)
        .setStream(stream)
        .setLine(ByteString.copyFromUtf8(text))
        .build();
  }

  /** 100 lines of web (c1), 50 of db (c2, stderr every 5th), one minute apart from 3 h ago. */
  static LogBatch batch() {
    LogBatch.Builder b =
        LogBatch.newBuilder().addSources(source("c1", "web", 1)).addSources(source("c2", "db", 1));
    long start = NOW_NANOS - 180 * MINUTE;
    for (int i = 1; i <= 100; i++) {
      b.addLines(
          line("c1", i, start + i * MINUTE, LogStream.STDOUT, "GET /item/" + i + " status=200"));
      if (i <= 50) {
        b.addLines(
            line(
                "c2",
                i,
                start + i * MINUTE,
                i % 5 == 0 ? LogStream.STDERR : LogStream.STDOUT,
                i % 5 == 0 ? "ERROR connection refused by peer " + i : "query ok " + i));
      }
    }
    return b.build();
  }

  static LogQuery q(int limit) {
    return LogQuery.all(limit);
  }

  @Test
  void storesFiltersOrdersAndPages() {
    var s = store();
    assertThat(s.append("node-1", "alpha", batch())).hasSize(150);
    s.refresh();

    LogPage first = s.query(q(60));
    assertThat(first.lines()).hasSize(60);
    assertThat(first.lines())
        .isSortedAccordingTo(
            (a, b) ->
                a.timeNanos() != b.timeNanos()
                    ? Long.compare(a.timeNanos(), b.timeNanos())
                    : Long.compare(a.seq(), b.seq()));
    List<LogRecord> all = new ArrayList<>(first.lines());
    Optional<LogCursor> next = first.next();
    while (next.isPresent()) {
      LogQuery more = withCursor(q(60), next.get());
      LogPage p = s.query(more);
      all.addAll(p.lines());
      next = p.next();
    }
    assertThat(all).hasSize(150);
    assertThat(all.stream().map(LogRecord::seq).distinct().count()).isEqualTo(150);

    LogRecord r = all.get(0);
    assertThat(r.service()).isEqualTo("web");
    assertThat(r.stack()).isEqualTo("shop");
    assertThat(r.slot()).isEqualTo(1);
    assertThat(r.nodeHostname()).isEqualTo("alpha");

    var db = filter(Optional.of("db"), Optional.empty(), Optional.empty(), Optional.empty());
    assertThat(s.query(db).lines()).hasSize(50);
    var byId = filter(Optional.of("id-db"), Optional.empty(), Optional.empty(), Optional.empty());
    assertThat(s.query(byId).lines()).hasSize(50);
    var errs = filter(Optional.empty(), Optional.of("stderr"), Optional.empty(), Optional.empty());
    assertThat(s.query(errs).lines())
        .hasSize(10)
        .allSatisfy(l -> assertThat(l.line()).startsWith("ERROR"));
    var phrase =
        filter(
            Optional.empty(),
            Optional.empty(),
            Optional.of("\"connection refused\" PEER"),
            Optional.empty());
    assertThat(s.query(phrase).lines()).hasSize(10);
    var wrongOrder =
        filter(
            Optional.empty(),
            Optional.empty(),
            Optional.of("\"refused connection\""),
            Optional.empty());
    assertThat(s.query(wrongOrder).lines()).isEmpty();
    var regex =
        filter(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(Pattern.compile("/item/\\d*7 ")));
    assertThat(s.query(regex).lines())
        .extracting(LogRecord::line)
        .containsExactly(
            "GET /item/7 status=200",
            "GET /item/17 status=200",
            "GET /item/27 status=200",
            "GET /item/37 status=200",
            "GET /item/47 status=200",
            "GET /item/57 status=200",
            "GET /item/67 status=200",
            "GET /item/77 status=200",
            "GET /item/87 status=200",
            "GET /item/97 status=200");

    LogQuery newest =
        new LogQuery(
            Optional.of("web"),
            Optional.empty(),
            Optional.empty(),
            Optional.of("alpha"),
            Optional.empty(),
            NOW_NANOS - 150 * MINUTE,
            NOW_NANOS - 100 * MINUTE,
            Optional.empty(),
            Optional.empty(),
            true,
            3,
            Optional.empty());
    LogPage np = s.query(newest);
    assertThat(np.lines())
        .extracting(LogRecord::line)
        .containsExactly(
            "GET /item/79 status=200", "GET /item/78 status=200", "GET /item/77 status=200");
    LogPage np2 = s.query(withCursor(newest, np.next().orElseThrow()));
    assertThat(np2.lines().get(0).line()).isEqualTo("GET /item/76 status=200");
  }

  /**
   * Batches large enough to be split across the indexing threads, from four streams at once (and a
   * resend racing them): every line stored once, read back byte for byte (non-ASCII and malformed
   * UTF-8 too) in order, and the line marks saved by the close hold after a restart.
   */
  @Test
  void largeBatchesFromSeveralStreamsAtOnceAreStoredOnceEachAndReadBackExactly() throws Exception {
    int streams = 4;
    int batches = 3;
    int perBatch = 3 * ParallelIndexer.MIN_SLICE + 17;
    var s = store();
    List<List<LogBatch>> sent = new ArrayList<>();
    for (int c = 0; c < streams; c++) {
      String container = "cc" + c;
      List<LogBatch> mine = new ArrayList<>();
      for (int b = 0; b < batches; b++) {
        LogBatch.Builder lb = LogBatch.newBuilder().addSources(source(container, "svc" + c, 1));
        for (int i = 0; i < perBatch; i++) {
          long no = (long) b * perBatch + i + 1;
          LogLine l = line(container, no, NOW_NANOS - 10 * MINUTE + no, LogStream.STDOUT, "");
          ByteString text =
              no % 100 == 0
                  ? ByteString.copyFrom(new byte[] {'b', 'a', 'd', (byte) 0xC3, ' ', (byte) 0xFF})
                  : ByteString.copyFromUtf8("line " + no + " of " + container + " — grüße");
          lb.addLines(l.toBuilder().setLine(text).setTruncated(no % 7 == 0));
        }
        mine.add(lb.build());
      }
      sent.add(mine);
    }
    var pool = java.util.concurrent.Executors.newFixedThreadPool(streams + 1);
    try {
      List<java.util.concurrent.Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < streams; c++) {
        List<LogBatch> mine = sent.get(c);
        done.add(
            pool.submit(() -> mine.stream().mapToInt(b -> s.append("n", "host", b).size()).sum()));
      }
      var resend = pool.submit(() -> s.append("n", "host", sent.get(0).get(0)).size());
      int total = 0;
      for (var f : done) {
        total += f.get();
      }
      total += resend.get();
      assertThat(total).isEqualTo(streams * batches * perBatch);
    } finally {
      pool.shutdown();
    }
    s.refresh();

    List<LogRecord> everything = new ArrayList<>();
    for (int c = 0; c < streams; c++) {
      String container = "cc" + c;
      var q = filter(Optional.of("svc" + c), Optional.empty(), Optional.empty(), Optional.empty());
      List<LogRecord> got = new ArrayList<>();
      LogQuery page = q;
      while (true) {
        LogPage p = s.query(page);
        got.addAll(p.lines());
        if (p.next().isEmpty()) {
          break;
        }
        page = withCursor(page, p.next().get());
      }
      List<String> expected = new ArrayList<>();
      List<Boolean> truncated = new ArrayList<>();
      sent.get(c)
          .forEach(
              b ->
                  b.getLinesList()
                      .forEach(
                          l -> {
                            expected.add(l.getLine().toString(StandardCharsets.UTF_8));
                            truncated.add(l.getTruncated());
                          }));
      assertThat(got).extracting(LogRecord::line).containsExactlyElementsOf(expected);
      assertThat(got).extracting(LogRecord::truncated).containsExactlyElementsOf(truncated);
      assertThat(got)
          .allSatisfy(
              r -> {
                assertThat(r.containerId()).isEqualTo(container);
                assertThat(r.service()).isEqualTo(container.replace("cc", "svc"));
                assertThat(r.nodeHostname()).isEqualTo("host");
                assertThat(r.stream()).isEqualTo("stdout");
              });
      everything.addAll(got);
    }
    assertThat(everything.stream().map(LogRecord::seq).distinct().count())
        .isEqualTo((long) streams * batches * perBatch);
    var phrase =
        filter(
            Optional.empty(), Optional.empty(), Optional.of("\"of cc2\" Grüße"), Optional.empty());
    assertThat(s.query(withLimit(phrase, 10_000)).lines()).hasSize(batches * perBatch - 46);

    s.close();
    var again = store();
    for (List<LogBatch> mine : sent) {
      for (LogBatch b : mine) {
        assertThat(again.append("n", "host", b)).isEmpty();
      }
    }
    assertThat(again.duplicates()).isEqualTo((long) streams * batches * perBatch);
  }

  /** Hours are searched newest (or oldest) first; paging either way across them loses nothing. */
  @Test
  void pagingAcrossHoursEitherWayReturnsEveryLineOnceInOrder() {
    var s = store();
    s.append("node-1", "alpha", batch());
    s.refresh();
    assertThat(s.hours()).hasSizeGreaterThan(2);
    for (boolean newest : new boolean[] {false, true}) {
      for (int limit : new int[] {1, 7, 60, 149, 150, 151}) {
        LogQuery q =
            new LogQuery(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Long.MIN_VALUE,
                Long.MAX_VALUE,
                Optional.empty(),
                Optional.empty(),
                newest,
                limit,
                Optional.empty());
        List<LogRecord> all = new ArrayList<>();
        LogPage p = s.query(q);
        all.addAll(p.lines());
        while (p.next().isPresent()) {
          p = s.query(withCursor(q, p.next().get()));
          all.addAll(p.lines());
        }
        java.util.Comparator<LogRecord> order =
            java.util.Comparator.comparingLong(LogRecord::timeNanos)
                .thenComparingLong(LogRecord::seq);
        assertThat(all).hasSize(150).isSortedAccordingTo(newest ? order.reversed() : order);
      }
    }
  }

  @Test
  void aResentBatchIsNotStoredTwiceEvenAfterARestart() {
    var s = store();
    s.append("node-1", "alpha", batch());
    assertThat(s.append("node-1", "alpha", batch())).isEmpty();
    assertThat(s.duplicates()).isEqualTo(150);
    s.close();

    var again = store();
    again.refresh();
    assertThat(again.query(q(1000)).lines()).hasSize(150);
    assertThat(again.append("node-1", "alpha", batch())).isEmpty();
    LogBatch more =
        LogBatch.newBuilder()
            .addSources(source("c1", "web", 1))
            .addLines(line("c1", 101, NOW_NANOS, LogStream.STDOUT, "after restart"))
            .build();
    List<LogRecord> stored = again.append("node-1", "alpha", more);
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).seq()).isGreaterThan(150); // seq continues, never reused
    again.refresh();
    assertThat(again.query(q(1000)).lines()).hasSize(151);
  }

  /** Lines {@code from..to} of container c1 (service web), one second apart an hour ago. */
  static LogBatch numbered(long from, long to) {
    LogBatch.Builder b = LogBatch.newBuilder().addSources(source("c1", "web", 1));
    for (long no = from; no <= to; no++) {
      b.addLines(
          line(
              "c1", no, NOW_NANOS - 60 * MINUTE + no * 1_000_000_000L, LogStream.STDOUT, "l" + no));
    }
    return b.build();
  }

  /**
   * Appends go on while a commit runs, so a commit can take in lines whose marks wait for the next
   * save; the collector killed before that save leaves an index ahead of its marks file. The agent,
   * never acknowledged for those lines, sends them again: they must not be stored twice (the chaos
   * run caught this as thousands of duplicated lines).
   */
  @Test
  void linesCommittedAfterTheLastMarksSaveAreNotStoredTwiceAfterACrash() throws Exception {
    Path marksFile = dir.resolve("logs").resolve("line-marks");
    var s = store();
    assertThat(s.append("node-1", "alpha", numbered(1, 100))).hasSize(100);
    s.sync();
    String savedBefore = java.nio.file.Files.readString(marksFile);
    assertThat(s.append("node-1", "alpha", numbered(101, 200))).hasSize(100);
    s.close(); // commits lines 101..200 and saves their marks ...
    java.nio.file.Files.writeString(marksFile, savedBefore); // ... a save the crash prevented

    var again = store();
    assertThat(again.append("node-1", "alpha", numbered(1, 200))).isEmpty();
    assertThat(again.duplicates()).isEqualTo(200);
    assertThat(again.append("node-1", "alpha", numbered(201, 210))).hasSize(10);
    again.refresh();
    assertThat(again.query(q(1000)).lines()).hasSize(210);
  }

  @Test
  void retentionDropsWholeOldHoursAndKeepsTheRestQueryableAfterARestart() throws Exception {
    var s = store();
    s.append("node-1", "alpha", batch()); // spans 09:31 .. 11:10 UTC: hours 09, 10, 11
    assertThat(s.hours()).containsExactly("2026120309", "2026120310", "2026120311");
    clock.advance(Duration.ofHours(22)); // 10:30 next day: hour 09 is past the 24 h, 10 is not
    s.maintain();
    assertThat(s.hours()).containsExactly("2026120310", "2026120311");
    s.close();

    var again = store();
    again.refresh();
    assertThat(again.hours()).containsExactly("2026120310", "2026120311");
    List<LogRecord> left = again.query(q(1000)).lines();
    assertThat(left)
        .isNotEmpty()
        .allSatisfy(
            r -> assertThat(r.timeNanos()).isGreaterThanOrEqualTo(NOW_NANOS - 150 * MINUTE));
  }

  @Test
  void newLinesBecomeSearchableWithinTheRefreshInterval() {
    var s = store();
    s.append("node-1", "alpha", batch());
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(1))
        .until(() -> s.query(q(1000)).lines().size() == 150);
  }

  static LogQuery filter(
      Optional<String> service,
      Optional<String> stream,
      Optional<String> text,
      Optional<Pattern> regex) {
    return new LogQuery(
        service,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        stream,
        Long.MIN_VALUE,
        Long.MAX_VALUE,
        text,
        regex,
        false,
        1000,
        Optional.empty());
  }

  static LogQuery withLimit(LogQuery q, int limit) {
    return new LogQuery(
        q.service(),
        q.task(),
        q.container(),
        q.node(),
        q.stream(),
        q.sinceNanos(),
        q.untilNanos(),
        q.text(),
        q.regex(),
        q.newestFirst(),
        limit,
        q.after());
  }

  static LogQuery withCursor(LogQuery q, LogCursor c) {
    return new LogQuery(
        q.service(),
        q.task(),
        q.container(),
        q.node(),
        q.stream(),
        q.sinceNanos(),
        q.untilNanos(),
        q.text(),
        q.regex(),
        q.newestFirst(),
        q.limit(),
        Optional.of(c));
  }
}
