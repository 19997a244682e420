package io.swarmwatch.collector.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmwatch.collector.alert.config.AlertRules;
import io.swarmwatch.collector.alert.config.AlertRulesParser;
import io.swarmwatch.collector.alert.format.Notice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingTest {
  private final AlertRules rules =
      AlertRulesParser.parse(
          """
          receivers:
            - {name: a, type: slack, url: "http://h/a"}
            - {name: b, type: discord, url: "http://h/b"}
            - {name: c, type: webhook, url: "http://h/c"}
          routes:
            - match: {severity: critical, stack: prod}
              receiver: a
              continue: true
            - match_re: {service: "prod_api.*"}
              receiver: b
            - match: {node: n9}
              receiver: c
            - match: {label.team: payments}
              receiver: [b, c]
          default_receiver: c
          """,
          "r.yml");
  private final Routing routing = new Routing(rules);

  private List<String> route(
      String severity, String service, String stack, String node, Map<String, String> labels) {
    var r = new Notice.Replica("s/1", "1", node, "", "", "", null);
    return routing.receivers(
        Labels.of("unhealthy", severity, service, stack, List.of(r), labels), labels);
  }

  @Test
  void firstMatchWinsUnlessItSaysContinue() {
    assertThat(route("critical", "prod_api", "prod", "n1", Map.of())).containsExactly("a", "b");
    assertThat(route("warning", "prod_api", "prod", "n1", Map.of())).containsExactly("b");
    // A match (even one that continues) means the default is not used.
    assertThat(route("critical", "prod_web", "prod", "n1", Map.of())).containsExactly("a");
  }

  @Test
  void nodeAndServiceLabelsRoute() {
    assertThat(route("warning", "x", "", "n9", Map.of())).containsExactly("c");
    assertThat(route("warning", "x", "", "n1", Map.of("team", "payments")))
        .containsExactly("b", "c");
  }

  @Test
  void noMatchGoesToTheDefault() {
    assertThat(route("warning", "x", "", "n1", Map.of())).containsExactly("c");
  }

  @Test
  void theServiceLabelOverridesRoutes() {
    assertThat(route("critical", "prod_api", "prod", "n1", Map.of(Routing.ROUTE_LABEL, "c, b")))
        .containsExactly("c", "b");
    assertThat(route("critical", "prod_api", "prod", "n1", Map.of(Routing.ROUTE_LABEL, "none")))
        .isEmpty();
  }
}
