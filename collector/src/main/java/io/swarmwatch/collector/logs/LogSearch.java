package io.swarmwatch.collector.logs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.MultiReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;

/**
 * Runs a {@link LogQuery} over the partitions it touches: filters become Lucene clauses, the order
 * is (time, seq), paging uses {@code searchAfter} on those two values (unique, so the cursor needs
 * no document id). A regex is applied to the lines Lucene returns; to keep one request bounded, at
 * most {@link #MAX_SCAN} lines are examined per request, and the cursor then points past them.
 */
final class LogSearch {
  static final int MAX_SCAN = 200_000;

  private final Analyzer analyzer;

  LogSearch(Analyzer analyzer) {
    this.analyzer = analyzer;
  }

  /**
   * Hours hold disjoint time ranges, so the hours the query reads first (the newest for {@code
   * newestFirst}) hold its first matches: it searches the first hour alone, then the first 4, 16, …
   * until a page is full or every hour was searched. A page that ends with a cursor (full, or the
   * scan budget spent) is then exactly what the search over every hour returns. Hours wholly before
   * the cursor are skipped.
   *
   * @param parts oldest first
   */
  LogPage run(List<Partition> parts, LogQuery q) throws IOException {
    List<Partition> ordered = new ArrayList<>(parts);
    if (q.after().isPresent()) {
      long cursorHour = Math.floorDiv(q.after().get().timeNanos(), LuceneLogStore.HOUR_NANOS);
      ordered.removeIf(p -> q.newestFirst() ? p.hour > cursorHour : p.hour < cursorHour);
    }
    if (q.newestFirst()) {
      Collections.reverse(ordered);
    }
    int k = 1;
    while (true) {
      List<Partition> window = ordered.subList(0, Math.min(k, ordered.size()));
      LogPage page = runOver(window, q);
      if (window.size() == ordered.size() || page.next().isPresent()) {
        return page;
      }
      k *= 4;
    }
  }

  private LogPage runOver(List<Partition> parts, LogQuery q) throws IOException {
    List<Partition.Lease> leases = new ArrayList<>();
    try {
      List<IndexReader> readers = new ArrayList<>();
      for (Partition p : parts) {
        Partition.Lease l = p.acquire();
        if (l != null) {
          leases.add(l);
          readers.add(l.searcher().getIndexReader());
        }
      }
      if (readers.isEmpty() || q.limit() <= 0) {
        return new LogPage(List.of(), Optional.empty());
      }
      MultiReader multi = new MultiReader(readers.toArray(IndexReader[]::new), false);
      IndexSearcher searcher = new IndexSearcher(multi);
      return page(searcher, q);
    } finally {
      for (Partition.Lease l : leases) {
        l.close();
      }
    }
  }

  private LogPage page(IndexSearcher searcher, LogQuery q) throws IOException {
    Query query = toLucene(q);
    boolean postFilter = q.regex().isPresent() || literalOnly(q);
    int want = q.limit() + 1;
    int pageSize = postFilter ? Math.max(want, 1000) : want;
    // (time, seq) is unique, so the document id only breaks the tie with the cursor's own line:
    // the highest id puts every line equal to the cursor before it, i.e. excluded.
    int lastDoc = searcher.getIndexReader().maxDoc() - 1;
    FieldDoc after =
        q.after()
            .map(c -> new FieldDoc(lastDoc, Float.NaN, new Object[] {c.timeNanos(), c.seq()}))
            .orElse(null);
    List<LogRecord> out = new ArrayList<>();
    StoredFields stored = searcher.storedFields();
    int scanned = 0;
    LogRecord lastScanned = null;
    while (out.size() < want) {
      TopDocs top =
          searcher.searchAfter(
              after,
              query,
              pageSize,
              q.newestFirst() ? LogDocs.NEWEST_FIRST : LogDocs.OLDEST_FIRST);
      ScoreDoc[] docs = top.scoreDocs;
      for (ScoreDoc sd : docs) {
        after = (FieldDoc) sd;
        LogRecord r =
            LogDocs.toRecord(
                stored.document(sd.doc), (Long) after.fields[0], (Long) after.fields[1]);
        lastScanned = r;
        scanned++;
        if (!postFilter || q.matches(r)) {
          out.add(r);
          if (out.size() == want) {
            break;
          }
        }
      }
      if (docs.length < pageSize) {
        break; // nothing more matches
      }
      if (scanned >= MAX_SCAN && out.size() < want) {
        // Budget spent: hand back what matched and a cursor past what was examined.
        return new LogPage(out, Optional.of(LogCursor.of(lastScanned)));
      }
    }
    if (out.size() > q.limit()) {
      List<LogRecord> lines = out.subList(0, q.limit());
      return new LogPage(
          List.copyOf(lines), Optional.of(LogCursor.of(lines.get(lines.size() - 1))));
    }
    return new LogPage(out, Optional.empty());
  }

  private boolean literalOnly(LogQuery q) {
    return q.text().isPresent() && TextQuery.parse(q.text().get(), analyzer, LogDocs.LINE) == null;
  }

  private Query toLucene(LogQuery q) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    int clauses = 0;
    if (q.sinceNanos() != Long.MIN_VALUE || q.untilNanos() != Long.MAX_VALUE) {
      long upper = q.untilNanos() == Long.MAX_VALUE ? Long.MAX_VALUE : q.untilNanos() - 1;
      b.add(LongPoint.newRangeQuery(LogDocs.TIME, q.sinceNanos(), upper), Occur.FILTER);
      clauses++;
    }
    if (q.service().isPresent()) {
      b.add(
          either(
              term(LogDocs.SERVICE, q.service().get()),
              term(LogDocs.SERVICE_ID, q.service().get())),
          Occur.FILTER);
      clauses++;
    }
    if (q.task().isPresent()) {
      b.add(new PrefixQuery(new Term(LogDocs.TASK, q.task().get())), Occur.FILTER);
      clauses++;
    }
    if (q.container().isPresent()) {
      String c = q.container().get();
      b.add(
          either(new PrefixQuery(new Term(LogDocs.CONTAINER, c)), term(LogDocs.CONTAINER_NAME, c)),
          Occur.FILTER);
      clauses++;
    }
    if (q.node().isPresent()) {
      b.add(
          either(term(LogDocs.NODE, q.node().get()), term(LogDocs.NODE_HOST, q.node().get())),
          Occur.FILTER);
      clauses++;
    }
    if (q.stream().isPresent()) {
      b.add(term(LogDocs.STREAM, q.stream().get()), Occur.FILTER);
      clauses++;
    }
    if (q.text().isPresent()) {
      Query text = TextQuery.parse(q.text().get(), analyzer, LogDocs.LINE);
      if (text != null) {
        b.add(text, Occur.FILTER);
        clauses++;
      }
    }
    return clauses == 0 ? new MatchAllDocsQuery() : b.build();
  }

  private static Query term(String field, String value) {
    return new TermQuery(new Term(field, value));
  }

  private static Query either(Query a, Query b) {
    return new BooleanQuery.Builder()
        .add(a, Occur.SHOULD)
        .add(b, Occur.SHOULD)
        .setMinimumNumberShouldMatch(1)
        .build();
  }
}
