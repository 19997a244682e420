package io.swarmwatch.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FmtTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void ages() {
    assertThat(Fmt.age("2026-12-03T11:59:15Z", clock)).isEqualTo("45s");
    assertThat(Fmt.age("2026-12-03T11:57:00.123456789Z", clock)).isEqualTo("2m");
    assertThat(Fmt.age("2026-12-03T09:55:00+00:00", clock)).isEqualTo("2h5m");
    assertThat(Fmt.age("2026-11-29T09:00:00Z", clock)).isEqualTo("4d3h");
    assertThat(Fmt.age("2026-12-03T12:00:05Z", clock))
        .isEqualTo("0s"); // clock skew: never negative
    assertThat(Fmt.age("yesterday", clock)).isNull();
    assertThat(Fmt.age(null, clock)).isNull();
    assertThat(Fmt.duration(Duration.ofHours(3))).isEqualTo("3h");
  }

  @Test
  void sizesPercentagesCpusAndIds() {
    assertThat(Fmt.bytes(LongNode.valueOf(48L << 20))).isEqualTo("48MiB");
    assertThat(Fmt.bytes(LongNode.valueOf(3_565_158))).isEqualTo("3.4MiB");
    assertThat(Fmt.bytes(IntNode.valueOf(512))).isEqualTo("512B");
    assertThat(Fmt.bytes(null)).isNull();
    assertThat(Fmt.percent(new ObjectMapper().valueToTree(12.345))).isEqualTo("12.3%");
    assertThat(Fmt.cpus(LongNode.valueOf(500_000_000))).isEqualTo("0.5");
    assertThat(Fmt.cpus(LongNode.valueOf(2_000_000_000))).isEqualTo("2");
    assertThat(Fmt.cpus(LongNode.valueOf(0))).isNull();
    assertThat(Fmt.shortId("0123456789abcdef")).isEqualTo("0123456789ab");
    assertThat(Fmt.time("2026-12-03T11:59:15.123Z")).isEqualTo("2026-12-03T11:59:15Z");
    assertThat(Fmt.time("garbage")).isEqualTo("garbage");
  }

  @Test
  void missingFieldsAreNullNotErrors() throws Exception {
    var n = new ObjectMapper().readTree("{\"a\":null,\"b\":{},\"c\":\"x\",\"d\":3}");
    assertThat(Fmt.text(n, "a")).isNull();
    assertThat(Fmt.text(n, "b")).isNull();
    assertThat(Fmt.text(n, "zz")).isNull();
    assertThat(Fmt.text(n, "c")).isEqualTo("x");
    assertThat(Fmt.text(n, "d")).isEqualTo("3");
    assertThat(Fmt.text(n, "zz", "dflt")).isEqualTo("dflt");
    assertThat(Json.list(n, "c")).isEmpty();
  }
}
