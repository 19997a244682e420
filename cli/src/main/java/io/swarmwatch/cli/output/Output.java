package io.swarmwatch.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.time.Clock;

/**
 * Where a command writes: results to {@code out}, warnings to {@code err}; human tables or, with
 * {@code -o json}, the API's JSON. One per run.
 */
public final class Output {
  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper COMPACT = new ObjectMapper();

  private final PrintWriter out;
  private final PrintWriter err;
  private final Style style;
  private final boolean json;
  private final Clock clock;

  public Output(PrintWriter out, PrintWriter err, Style style, boolean json, Clock clock) {
    this.out = out;
    this.err = err;
    this.style = style;
    this.json = json;
    this.clock = clock;
  }

  public PrintWriter out() {
    return out;
  }

  public Style style() {
    return style;
  }

  /** True when the user asked for JSON ({@code -o json}). */
  public boolean json() {
    return json;
  }

  public Clock clock() {
    return clock;
  }

  /**
   * The reader of our output went away ({@code swarmwatch logs -f | head}): stop, quietly, instead
   * of paging or following on into a closed pipe.
   */
  public static final class Closed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Closed() {
      super("output closed", null, false, false);
    }
  }

  /** Pretty JSON, as a script or {@code jq} reads it. */
  public void printJson(Object value) {
    println(write(PRETTY, value));
  }

  /** One JSON value on one line (streams: one object per line). */
  public void printJsonLine(Object value) {
    println(write(COMPACT, value));
  }

  public void println(String line) {
    out.println(line);
    flush();
  }

  /** Flushes; throws {@link Closed} if writing failed (PrintWriter only keeps a flag). */
  private void flush() {
    if (out.checkError()) {
      throw new Closed();
    }
  }

  /** The table, or {@code whenEmpty} if it has no rows. */
  public void print(Table table, String whenEmpty) {
    if (table.isEmpty()) {
      println(whenEmpty);
    } else {
      table.print(out);
      flush();
    }
  }

  /** A warning on stderr, so it never mixes into output a script parses. */
  public void warn(String message) {
    err.println(style.warn("warning: ") + message);
    err.flush();
  }

  public static JsonNode tree(Object value) {
    return COMPACT.valueToTree(value);
  }

  private static String write(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
