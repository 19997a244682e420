package io.swarmwatch.collector.logs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.util.BytesRef;

/** How a {@link LogRecord} is laid out in a Lucene document, and back. */
final class LogDocs {
  static final String TIME = "time";
  static final String SEQ = "seq";
  static final String NODE = "node";
  static final String NODE_HOST = "nodeHost";
  static final String SERVICE = "service";
  static final String SERVICE_ID = "serviceId";
  static final String STACK = "stack";
  static final String TASK = "task";
  static final String SLOT = "slot";
  static final String CONTAINER = "container";
  static final String CONTAINER_NAME = "containerName";
  static final String STREAM = "stream";
  static final String LINE = "line";
  static final String TRUNCATED = "truncated";
  // The agent's number of the line within its container (absent when the agent sent none): what
  // re-marks lines committed after the last line-marks save (see LuceneLogStore#remark).
  static final String LINE_NO = "lineNo";

  static final Sort OLDEST_FIRST =
      new Sort(new SortField(TIME, SortField.Type.LONG), new SortField(SEQ, SortField.Type.LONG));
  static final Sort NEWEST_FIRST =
      new Sort(
          new SortField(TIME, SortField.Type.LONG, true),
          new SortField(SEQ, SortField.Type.LONG, true));

  private LogDocs() {}

  /**
   * The fields every line of one container in one batch shares, UTF-8 encoded once: indexing and
   * storing a {@code String} field encodes it again for every line, which was the largest single
   * cost of ingest. Immutable, so the threads indexing one batch share it.
   */
  static final class Source {
    private final String[] names;
    private final BytesRef[] values;
    private final int slot;

    Source(
        String node,
        String nodeHostname,
        String service,
        String serviceId,
        String stack,
        String taskId,
        int slot,
        String containerId,
        String containerName) {
      List<String> n = new ArrayList<>(8);
      List<BytesRef> v = new ArrayList<>(8);
      keyword(n, v, NODE, node);
      keyword(n, v, NODE_HOST, nodeHostname);
      keyword(n, v, SERVICE, service);
      keyword(n, v, SERVICE_ID, serviceId);
      keyword(n, v, STACK, stack);
      keyword(n, v, TASK, taskId);
      keyword(n, v, CONTAINER, containerId);
      keyword(n, v, CONTAINER_NAME, containerName);
      this.names = n.toArray(String[]::new);
      this.values = v.toArray(BytesRef[]::new);
      this.slot = slot;
    }

    private static void keyword(List<String> n, List<BytesRef> v, String name, String value) {
      if (!value.isEmpty()) {
        n.add(name);
        v.add(new BytesRef(value));
      }
    }
  }

  private static final BytesRef STDOUT = new BytesRef("stdout");
  private static final BytesRef STDERR = new BytesRef("stderr");

  /** For tests and one-off writes: encodes the record's own strings. */
  static Document toDocument(LogRecord r) {
    byte[] line = r.line().getBytes(StandardCharsets.UTF_8);
    return toDocument(
        r,
        new Source(
            r.node(),
            r.nodeHostname(),
            r.service(),
            r.serviceId(),
            r.stack(),
            r.taskId(),
            r.slot(),
            r.containerId(),
            r.containerName()),
        new BytesRef(line),
        0);
  }

  /**
   * The document of {@code r}, whose identity fields are {@code s} and whose line is {@code
   * lineUtf8} as the agent sent it. The line is stored as those bytes and decoded when read (the
   * same replacement of malformed UTF-8 as decoding it here), and indexed from {@code r.line()};
   * {@code lineNo} (the agent's, 0 = none) is stored to rebuild the line marks after a crash.
   */
  static Document toDocument(LogRecord r, Source s, BytesRef lineUtf8, long lineNo) {
    Document d = new Document();
    d.add(new LongPoint(TIME, r.timeNanos()));
    d.add(new NumericDocValuesField(TIME, r.timeNanos()));
    // Not stored: every search sorts by (time, seq), so the hit carries them (see toRecord).
    d.add(new LongPoint(SEQ, r.seq()));
    d.add(new NumericDocValuesField(SEQ, r.seq()));
    for (int i = 0; i < s.names.length; i++) {
      d.add(new StringField(s.names[i], s.values[i], Field.Store.YES));
    }
    if (s.slot != 0) {
      d.add(new StoredField(SLOT, s.slot));
    }
    d.add(new StringField(STREAM, "stderr".equals(r.stream()) ? STDERR : STDOUT, Field.Store.YES));
    d.add(new TextField(LINE, r.line(), Field.Store.NO));
    d.add(new StoredField(LINE, lineUtf8));
    if (r.truncated()) {
      d.add(new StoredField(TRUNCATED, 1));
    }
    if (lineNo > 0) {
      d.add(new StoredField(LINE_NO, lineNo));
    }
    return d;
  }

  /**
   * The record of a stored document; {@code timeNanos} and {@code seq} come from the hit's sort
   * values (documents written before 2026-12-04 also store them, the same values).
   */
  static LogRecord toRecord(Document d, long timeNanos, long seq) {
    var slot = d.getField(SLOT);
    return new LogRecord(
        timeNanos,
        seq,
        str(d, NODE),
        str(d, NODE_HOST),
        str(d, SERVICE),
        str(d, SERVICE_ID),
        str(d, STACK),
        str(d, TASK),
        slot == null ? 0 : slot.numericValue().intValue(),
        str(d, CONTAINER),
        str(d, CONTAINER_NAME),
        str(d, STREAM),
        str(d, LINE),
        d.getField(TRUNCATED) != null);
  }

  /** Stored as a string (indexes written before 2026-12-04) or as UTF-8 bytes. */
  static String str(Document d, String name) {
    IndexableField f = d.getField(name);
    if (f == null) {
      return "";
    }
    String v = f.stringValue();
    if (v != null) {
      return v;
    }
    BytesRef b = f.binaryValue();
    return b == null ? "" : new String(b.bytes, b.offset, b.length, StandardCharsets.UTF_8);
  }
}
