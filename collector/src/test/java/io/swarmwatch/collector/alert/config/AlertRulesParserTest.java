package io.swarmwatch.collector.alert.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmwatch.collector.rules.Severity;
import io.swarmwatch.common.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertRulesParserTest {
  @TempDir Path dir;

  private static final String RECEIVERS =
      """
      receivers:
        - name: ops
          type: slack
          url: https://hooks.slack.example/services/T0/B0/xyz
        - name: hook
          type: webhook
          url: http://127.0.0.1:9/hook
          timeout: 2s
          rate_limit: 30/m
          headers:
            Authorization: Bearer abc
      """;

  @Test
  void aFullFileParsesWithItsValues() throws Exception {
    Path secret = dir.resolve("discord_url");
    Files.writeString(secret, "https://discord.example/api/webhooks/1/abc\n");
    AlertRules r =
        AlertRulesParser.parse(
            RECEIVERS
                + "  - name: dc\n    type: discord\n    url_file: "
                + secret
                + "\n"
                + """
                routes:
                  - match: {stack: prod, severity: critical}
                    receiver: ops
                    continue: true
                  - match_re: {service: "api-.*"}
                    receiver: [hook, dc]
                default_receiver: ops
                min_severity: info
                grouping: {group_wait: 100ms, group_interval: 10s, repeat_interval: 1h}
                flapping: {threshold: 2, window: 5m, hold: 1m}
                delivery: {backoff_min: 200ms, backoff_max: 10s, give_up_after: 1h, queue: 50}
                """,
            "alerts.yml");
    assertThat(r.receivers())
        .extracting(AlertRules.Receiver::name)
        .containsExactly("ops", "hook", "dc");
    assertThat(r.receiver("dc").orElseThrow().url().toString())
        .isEqualTo("https://discord.example/api/webhooks/1/abc");
    AlertRules.Receiver hook = r.receiver("hook").orElseThrow();
    assertThat(hook.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(hook.perSecond()).isEqualTo(0.5);
    assertThat(hook.headers()).containsEntry("Authorization", "Bearer abc");
    assertThat(hook.toString()).doesNotContain("127.0.0.1");
    assertThat(r.routes()).hasSize(2);
    assertThat(r.routes().get(0).continueMatching()).isTrue();
    assertThat(r.routes().get(0).matchers())
        .extracting(Matcher::toString)
        .containsExactly("stack=prod", "severity=critical");
    assertThat(r.routes().get(1).receivers()).containsExactly("hook", "dc");
    assertThat(r.routes().get(1).matchers().get(0).matches(List.of("api-gw"))).isTrue();
    assertThat(r.defaultReceivers()).containsExactly("ops");
    assertThat(r.minSeverity()).isEqualTo(Severity.INFO);
    assertThat(r.grouping().groupWait()).isEqualTo(Duration.ofMillis(100));
    assertThat(r.flapping().threshold()).isEqualTo(2);
    assertThat(r.delivery().queue()).isEqualTo(50);
  }

  @Test
  void defaultsAreFastFirstMessages() {
    AlertRules r = AlertRulesParser.parse(RECEIVERS, "alerts.yml");
    assertThat(r.grouping().groupWait()).isLessThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(r.minSeverity()).isEqualTo(Severity.WARNING);
    assertThat(r.receiver("ops").orElseThrow().perSecond()).isEqualTo(1.0);
  }

  @Test
  void errorsNameTheLineAndTheKey() {
    assertError(
        RECEIVERS + "routes:\n  - match: {severity: critcal}\n    receiver: ops\n",
        "alerts.yml line 13 (routes[0].match.severity): unknown severity 'critcal'");
    assertError(
        RECEIVERS + "routes:\n  - receiver: opps\n",
        "alerts.yml line 13 (routes[0].receiver): no receiver named 'opps' (defined: ops, hook)");
    assertError(RECEIVERS + "recievers: []\n", "line 12 (recievers): unknown key 'recievers'");
    assertError(
        RECEIVERS + "grouping:\n  group_wait: soon\n",
        "line 13 (grouping.group_wait): 'soon' is not a duration");
    assertError(
        RECEIVERS + "routes:\n  - match: {colour: red}\n    receiver: ops\n",
        "line 13 (routes[0].match.colour): cannot match on 'colour'");
    assertError(
        RECEIVERS + "routes:\n  - match_re: {service: \"api-(\"}\n    receiver: ops\n",
        "(routes[0].match_re.service): matcher 'service': bad regular expression");
    assertError(
        "receivers:\n  - name: x\n    type: irc\n    url: http://h/\n",
        "line 3 (receivers[0].type): unknown type 'irc' (one of discord, googlechat, mattermost, slack, teams, webhook)");
    assertError(
        "receivers:\n  - name: x\n    type: slack\n",
        "line 2 (receivers[0]): a receiver needs exactly one of 'url' or 'url_file'");
    assertError(
        "receivers:\n  - name: x\n    type: slack\n    url: ftp://h/x\n",
        "line 4 (receivers[0].url): the webhook URL must be http:// or https://");
    assertError(
        "receivers:\n  - name: x\n    type: slack\n    url_file: /nonexistent/secret\n",
        "line 4 (receivers[0].url_file): cannot read url_file /nonexistent/secret");
    assertError(
        "receivers:\n  - name: x\n    type: slack\n    url: http://h/\n    rate_limit: fast\n",
        "line 5 (receivers[0].rate_limit): rate_limit is messages per time");
    assertError(
        "receivers:\n  - name: x\n    type: slack\n    url: http://h/\n  - name: x\n    type: slack\n    url: http://h/\n",
        "line 5 (receivers[1].name): receiver 'x' is defined twice");
    assertError(
        "receivers: [\n",
        "alerts.yml line 1: not valid YAML: while parsing a flow node; expected the node content");
    assertError("", "at least one receiver is needed");
    assertError(
        RECEIVERS + "delivery: {backoff_min: 10s, backoff_max: 1s}\n",
        "(delivery.backoff_max): backoff_max must not be below backoff_min");
  }

  @Test
  void aSecretUrlIsNotEchoedInErrors() {
    assertThatThrownBy(
            () ->
                AlertRulesParser.parse(
                    "receivers:\n  - name: x\n    type: slack\n    url: \"https://h/se cret\"\n",
                    "a.yml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("line 4")
        .hasMessageNotContaining("se cret");
  }

  @Test
  void yamlSyntaxErrorsDoNotQuoteTheSource() {
    assertThatThrownBy(
            () ->
                AlertRulesParser.parse(
                    "receivers:\n  - name: x\n    url: https://h/SECRET: [\n", "a.yml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid YAML")
        .hasMessageNotContaining("SECRET");
  }

  private static void assertError(String yaml, String expected) {
    assertThatThrownBy(() -> AlertRulesParser.parse(yaml, "alerts.yml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(expected);
  }
}
