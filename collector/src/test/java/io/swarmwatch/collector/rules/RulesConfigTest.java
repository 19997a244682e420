package io.swarmwatch.collector.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmwatch.common.ConfigException;
import io.swarmwatch.common.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RulesConfigTest {
  @Test
  void defaultsAreTheIssuesNumbers() {
    RulesConfig c = RulesConfig.defaults();
    assertThat(c.tick()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.settings("crash-loop").integer("count")).isEqualTo(3);
    assertThat(c.settings("crash-loop").duration("window")).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.settings("memory-pressure").percent("percent")).isEqualTo(90);
    assertThat(c.settings("cpu-throttled").percent("percent")).isEqualTo(25);
    assertThat(c.settings("no-limits").severity()).isEqualTo(Severity.INFO);
    assertThat(c.settings("unhealthy").clearAfter()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.rules().keySet())
        .containsExactly(
            "unhealthy",
            "crash-loop",
            "oom-killed",
            "memory-pressure",
            "cpu-throttled",
            "under-replicated",
            "task-rejected",
            "pending",
            "update-paused",
            "rollback",
            "node-down",
            "agent-missing",
            "no-limits");
  }

  @Test
  void environmentOverridesAnyParameter() {
    RulesConfig c =
        RulesConfig.from(
            new Env(
                Map.of(
                    "SWARMWATCH_RULE_CRASH_LOOP_COUNT", "5",
                    "SWARMWATCH_RULE_NODE_DOWN_AGENT_TIMEOUT", "90s",
                    "SWARMWATCH_RULE_MEMORY_PRESSURE_SEVERITY", "Critical",
                    "SWARMWATCH_RULES_CLEAR_AFTER", "1m",
                    "SWARMWATCH_RULE_UNHEALTHY_CLEAR_AFTER", "0s",
                    "SWARMWATCH_RULES_DISABLE", "no-limits, agent-missing")));
    assertThat(c.settings("crash-loop").integer("count")).isEqualTo(5);
    assertThat(c.settings("node-down").duration("agent-timeout")).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.settings("memory-pressure").severity()).isEqualTo(Severity.CRITICAL);
    assertThat(c.settings("crash-loop").clearAfter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.settings("unhealthy").clearAfter()).isEqualTo(Duration.ZERO);
    assertThat(c.settings("no-limits").enabled()).isFalse();
    assertThat(c.settings("agent-missing").enabled()).isFalse();
    assertThat(c.settings("unhealthy").enabled()).isTrue();
  }

  @Test
  void badValuesNameTheVariable() {
    assertThatThrownBy(
            () -> RulesConfig.from(new Env(Map.of("SWARMWATCH_RULE_CRASH_LOOP_COUNT", "three"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("SWARMWATCH_RULE_CRASH_LOOP_COUNT must be an integer, got 'three'");
    assertThatThrownBy(
            () ->
                RulesConfig.from(new Env(Map.of("SWARMWATCH_RULE_MEMORY_PRESSURE_PERCENT", "120"))))
        .hasMessage(
            "SWARMWATCH_RULE_MEMORY_PRESSURE_PERCENT must be above 0 and at most 100, got 120");
    assertThatThrownBy(
            () -> RulesConfig.from(new Env(Map.of("SWARMWATCH_RULES_CLEAR_AFTER", "soon"))))
        .hasMessageStartingWith("SWARMWATCH_RULES_CLEAR_AFTER 'soon' is not a duration");
    assertThatThrownBy(
            () -> RulesConfig.from(new Env(Map.of("SWARMWATCH_RULES_DISABLE", "unhealty"))))
        .hasMessageStartingWith("SWARMWATCH_RULES_DISABLE names unknown rules [unhealty]");
  }

  @Test
  void serviceLabelsOverrideAndBadOnesAreIgnored() {
    Overrides o = new Overrides(RulesConfig.defaults());
    Settings s =
        o.settings(
            "crash-loop",
            "web",
            Map.of(
                "swarmwatch.rule.crash-loop.count", "10",
                "swarmwatch.rule.crash-loop.window", "ages",
                "swarmwatch.rule.crash-loop.colour", "red",
                "swarmwatch.rule.unhealthy.enabled", "false"));
    assertThat(s.integer("count")).isEqualTo(10);
    assertThat(s.duration("window")).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.enabled()).isTrue();
    assertThat(
            o.settings("unhealthy", "web", Map.of("swarmwatch.rule.unhealthy.enabled", "false"))
                .enabled())
        .isFalse();
  }
}
