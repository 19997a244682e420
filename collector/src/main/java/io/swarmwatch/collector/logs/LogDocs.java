package io.swarmwatch.collector.logs;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;

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

  static final Sort OLDEST_FIRST =
      new Sort(new SortField(TIME, SortField.Type.LONG), new SortField(SEQ, SortField.Type.LONG));
  static final Sort NEWEST_FIRST =
      new Sort(
          new SortField(TIME, SortField.Type.LONG, true),
          new SortField(SEQ, SortField.Type.LONG, true));

  private LogDocs() {}

  static Document toDocument(LogRecord r) {
    Document d = new Document();
    d.add(new LongPoint(TIME, r.timeNanos()));
    d.add(new NumericDocValuesField(TIME, r.timeNanos()));
    d.add(new StoredField(TIME, r.timeNanos()));
    d.add(new LongPoint(SEQ, r.seq()));
    d.add(new NumericDocValuesField(SEQ, r.seq()));
    d.add(new StoredField(SEQ, r.seq()));
    keyword(d, NODE, r.node());
    keyword(d, NODE_HOST, r.nodeHostname());
    keyword(d, SERVICE, r.service());
    keyword(d, SERVICE_ID, r.serviceId());
    keyword(d, STACK, r.stack());
    keyword(d, TASK, r.taskId());
    if (r.slot() != 0) {
      d.add(new StoredField(SLOT, r.slot()));
    }
    keyword(d, CONTAINER, r.containerId());
    keyword(d, CONTAINER_NAME, r.containerName());
    keyword(d, STREAM, r.stream());
    d.add(new TextField(LINE, r.line(), Field.Store.YES));
    if (r.truncated()) {
      d.add(new StoredField(TRUNCATED, 1));
    }
    return d;
  }

  private static void keyword(Document d, String name, String value) {
    if (!value.isEmpty()) {
      d.add(new StringField(name, value, Field.Store.YES));
    }
  }

  static LogRecord toRecord(Document d) {
    var slot = d.getField(SLOT);
    return new LogRecord(
        d.getField(TIME).numericValue().longValue(),
        d.getField(SEQ).numericValue().longValue(),
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

  private static String str(Document d, String name) {
    String v = d.get(name);
    return v == null ? "" : v;
  }
}
