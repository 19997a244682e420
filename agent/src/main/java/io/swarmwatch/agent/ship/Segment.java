package io.swarmwatch.agent.ship;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swarmwatch.proto.v1.AgentMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One spool segment file: {@code <firstSeq, 20 digits>.seg}, an 8-byte header ({@code SWSP} and the
 * format version 1, big-endian) then records, each {@code [u32 length][u32 crc32c][payload]}
 * (big-endian; the CRC covers the payload, a serialized {@link AgentMessage} with its seq set).
 *
 * <p>Not thread-safe: the {@link Spool} holds its lock around every call.
 */
final class Segment {
  private static final Logger log = LoggerFactory.getLogger(Segment.class);
  static final int MAGIC = 0x53575350; // "SWSP"
  static final int VERSION = 1;
  static final int HEADER = 8;
  static final int FRAME = 8;

  /** A record this large can only be garbage: the collector refuses far smaller messages. */
  static final int MAX_RECORD = 64 * 1024 * 1024;

  final long firstSeq;
  final Path path;
  long size;
  long lastSeq;
  int records;
  int logRecords;
  int sampleRecords;

  Segment(long firstSeq, Path path) {
    this.firstSeq = firstSeq;
    this.path = path;
    this.lastSeq = firstSeq - 1;
  }

  static String name(long firstSeq) {
    return String.format("%020d.seg", firstSeq);
  }

  /** A record read back: the message and where the next record starts. */
  record Read(AgentMessage message, long next, int bytes) {}

  /**
   * Reads the record at {@code pos}; null at the end of the valid data (end of file, a torn or
   * corrupt record).
   */
  static Read read(FileChannel ch, long pos, long limit) throws IOException {
    if (pos + FRAME > limit) {
      return null;
    }
    ByteBuffer frame = ByteBuffer.allocate(FRAME);
    readFully(ch, frame, pos);
    frame.flip();
    int len = frame.getInt();
    int crc = frame.getInt();
    if (len < 0 || len > MAX_RECORD || pos + FRAME + len > limit) {
      return null;
    }
    ByteBuffer payload = ByteBuffer.allocate(len);
    readFully(ch, payload, pos + FRAME);
    CRC32C c = new CRC32C();
    c.update(payload.array(), 0, len);
    if ((int) c.getValue() != crc) {
      return null;
    }
    try {
      AgentMessage m = AgentMessage.parseFrom(payload.array());
      if (m.getSeq() <= 0) {
        return null;
      }
      return new Read(m, pos + FRAME + len, FRAME + len);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  static ByteBuffer frame(byte[] payload) {
    CRC32C c = new CRC32C();
    c.update(payload);
    ByteBuffer b = ByteBuffer.allocate(FRAME + payload.length);
    b.putInt(payload.length).putInt((int) c.getValue()).put(payload).flip();
    return b;
  }

  static ByteBuffer header() {
    return ByteBuffer.allocate(HEADER).putInt(MAGIC).putInt(VERSION).flip();
  }

  static boolean validHeader(FileChannel ch) throws IOException {
    if (ch.size() < HEADER) {
      return false;
    }
    ByteBuffer b = ByteBuffer.allocate(HEADER);
    readFully(ch, b, 0);
    b.flip();
    return b.getInt() == MAGIC && b.getInt() == VERSION;
  }

  static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, pos + b.position());
      if (n < 0) {
        throw new IOException("unexpected end of " + ch);
      }
    }
  }

  static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /** Periodic measurements: a later one says much the same, so they go second when full. */
  static boolean isSample(AgentMessage m) {
    return m.hasUsage() || m.hasHost() || m.hasStats() || m.hasSwarm();
  }

  FileChannel openRead() throws IOException {
    return FileChannel.open(path, StandardOpenOption.READ);
  }

  void counted(AgentMessage m, int bytes) {
    records++;
    if (m.hasLogs()) {
      logRecords++;
    } else if (isSample(m)) {
      sampleRecords++;
    }
    lastSeq = m.getSeq();
    size += bytes;
  }

  /**
   * Reads a segment back when the spool opens, truncating it after its last valid record (a torn
   * tail); null for a file that is not a segment (moved aside).
   */
  static Segment recover(Path p, long prevLast) throws IOException {
    long first;
    try {
      first = Long.parseLong(p.getFileName().toString().replace(".seg", ""));
    } catch (NumberFormatException e) {
      log.warn("spool: ignoring {} (not a segment name)", p);
      return null;
    }
    Segment s = new Segment(first, p);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      if (!Segment.validHeader(ch)) {
        if (ch.size() >= Segment.HEADER) {
          Path aside = p.resolveSibling(p.getFileName() + ".bad");
          log.error("spool: {} is not a spool segment; moved aside to {}", p, aside);
          Files.move(p, aside);
          return null;
        }
        // Crashed while creating it: start it over.
        ch.truncate(0);
        Segment.writeFully(ch, Segment.header());
        ch.force(true);
        s.size = Segment.HEADER;
        return s;
      }
      long pos = Segment.HEADER;
      long size = ch.size();
      s.size = Segment.HEADER;
      Segment.Read r;
      while ((r = Segment.read(ch, pos, size)) != null && r.message().getSeq() > prevLast) {
        s.counted(r.message(), r.bytes());
        prevLast = r.message().getSeq();
        pos = r.next();
      }
      if (pos < size) {
        log.warn(
            "spool: {} ends in a torn or corrupt record at byte {}: cut off {} bytes",
            p.getFileName(),
            pos,
            size - pos);
        ch.truncate(pos);
        ch.force(true);
      }
    }
    return s;
  }
}
