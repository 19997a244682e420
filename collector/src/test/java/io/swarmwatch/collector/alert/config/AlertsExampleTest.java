package io.swarmwatch.collector.alert.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/alerts.example.yml stays valid: it is the documentation of every key. */
class AlertsExampleTest {
  @TempDir Path secrets;

  @Test
  void theDocumentedExampleParses() throws Exception {
    String yaml = Files.readString(Path.of("..", "deploy", "alerts.example.yml"));
    for (String name :
        new String[] {
          "slack_ops_url", "teams_oncall_url", "discord_dev_url", "mattermost_url", "gchat_url"
        }) {
      Files.writeString(secrets.resolve(name), "https://chat.example/" + name + "\n");
    }
    AlertRules rules =
        AlertRulesParser.parse(yaml.replace("/run/secrets/", secrets + "/"), "alerts.example.yml");
    assertThat(rules.receivers())
        .extracting(AlertRules.Receiver::type)
        .containsExactlyInAnyOrderElementsOf(AlertRulesParser.TYPES);
    assertThat(rules.routes()).hasSize(4);
    assertThat(rules.grouping()).isEqualTo(AlertRules.DEFAULT_GROUPING);
    assertThat(rules.flapping()).isEqualTo(AlertRules.DEFAULT_FLAPPING);
    assertThat(rules.delivery()).isEqualTo(AlertRules.DEFAULT_DELIVERY);
  }
}
