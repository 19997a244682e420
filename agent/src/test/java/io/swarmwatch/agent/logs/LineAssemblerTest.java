package io.swarmwatch.agent.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Engine log framing: frames, partial 16 KiB parts, TTY output, chunked HTTP. */
class LineAssemblerTest {
  record Line(long time, int stream, String text, boolean truncated) {}

  private final List<Line> lines = new ArrayList<>();

  private LineAssembler assembler(int max) {
    return new LineAssembler(
        max,
        (t, s, b, off, len, cut) ->
            lines.add(new Line(t, s, new String(b, off, len, StandardCharsets.UTF_8), cut)));
  }

  private static final String T1 = "2026-12-03T19:07:22.694919806Z";
  private static final long N1 =
      java.time.Instant.parse(T1).getEpochSecond() * 1_000_000_000L + 694_919_806L;
  private static final String T2 = "2026-12-03T19:07:22.702273324Z";

  @Test
  void parsesTheFixedTimestampToUnixNanos() {
    byte[] b = T1.getBytes(StandardCharsets.US_ASCII);
    assertThat(DockerTimestamp.parse(b, 0, b.length)).isEqualTo(N1);
    byte[] offset = "2026-12-03T20:07:22.694919806+01:00".getBytes(StandardCharsets.US_ASCII);
    assertThat(DockerTimestamp.parse(offset, 0, offset.length)).isEqualTo(N1);
  }

  @Test
  void framesBecomeLinesPerStreamAndPartialsAreJoined() throws Exception {
    var a = assembler(1 << 20);
    var frames = new FrameDecoder(a, false);
    String big1 = "a".repeat(16384);
    String big2 = "b".repeat(3000);
    byte[] body =
        concat(
            frame(1, T1 + " hello\n"),
            frame(2, T1 + " err\n"),
            frame(1, T2 + " " + big1),
            frame(2, T2 + " between\n"),
            frame(1, T2 + " " + big2 + "\n"));
    // Fed one byte at a time: frames split anywhere must decode the same.
    for (int i = 0; i < body.length; i++) {
      frames.bytes(body, i, 1);
    }
    assertThat(lines)
        .extracting(Line::stream, Line::text)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "hello"),
            org.assertj.core.groups.Tuple.tuple(2, "err"),
            org.assertj.core.groups.Tuple.tuple(2, "between"),
            org.assertj.core.groups.Tuple.tuple(1, big1 + big2));
    assertThat(lines.get(0).time()).isEqualTo(N1);
  }

  @Test
  void aLineBeyondTheCapIsCutAndMarked() throws Exception {
    var a = assembler(1024);
    var frames = new FrameDecoder(a, false);
    byte[] body =
        concat(frame(1, T1 + " " + "x".repeat(16384)), frame(1, T1 + " " + "y".repeat(10) + "\n"));
    frames.bytes(body, 0, body.length);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).text()).hasSize(1024);
    assertThat(lines.get(0).truncated()).isTrue();
    frames.bytes(frame(1, T1 + " short\n"), 0, frame(1, T1 + " short\n").length);
    assertThat(lines.get(1).truncated()).isFalse();
  }

  @Test
  void ttyOutputIsSplitOnNewlinesWithCarriageReturnsAndInlineTimestampsRemoved() throws Exception {
    var a = assembler(1 << 20);
    var frames = new FrameDecoder(a, true);
    String part = "p".repeat(16384);
    byte[] body =
        (T1 + " one\r\n" + T1 + " " + part + T2 + " tail\r\n" + T2 + " two\r\n")
            .getBytes(StandardCharsets.UTF_8);
    frames.bytes(body, 0, 10);
    frames.bytes(body, 10, body.length - 10);
    assertThat(lines).extracting(Line::text).containsExactly("one", part + "tail", "two");
    assertThat(lines).allSatisfy(l -> assertThat(l.stream()).isEqualTo(1));
  }

  @Test
  void chunkedHttpBodyIsDecodedAcrossReads() throws Exception {
    var a = assembler(1 << 20);
    var frames = new FrameDecoder(a, false);
    byte[] f1 = frame(1, T1 + " hello\n");
    byte[] f2 = frame(2, T2 + " bye\n");
    ByteArrayOutputStream resp = new ByteArrayOutputStream();
    resp.write(
        "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nTransfer-Encoding: chunked\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
    for (byte[] f : List.of(f1, f2)) {
      resp.write((Integer.toHexString(f.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      resp.write(f);
      resp.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    resp.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    byte[] all = resp.toByteArray();
    var http = new HttpStreamDecoder();
    for (int i = 0; i < all.length; i += 7) {
      http.feed(all, i, Math.min(7, all.length - i), frames);
    }
    assertThat(http.status()).isEqualTo(200);
    assertThat(http.done()).isTrue();
    assertThat(lines).extracting(Line::text).containsExactly("hello", "bye");
  }

  @Test
  void aRefusalKeepsTheEnginesMessage() throws Exception {
    byte[] resp =
        ("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n"
                + "{\"message\":\"No such container: abc\"}\n")
            .getBytes(StandardCharsets.US_ASCII);
    var http = new HttpStreamDecoder();
    http.feed(resp, 0, resp.length, (b, o, l) -> lines.add(null));
    assertThat(http.status()).isEqualTo(404);
    assertThat(http.errorBody()).contains("No such container");
    assertThat(lines).isEmpty();
  }

  @Test
  void aFrameHeaderThatIsNotOneIsAnError() {
    var frames = new FrameDecoder(assembler(1024), false);
    byte[] junk = "2026-12-03T19:07:22Z hello\n".getBytes(StandardCharsets.US_ASCII);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> frames.bytes(junk, 0, junk.length))
        .hasMessageContaining("not a multiplexed log stream");
  }

  static byte[] frame(int stream, String payload) {
    byte[] p = payload.getBytes(StandardCharsets.UTF_8);
    byte[] f = new byte[8 + p.length];
    f[0] = (byte) stream;
    f[4] = (byte) (p.length >>> 24);
    f[5] = (byte) (p.length >>> 16);
    f[6] = (byte) (p.length >>> 8);
    f[7] = (byte) p.length;
    System.arraycopy(p, 0, f, 8, p.length);
    return f;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
