package io.swarmwatch.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
  private final SseParser parser = new SseParser();

  private List<SseParser.Event> feed(String text) {
    List<SseParser.Event> out = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      parser.line(line).ifPresent(out::add);
    }
    return out;
  }

  @Test
  void namedEventsWithDataCommentsIgnored() {
    assertThat(
            feed(
                ": keepalive\n\nevent: line\ndata: {\"line\":\"a\"}\n\n"
                    + "event: overflow\ndata: {\"dropped\":3}\n\n"))
        .containsExactly(
            new SseParser.Event("line", "{\"line\":\"a\"}"),
            new SseParser.Event("overflow", "{\"dropped\":3}"));
  }

  @Test
  void multiLineDataJoinedAndUnnamedEventsAreMessages() {
    assertThat(feed("data:one\ndata: two\nid: 7\n\n"))
        .containsExactly(new SseParser.Event("message", "one\ntwo"));
  }

  @Test
  void anEventWithoutDataIsNothingAndAnUnfinishedOneWaits() {
    assertThat(feed("event: ping\n\nevent: line\ndata: x")).isEmpty();
    assertThat(parser.line("")).contains(new SseParser.Event("line", "x"));
  }
}
