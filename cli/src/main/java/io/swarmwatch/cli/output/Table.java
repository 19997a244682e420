package io.swarmwatch.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table like {@code docker ps} prints: upper-case headers, columns padded to their
 * widest cell, two spaces between, the last column not padded (so long reasons don't add trailing
 * blanks). Cells may carry colour codes; widths count only what is visible.
 */
public final class Table {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(String... headers) {
    this.headers = List.of(headers);
  }

  /** Adds a row; null cells print as {@code -}, and short rows are filled with blanks. */
  public Table row(String... cells) {
    if (cells.length > headers.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells for " + headers.size() + " columns");
    }
    List<String> row = new ArrayList<>(Arrays.asList(cells));
    row.replaceAll(c -> c == null || c.isEmpty() ? "-" : c);
    while (row.size() < headers.size()) {
      row.add("");
    }
    rows.add(row);
    return this;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  public void print(PrintWriter out) {
    int[] width = new int[headers.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = Style.visibleLength(headers.get(i));
    }
    for (List<String> row : rows) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], Style.visibleLength(row.get(i)));
      }
    }
    printRow(out, headers, width);
    for (List<String> row : rows) {
      printRow(out, row, width);
    }
    out.flush();
  }

  private static void printRow(PrintWriter out, List<String> cells, int[] width) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      line.append(c);
      if (i < cells.size() - 1) {
        line.append(" ".repeat(width[i] - Style.visibleLength(c) + 2));
      }
    }
    out.println(line.toString().stripTrailing());
  }
}
