package io.swarmwatch.agent.logs;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

/**
 * Decodes one HTTP/1.1 response as it arrives: the head (status, {@code Transfer-Encoding}), then
 * the body, de-chunked, handed to a {@link Body}. Docker answers a followed log with {@code
 * Transfer-Encoding: chunked}; a body without it runs until the connection closes.
 *
 * <p>Not thread-safe: one per connection, fed by the reactor thread.
 */
final class HttpStreamDecoder {
  private static final int MAX_HEAD = 16 * 1024;
  private static final int MAX_ERROR_BODY = 1024;

  interface Body {
    void bytes(byte[] b, int off, int len) throws IOException;
  }

  private enum State {
    HEAD,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_END,
    IDENTITY,
    DONE
  }

  private final StringBuilder head = new StringBuilder();
  private final StringBuilder errorBody = new StringBuilder();
  private State state = State.HEAD;
  private int status;
  private long chunkLeft;
  private int crlfLeft;
  private final StringBuilder sizeLine = new StringBuilder();

  /** The response status; 0 until the head has arrived. */
  int status() {
    return status;
  }

  /** The first bytes of a non-200 response's body (Docker's JSON {@code message}). */
  String errorBody() {
    return errorBody.toString().trim();
  }

  /** The last chunk arrived: the Engine ended the stream. */
  boolean done() {
    return state == State.DONE;
  }

  /** Feeds bytes read from the socket; body bytes of a 200 go to {@code body}. */
  void feed(byte[] b, int off, int len, Body body) throws IOException {
    int end = off + len;
    int i = off;
    while (i < end && state != State.DONE) {
      switch (state) {
        case HEAD -> {
          // Latin-1 is safe here: the head is ASCII and we only look for CRLF CRLF.
          char c = (char) (b[i++] & 0xff);
          head.append(c);
          if (head.length() > MAX_HEAD) {
            throw new ProtocolException("response head longer than " + MAX_HEAD + " bytes");
          }
          if (c == '\n'
              && head.length() >= 4
              && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
            parseHead();
          }
        }
        case CHUNK_SIZE -> {
          char c = (char) (b[i++] & 0xff);
          if (c == '\n') {
            String line = sizeLine.toString().trim();
            sizeLine.setLength(0);
            int semi = line.indexOf(';');
            if (semi >= 0) {
              line = line.substring(0, semi).trim();
            }
            try {
              chunkLeft = Long.parseLong(line, 16);
            } catch (NumberFormatException e) {
              throw new ProtocolException("bad chunk size '" + line + "'");
            }
            if (chunkLeft == 0) {
              state = State.DONE;
            } else {
              state = State.CHUNK_DATA;
            }
          } else if (sizeLine.length() > 64) {
            throw new ProtocolException("chunk size line too long");
          } else {
            sizeLine.append(c);
          }
        }
        case CHUNK_DATA -> {
          int n = (int) Math.min(chunkLeft, end - i);
          deliver(b, i, n, body);
          i += n;
          chunkLeft -= n;
          if (chunkLeft == 0) {
            state = State.CHUNK_END;
            crlfLeft = 2;
          }
        }
        case CHUNK_END -> {
          i++;
          if (--crlfLeft == 0) {
            state = State.CHUNK_SIZE;
          }
        }
        case IDENTITY -> {
          deliver(b, i, end - i, body);
          i = end;
        }
        case DONE -> {}
      }
    }
  }

  private void deliver(byte[] b, int off, int len, Body body) throws IOException {
    if (status == 200) {
      body.bytes(b, off, len);
    } else if (errorBody.length() < MAX_ERROR_BODY) {
      errorBody.append(
          new String(
              b, off, Math.min(len, MAX_ERROR_BODY - errorBody.length()), StandardCharsets.UTF_8));
    }
  }

  private void parseHead() throws ProtocolException {
    String[] lines = head.toString().split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
      throw new ProtocolException("not an HTTP/1.x response: " + lines[0]);
    }
    try {
      status = Integer.parseInt(statusLine[1]);
    } catch (NumberFormatException e) {
      throw new ProtocolException("bad status line: " + lines[0]);
    }
    boolean chunked = false;
    for (int k = 1; k < lines.length; k++) {
      int colon = lines[k].indexOf(':');
      if (colon > 0
          && lines[k].substring(0, colon).trim().equalsIgnoreCase("transfer-encoding")
          && lines[k].substring(colon + 1).toLowerCase().contains("chunked")) {
        chunked = true;
      }
    }
    state = chunked ? State.CHUNK_SIZE : State.IDENTITY;
  }
}
