package io.swarmwatch.agent.logs;

import java.util.Arrays;

/**
 * Turns the Engine's log messages back into the lines the process wrote.
 *
 * <p>Each message is {@code <timestamp> <bytes>}; the bytes end with a newline unless the Engine
 * cut the line into 16 KiB parts ("partial" messages: no newline, the next message of the same
 * stream continues it with its own timestamp). Parts are joined, per stream, into one line that
 * keeps the first part's time; past {@code maxLineBytes} the rest is dropped and the line marked
 * truncated. TTY output arrives unframed and ends lines with {@code \r\n}: {@link #raw} splits it
 * on newlines, strips the carriage return, and removes the timestamp the Engine inserts at each 16
 * KiB boundary.
 *
 * <p>Not thread-safe: one per followed container.
 */
final class LineAssembler {
  /** Docker's log copier cuts lines into parts of this size. */
  static final int PART = 16 * 1024;

  interface Out {
    /** One whole line, without its newline; {@code stream} 1 = stdout, 2 = stderr. */
    void line(long timeNanos, int stream, byte[] b, int off, int len, boolean truncated);
  }

  private final int maxLineBytes;
  private final Out out;
  private final Partial[] partial = {null, new Partial(), new Partial()};
  private byte[] raw = new byte[0];
  private int rawLen;
  private long malformed;

  LineAssembler(int maxLineBytes, Out out) {
    this.maxLineBytes = maxLineBytes;
    this.out = out;
  }

  /** Messages without a parseable timestamp (kept, with the previous line's time). */
  long malformed() {
    return malformed;
  }

  /** One framed message: {@code <timestamp> <bytes>[\n]}. */
  void message(int stream, byte[] b, int off, int len) {
    Partial p = partial[stream];
    int space = DockerTimestamp.spaceAfter(b, off, len);
    long time;
    int body;
    try {
      if (space < 0) {
        throw new IllegalArgumentException("no timestamp");
      }
      time = DockerTimestamp.parse(b, off, space - off);
      body = space + 1;
    } catch (IllegalArgumentException e) {
      malformed++;
      time = p.lastTime;
      body = off;
    }
    int end = off + len;
    boolean complete = end > body && b[end - 1] == '\n';
    int contentEnd = complete ? end - 1 : end;
    if (complete && p.len == 0 && !p.open) {
      // The common case: a whole line in one message, handed on without a copy.
      int n = contentEnd - body;
      boolean cut = n > maxLineBytes;
      p.lastTime = time;
      out.line(time, stream, b, body, cut ? maxLineBytes : n, cut);
      return;
    }
    if (!p.open) {
      p.open = true;
      p.time = time;
    }
    p.append(b, body, contentEnd - body, maxLineBytes);
    if (complete) {
      p.lastTime = p.time;
      out.line(p.time, stream, p.buf, 0, p.len, p.truncated);
      p.reset();
    }
  }

  /** Unframed TTY output: {@code <timestamp> <bytes>\r\n} messages, back to back. */
  void raw(byte[] b, int off, int len) {
    int end = off + len;
    int start = off;
    for (int i = off; i < end; i++) {
      if (b[i] == '\n') {
        if (rawLen == 0) {
          rawMessage(b, start, i + 1 - start);
        } else {
          appendRaw(b, start, i + 1 - start);
          rawMessage(raw, 0, rawLen);
          rawLen = 0;
        }
        start = i + 1;
      }
    }
    if (start < end) {
      appendRaw(b, start, end - start);
    }
  }

  private void appendRaw(byte[] b, int off, int len) {
    // Bounded: beyond the cap plus room for the inline timestamps, bytes are dropped; the line
    // comes out truncated when its newline arrives.
    int room = maxLineBytes + 64 + (maxLineBytes / PART + 1) * 32 - rawLen;
    int n = Math.max(0, Math.min(len, room));
    if (rawLen + n > raw.length) {
      raw =
          Arrays.copyOf(
              raw, Math.max(rawLen + n, Math.min(raw.length * 2 + 256, rawLen + n + PART)));
    }
    System.arraycopy(b, off, raw, rawLen, n);
    rawLen += n;
  }

  private void rawMessage(byte[] b, int off, int len) {
    int space = DockerTimestamp.spaceAfter(b, off, len);
    long time;
    int body;
    if (space > 0 && isTimestamp(b, off, space - off)) {
      time = DockerTimestamp.parse(b, off, space - off);
      body = space + 1;
    } else {
      malformed++;
      time = partial[1].lastTime;
      body = off;
    }
    int end = off + len;
    boolean complete = end > body && b[end - 1] == '\n';
    int contentEnd = complete ? end - 1 : end;
    if (contentEnd > body && b[contentEnd - 1] == '\r') {
      contentEnd--;
    }
    // A line longer than 16 KiB: the Engine wrote it as parts, each with its own timestamp, and
    // with no framing they sit inline at every 16 KiB of content. Cut them out.
    byte[] buf = b;
    int w = body;
    int r = body;
    int n = 0;
    boolean copied = false;
    while (r < contentEnd) {
      if (n > 0 && n % PART == 0 && DockerTimestamp.startsWithFixed(b, r, contentEnd - r)) {
        if (!copied) {
          buf = Arrays.copyOfRange(b, body, contentEnd);
          w = r - body;
          copied = true;
        }
        r += DockerTimestamp.FIXED_LENGTH + 1;
        continue;
      }
      if (copied) {
        buf[w] = b[r];
      }
      w++;
      r++;
      n++;
    }
    int from = copied ? 0 : body;
    int length = copied ? w : contentEnd - body;
    boolean cut = length > maxLineBytes;
    partial[1].lastTime = time;
    out.line(time, 1, buf, from, cut ? maxLineBytes : length, cut);
  }

  private static boolean isTimestamp(byte[] b, int off, int len) {
    try {
      DockerTimestamp.parse(b, off, len);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A line being joined from parts. */
  private static final class Partial {
    byte[] buf = new byte[0];
    int len;
    long time;
    long lastTime;
    boolean open;
    boolean truncated;

    void append(byte[] b, int off, int n, int max) {
      int take = Math.min(n, max - len);
      if (take < n) {
        truncated = true;
      }
      if (take <= 0) {
        return;
      }
      if (len + take > buf.length) {
        buf = Arrays.copyOf(buf, Math.min(max, Math.max(len + take, buf.length * 2)));
      }
      System.arraycopy(b, off, buf, len, take);
      len += take;
    }

    void reset() {
      len = 0;
      open = false;
      truncated = false;
      if (buf.length > 64 * 1024) {
        buf = new byte[0];
      }
    }
  }
}
