package io.swarmwatch.agent.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Follows the client→Engine bytes of one connection and reports each HTTP/1.1 request head in it:
 * request line and the headers that say where the body ends ({@code Content-Length}, {@code
 * Transfer-Encoding: chunked}), so the next request line on a keep-alive connection is found. A
 * request asking for {@code Upgrade} (docker's hijacked attach/exec streams) ends the parsing: what
 * follows is no longer HTTP.
 *
 * <p>Not thread-safe: one per connection, fed by the thread that copies that direction. It only
 * observes; the bytes are forwarded unchanged by the caller.
 */
final class HttpRequestTap {
  /** Longest request line or header line accepted; past it the stream is reported malformed. */
  private static final int MAX_LINE = 64 * 1024;

  /** What the tap saw of one request. {@code contentLength} is -1 when absent or chunked. */
  record Head(String method, String target, long contentLength, boolean chunked, boolean upgrade) {}

  private enum State {
    HEAD,
    FIXED_BODY,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_DATA_END,
    TRAILER,
    /** After an upgrade or a malformed head: bytes pass unparsed. */
    OPAQUE
  }

  private final Consumer<Head> heads;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final List<String> headLines = new ArrayList<>();
  private State state = State.HEAD;
  private long remaining;

  HttpRequestTap(Consumer<Head> heads) {
    this.heads = heads;
  }

  void feed(byte[] buf, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end) {
      switch (state) {
        case OPAQUE -> i = end;
        case FIXED_BODY, CHUNK_DATA -> {
          int n = (int) Math.min(remaining, end - i);
          i += n;
          remaining -= n;
          if (remaining == 0) {
            state = state == State.FIXED_BODY ? State.HEAD : State.CHUNK_DATA_END;
          }
        }
        default -> {
          byte b = buf[i++];
          if (b == '\n') {
            onLine(line.toString(StandardCharsets.ISO_8859_1).stripTrailing());
            line.reset();
          } else if (line.size() < MAX_LINE) {
            line.write(b);
          } else {
            heads.accept(new Head("MALFORMED", "line longer than " + MAX_LINE, -1, false, false));
            state = State.OPAQUE;
          }
        }
      }
    }
  }

  private void onLine(String s) {
    switch (state) {
      case HEAD -> {
        if (!s.isEmpty()) {
          headLines.add(s);
        } else if (!headLines.isEmpty()) { // empty lines before a request line are tolerated
          endOfHead();
        }
      }
      case CHUNK_SIZE -> {
        int semi = s.indexOf(';');
        String hex = (semi < 0 ? s : s.substring(0, semi)).strip();
        try {
          remaining = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          heads.accept(new Head("MALFORMED", "chunk size '" + s + "'", -1, true, false));
          state = State.OPAQUE;
          return;
        }
        state = remaining == 0 ? State.TRAILER : State.CHUNK_DATA;
      }
      case CHUNK_DATA_END -> state = State.CHUNK_SIZE; // the CRLF after a chunk's data
      case TRAILER -> {
        if (s.isEmpty()) {
          state = State.HEAD;
        }
      }
      default -> throw new IllegalStateException("no lines in state " + state);
    }
  }

  /** -2 for a value that is not a length: the head is then reported malformed. */
  private static long parseLength(String value) {
    try {
      long n = Long.parseLong(value);
      return n < 0 ? -2 : n;
    } catch (NumberFormatException e) {
      return -2;
    }
  }

  private void endOfHead() {
    String[] requestLine = headLines.get(0).split(" ", 3);
    long contentLength = -1;
    boolean chunked = false;
    boolean upgrade = false;
    for (String h : headLines.subList(1, headLines.size())) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).strip();
      switch (name) {
        case "content-length" -> contentLength = parseLength(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "upgrade" -> upgrade = true;
        default -> {}
      }
    }
    headLines.clear();
    if (requestLine.length < 3 || contentLength < -1) {
      heads.accept(new Head("MALFORMED", String.join(" ", requestLine), -1, false, false));
      state = State.OPAQUE;
      return;
    }
    heads.accept(
        new Head(requestLine[0], requestLine[1], chunked ? -1 : contentLength, chunked, upgrade));
    if (upgrade) {
      state = State.OPAQUE;
    } else if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (contentLength > 0) {
      remaining = contentLength;
      state = State.FIXED_BODY;
    } else {
      state = State.HEAD;
    }
  }
}
