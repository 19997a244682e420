package io.swarmwatch.collector.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * The {@code q} parameter: words and "quoted phrases", all required. Each is analyzed like the
 * stored lines (so {@code Timeout} finds {@code timeout:}); a word the analyzer splits in several
 * tokens ({@code conn-refused}) becomes a phrase.
 */
final class TextQuery {
  private TextQuery() {}

  /** The words and phrases of {@code q}, quotes removed. */
  static List<String> terms(String q) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < q.length(); i++) {
      char c = q.charAt(i);
      if (c == '"') {
        if (cur.length() > 0) {
          out.add(cur.toString());
          cur.setLength(0);
        }
        quoted = !quoted;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (cur.length() > 0) {
          out.add(cur.toString());
          cur.setLength(0);
        }
      } else {
        cur.append(c);
      }
    }
    if (cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }

  /** Null when {@code q} has no searchable token (only punctuation). */
  static Query parse(String q, Analyzer analyzer, String field) {
    BooleanQuery.Builder all = new BooleanQuery.Builder();
    int clauses = 0;
    for (String term : terms(q)) {
      List<String> tokens = tokens(analyzer, field, term);
      if (tokens.isEmpty()) {
        continue;
      }
      Query one;
      if (tokens.size() == 1) {
        one = new TermQuery(new Term(field, tokens.get(0)));
      } else {
        PhraseQuery.Builder p = new PhraseQuery.Builder();
        tokens.forEach(t -> p.add(new Term(field, t)));
        one = p.build();
      }
      all.add(one, BooleanClause.Occur.FILTER);
      clauses++;
    }
    return clauses == 0 ? null : all.build();
  }

  private static List<String> tokens(Analyzer analyzer, String field, String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream(field, text)) {
      CharTermAttribute attr = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(attr.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
