package io.swarmwatch.cli.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmwatch.cli.output.Style;
import org.junit.jupiter.api.Test;

class LogFormatTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Style plain = new Style(false);

  private static JsonNode line(String json) throws Exception {
    return JSON.readTree(json);
  }

  @Test
  void likeDockerServiceLogs() throws Exception {
    JsonNode l =
        line(
            "{\"time\":\"2026-12-03T11:00:00.5Z\",\"service\":\"web\",\"stack\":\"shop\","
                + "\"taskId\":\"abcdefghijklmnopqrstuvwxy\",\"slot\":2,\"containerId\":\"c1\","
                + "\"node\":\"node-1\",\"stream\":\"stdout\",\"line\":\"GET / 200\"}");
    assertThat(new LogFormat(false, false, false, plain).format(l))
        .isEqualTo("web.2.abcdefghijkl@node-1 | GET / 200");
    assertThat(new LogFormat(true, true, false, plain).format(l))
        .isEqualTo("2026-12-03T11:00:00.5Z web.2.abcdefghijklmnopqrstuvwxy@node-1 | GET / 200");
    assertThat(new LogFormat(false, false, true, plain).format(l)).isEqualTo("GET / 200");
  }

  @Test
  void globalServicesAndPlainContainers() throws Exception {
    assertThat(
            new LogFormat(false, false, false, plain)
                .format(
                    line(
                        "{\"service\":\"agent\",\"taskId\":\"t9\",\"node\":\"n1\",\"line\":\"x\"}")))
        .isEqualTo("agent.n1.t9@n1 | x");
    assertThat(
            new LogFormat(false, false, false, plain)
                .format(
                    line("{\"containerId\":\"0123456789abcdef\",\"node\":\"n1\",\"line\":\"y\"}")))
        .isEqualTo("0123456789ab@n1 | y");
  }

  @Test
  void overflowCountWhateverItIsCalled() throws Exception {
    assertThat(LogsCommand.count(line("17"))).isEqualTo("17");
    assertThat(LogsCommand.count(line("{\"dropped\":5}"))).isEqualTo("5");
    assertThat(LogsCommand.count(line("{\"count\":6}"))).isEqualTo("6");
    assertThat(LogsCommand.count(line("{\"x\":1}"))).isEqualTo("some ({\"x\":1})");
  }
}
