package io.swarmwatch.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinksTest {
  private final URI request = URI.create("http://c:8080/api/v1/logs?service=web");

  @Test
  void findsTheNextLinkAndResolvesARelativeOne() {
    assertThat(Links.next(List.of("</api/v1/logs?service=web&after=42>; rel=\"next\""), request))
        .contains(URI.create("http://c:8080/api/v1/logs?service=web&after=42"));
    assertThat(Links.next(List.of("<http://other:1/x?c=1>; rel=next"), request))
        .contains(URI.create("http://other:1/x?c=1"));
  }

  @Test
  void picksNextAmongSeveralLinksAndRelValues() {
    assertThat(
            Links.next(
                List.of("</first>; rel=\"first\", </n?c=2>; title=\"x\"; rel=\"prefetch next\""),
                request))
        .contains(URI.create("http://c:8080/n?c=2"));
    assertThat(Links.next(List.of("</a>; rel=\"prev\""), request)).isEmpty();
    assertThat(Links.next(List.of(), request)).isEmpty();
  }
}
