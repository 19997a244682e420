package io.swarmwatch.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.agent.proxy.HttpRequestTap.Head;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpRequestTapTest {
  private final List<Head> heads = new ArrayList<>();
  private final HttpRequestTap tap = new HttpRequestTap(heads::add);

  @Test
  void findsEveryRequestOnAKeepAliveConnectionPastFixedAndChunkedBodies() {
    String stream =
        "GET /containers/json?all=1 HTTP/1.1\r\nHost: localhost:2375\r\n\r\n"
            + "POST /containers/create HTTP/1.1\r\nContent-Length: 27\r\n\r\n"
            + "{\"Image\":\"GET / HTTP/1.1\"}\n"
            + "POST /exec/abc/start HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nGET /\r\n3\r\n\r\n\r\r\n0\r\nX-Trailer: 1\r\n\r\n"
            + "GET /info HTTP/1.1\r\n\r\n";

    feed(stream, 1);

    assertThat(heads)
        .containsExactly(
            new Head("GET", "/containers/json?all=1", -1, false, false),
            new Head("POST", "/containers/create", 27, false, false),
            new Head("POST", "/exec/abc/start", -1, true, false),
            new Head("GET", "/info", -1, false, false));
  }

  @Test
  void resultDoesNotDependOnHowTheBytesAreSplit() {
    String stream =
        "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n\r\n"
            + "POST /c HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n"
            + "HEAD /_ping HTTP/1.1\r\n\r\n";
    List<Head> whole = new ArrayList<>();
    new HttpRequestTap(whole::add).feed(bytes(stream), 0, stream.length());

    for (int split = 1; split <= 7; split++) {
      heads.clear();
      feed(stream, split);
      assertThat(heads).as("fed %d bytes at a time", split).isEqualTo(whole);
    }
    assertThat(whole).extracting(Head::target).containsExactly("/a", "/b", "/c", "/_ping");
  }

  @Test
  void stopsParsingAfterAnUpgradeBecauseTheRestIsNotHttp() {
    feed(
        "POST /containers/x/attach?stream=1 HTTP/1.1\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\n"
            + "GET /not-a-request HTTP/1.1\r\n\r\n",
        3);

    assertThat(heads)
        .containsExactly(new Head("POST", "/containers/x/attach?stream=1", -1, false, true));
  }

  @Test
  void reportsAnUnparseableHeadInsteadOfGuessing() {
    feed("GARBAGE\r\n\r\nGET /info HTTP/1.1\r\n\r\n", 5);

    assertThat(heads).extracting(Head::method).containsExactly("MALFORMED");
  }

  @Test
  void patternsNormaliseIdsAndQueryValues() {
    String id = "0123456789abcdef".repeat(4);
    var inspect =
        new EngineProxy.Request(1, "GET", "/v1.41/containers/" + id + "/json", -1, false, false);
    var events =
        new EngineProxy.Request(1, "GET", "/events?since=1.2&filters=%7B%7D", -1, false, false);
    var node =
        new EngineProxy.Request(1, "GET", "/nodes/abcdefghijklmnopqrstuvw12", -1, false, false);

    assertThat(inspect.pattern()).isEqualTo("/v1.41/containers/{id}/json");
    assertThat(events.pattern()).isEqualTo("/events?filters&since");
    assertThat(node.pattern()).isEqualTo("/nodes/{id}");
  }

  private void feed(String s, int chunk) {
    byte[] b = bytes(s);
    for (int i = 0; i < b.length; i += chunk) {
      tap.feed(b, i, Math.min(chunk, b.length - i));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
