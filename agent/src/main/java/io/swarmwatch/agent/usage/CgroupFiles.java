package io.swarmwatch.agent.usage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads one small cgroup pseudo-file at a time into a reused buffer and parses numbers from it
 * without making Strings: the sampler reads about ten of these per container per interval.
 *
 * <p>Formats: a single value ({@code 12345\n}, {@code max\n}, {@code -1\n}), a pair ({@code
 * cpu.max}: {@code 50000 100000}) or {@code key value} lines ({@code cpu.stat}, {@code
 * memory.stat}, {@code memory.events}, {@code memory.oom_control}).
 *
 * <p>Not thread-safe: one instance per sampling thread.
 */
final class CgroupFiles {
  /** Returned for a key or value that is not in the file. */
  static final long ABSENT = -1;

  /** Returned by {@link #first} and {@link #second} for the word {@code max}. */
  static final long MAX = Long.MAX_VALUE;

  /** Pseudo-files are a few KiB; anything this large is not one. */
  private static final int LIMIT = 1 << 20;

  private byte[] buf = new byte[4096];
  private ByteBuffer bb = ByteBuffer.wrap(buf);
  private int len;

  /**
   * Replaces the buffer's content with the file's.
   *
   * @throws java.nio.file.NoSuchFileException if the file (or its cgroup) does not exist
   */
  CgroupFiles load(Path file) throws IOException {
    len = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (true) {
        if (len == buf.length) {
          grow(file);
        }
        bb.limit(buf.length).position(len);
        int n = ch.read(bb);
        if (n < 0) {
          return this;
        }
        len += n;
      }
    }
  }

  private void grow(Path file) throws IOException {
    if (buf.length >= LIMIT) {
      throw new IOException(file + " is larger than " + LIMIT + " bytes: not a cgroup file");
    }
    byte[] bigger = new byte[buf.length * 2];
    System.arraycopy(buf, 0, bigger, 0, len);
    buf = bigger;
    bb = ByteBuffer.wrap(buf);
  }

  /** The first value: a number, {@link #MAX} for {@code max}, {@link #ABSENT} if empty. */
  long first() {
    return valueAt(skipSpaces(0));
  }

  /** The second whitespace-separated value of the first line ({@code cpu.max}'s period). */
  long second() {
    int i = skipSpaces(0);
    while (i < len && !isSpace(buf[i])) {
      i++;
    }
    return valueAt(skipSpaces(i));
  }

  /** The value of the line {@code key value}, or {@link #ABSENT} if no line has that key. */
  long keyed(byte[] key) {
    int i = 0;
    while (i < len) {
      if (startsWith(i, key) && i + key.length < len && buf[i + key.length] == ' ') {
        return valueAt(skipSpaces(i + key.length));
      }
      while (i < len && buf[i] != '\n') {
        i++;
      }
      i++;
    }
    return ABSENT;
  }

  /** The content as text, for error messages and tests. */
  String text() {
    return new String(buf, 0, len, StandardCharsets.US_ASCII);
  }

  static byte[] key(String k) {
    return k.getBytes(StandardCharsets.US_ASCII);
  }

  private long valueAt(int i) {
    if (i >= len || buf[i] == '\n') {
      return ABSENT;
    }
    if (startsWith(i, MAX_WORD)) {
      return MAX;
    }
    boolean negative = buf[i] == '-';
    if (negative) {
      i++;
    }
    long v = 0;
    int digits = 0;
    for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++, digits++) {
      int d = buf[i] - '0';
      // Saturate rather than wrap: no cgroup counter gets there, but a wrapped one would lie.
      v = v > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : v * 10 + d;
    }
    if (digits == 0) {
      return ABSENT;
    }
    return negative ? -v : v;
  }

  private static final byte[] MAX_WORD = key("max");

  private boolean startsWith(int at, byte[] prefix) {
    if (at + prefix.length > len) {
      return false;
    }
    for (int k = 0; k < prefix.length; k++) {
      if (buf[at + k] != prefix[k]) {
        return false;
      }
    }
    return true;
  }

  private int skipSpaces(int i) {
    while (i < len && (buf[i] == ' ' || buf[i] == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n';
  }
}
