package io.swarmwatch.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvTest {
  @TempDir Path dir;

  private static Env env(String... kv) {
    var m = new java.util.HashMap<String, String>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return new Env(m);
  }

  @Test
  void stringTrimsAndTreatsBlankAsUnset() {
    Env e = env("A", "  value  ", "B", "   ", "C", "");
    assertThat(e.string("A")).contains("value");
    assertThat(e.string("B")).isEmpty();
    assertThat(e.string("C")).isEmpty();
    assertThat(e.string("MISSING")).isEmpty();
    assertThat(e.string("B", "fallback")).isEqualTo("fallback");
    assertThat(e.string("A", "fallback")).isEqualTo("value");
  }

  @Test
  void copiesTheMapSoLaterChangesDoNotLeakIn() {
    var m = new java.util.HashMap<String, String>();
    m.put("A", "1");
    Env e = new Env(m);
    m.put("A", "2");
    assertThat(e.integer("A", 0)).isEqualTo(1);
  }

  @Test
  void integerParsesOrFallsBack() {
    Env e = env("N", " 42 ", "NEG", "-7", "BAD", "4x2");
    assertThat(e.integer("N", 0)).isEqualTo(42);
    assertThat(e.integer("NEG", 0)).isEqualTo(-7);
    assertThat(e.integer("MISSING", 9)).isEqualTo(9);
    assertThatThrownBy(() -> e.integer("BAD", 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("BAD")
        .hasMessageContaining("'4x2'");
  }

  @Test
  void portAcceptsZeroTo65535() {
    Env e = env("P0", "0", "PMAX", "65535", "PNEG", "-1", "PBIG", "65536", "PBAD", "http");
    assertThat(e.port("P0", 1)).isZero();
    assertThat(e.port("PMAX", 1)).isEqualTo(65535);
    assertThat(e.port("MISSING", 8080)).isEqualTo(8080);
    assertThatThrownBy(() -> e.port("PNEG", 1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PNEG")
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> e.port("PBIG", 1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("65536");
    assertThatThrownBy(() -> e.port("PBAD", 1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("integer");
  }

  @Test
  void boolAcceptsCommonSpellingsCaseInsensitively() {
    for (String t : new String[] {"true", "TRUE", "1", "yes", "On"}) {
      assertThat(env("B", t).bool("B", false)).as(t).isTrue();
    }
    for (String f : new String[] {"false", "False", "0", "no", "OFF"}) {
      assertThat(env("B", f).bool("B", true)).as(f).isFalse();
    }
    assertThat(env().bool("B", true)).isTrue();
    assertThat(env().bool("B", false)).isFalse();
    assertThatThrownBy(() -> env("B", "maybe").bool("B", false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("B must be true or false")
        .hasMessageContaining("'maybe'");
  }

  @Test
  void bytesParsesSizes() {
    Env e =
        env(
            "PLAIN", "1048576",
            "KIB", "4KiB",
            "MIB", "512MiB",
            "GIB", "1GiB",
            "TIB", "2TiB",
            "SHORT", "64m",
            "KB", "3kb",
            "B", "10b",
            "SPACE", "16 MiB",
            "UPPER", "1G");
    assertThat(e.bytes("PLAIN", 0)).isEqualTo(1_048_576L);
    assertThat(e.bytes("KIB", 0)).isEqualTo(4096L);
    assertThat(e.bytes("MIB", 0)).isEqualTo(512L << 20);
    assertThat(e.bytes("GIB", 0)).isEqualTo(1L << 30);
    assertThat(e.bytes("TIB", 0)).isEqualTo(2L << 40);
    assertThat(e.bytes("SHORT", 0)).isEqualTo(64L << 20);
    assertThat(e.bytes("KB", 0)).isEqualTo(3L << 10);
    assertThat(e.bytes("B", 0)).isEqualTo(10L);
    assertThat(e.bytes("SPACE", 0)).isEqualTo(16L << 20);
    assertThat(e.bytes("UPPER", 0)).isEqualTo(1L << 30);
    assertThat(e.bytes("MISSING", 77)).isEqualTo(77L);
  }

  @Test
  void bytesRejectsMalformedSizesNamingTheVariable() {
    for (String bad : new String[] {"MiB", "1.5GiB", "-1", "12 parsecs", "1PiB", "1x"}) {
      assertThatThrownBy(() -> env("SIZE", bad).bytes("SIZE", 0))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("SIZE must be a size")
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void bytesRejectsSizesThatDoNotFitInALong() {
    // 2^24 TiB = 2^64 bytes: must not wrap around to a small (or negative) number.
    for (String huge : new String[] {"16777216TiB", "8388608TiB", "99999999999999999999"}) {
      assertThatThrownBy(() -> env("SIZE", huge).bytes("SIZE", 0))
          .as(huge)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("SIZE");
    }
    assertThat(env("SIZE", "8388607TiB").bytes("SIZE", 0)).isEqualTo(8388607L << 40);
  }

  @Test
  void durationParsesOrFailsWithTheVariableName() {
    Env e = env("D", "1h30m", "BAD", "soon");
    assertThat(e.duration("D", Duration.ZERO)).isEqualTo(Duration.ofMinutes(90));
    assertThat(e.duration("MISSING", Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> e.duration("BAD", Duration.ZERO))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("BAD: ")
        .hasMessageContaining("'soon'");
  }

  @Test
  void secretFromTheVariableItself() {
    assertThat(env("TOKEN", "s3cret").secret("TOKEN")).contains("s3cret");
    assertThat(env().secret("TOKEN")).isEmpty();
  }

  @Test
  void secretFromAFileStripsTheTrailingNewline() throws IOException {
    Path f = dir.resolve("token");
    Files.writeString(f, "s3cret-from-file\n", StandardCharsets.UTF_8);
    assertThat(env("TOKEN_FILE", f.toString()).secret("TOKEN")).contains("s3cret-from-file");
  }

  @Test
  void secretSetBothWaysIsAnError() throws IOException {
    Path f = dir.resolve("token");
    Files.writeString(f, "from-file");
    assertThatThrownBy(() -> env("TOKEN", "direct", "TOKEN_FILE", f.toString()).secret("TOKEN"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TOKEN or TOKEN_FILE, not both")
        .hasMessageNotContaining("direct")
        .hasMessageNotContaining("from-file");
  }

  @Test
  void secretFileThatIsEmptyOrWhitespaceIsAnError() throws IOException {
    Path empty = dir.resolve("empty");
    Files.writeString(empty, "");
    Path blank = dir.resolve("blank");
    Files.writeString(blank, " \n\n");
    for (Path p : new Path[] {empty, blank}) {
      assertThatThrownBy(() -> env("TOKEN_FILE", p.toString()).secret("TOKEN"))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("TOKEN_FILE points at an empty file")
          .hasMessageContaining(p.toString());
    }
  }

  @Test
  void secretFileMissingIsAnErrorNamingThePath() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> env("TOKEN_FILE", missing.toString()).secret("TOKEN"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read TOKEN_FILE")
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("NoSuchFileException");
  }

  @Test
  void secretFileThatIsADirectoryIsAnError() {
    assertThatThrownBy(() -> env("TOKEN_FILE", dir.toString()).secret("TOKEN"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read TOKEN_FILE");
  }

  @Test
  void secretFileThatCannotBeDecodedDoesNotLeakItsContents() throws IOException {
    // Readable bytes, but not UTF-8: the read fails after the secret was in memory. Tests may run
    // as root, where file permissions can't make a file unreadable; a decoding failure can.
    Path f = dir.resolve("token");
    byte[] secret = "hunter2-very-secret".getBytes(StandardCharsets.US_ASCII);
    byte[] bytes = new byte[secret.length + 2];
    System.arraycopy(secret, 0, bytes, 0, secret.length);
    bytes[secret.length] = (byte) 0xC3; // a lead byte ...
    bytes[secret.length + 1] = (byte) 0x28; // ... followed by a non-continuation byte
    Files.write(f, bytes);

    assertThatThrownBy(() -> env("TOKEN_FILE", f.toString()).secret("TOKEN"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read TOKEN_FILE")
        .hasMessageContaining(f.toString())
        .hasMessageNotContaining("hunter2")
        .hasNoCause();
  }
}
