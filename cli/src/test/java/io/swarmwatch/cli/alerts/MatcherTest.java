package io.swarmwatch.cli.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MatcherTest {
  @Test
  void exactAndRegex() {
    assertThat(Matcher.parse("service=web")).isEqualTo(new Matcher("service", "web", false));
    assertThat(Matcher.parse("rule=~crash.*|oom"))
        .isEqualTo(new Matcher("rule", "crash.*|oom", true));
    assertThat(Matcher.parse("summary=a=b")).isEqualTo(new Matcher("summary", "a=b", false));
    assertThat(Matcher.parse("rule=~x").toString()).isEqualTo("rule=~x");
  }

  @Test
  void badMatchersSayWhy() {
    assertThatThrownBy(() -> Matcher.parse("service")).hasMessageContaining("name=value");
    assertThatThrownBy(() -> Matcher.parse("=web")).hasMessageContaining("name=value");
    assertThatThrownBy(() -> Matcher.parse("ser vice=web")).hasMessageContaining("label name");
    assertThatThrownBy(() -> Matcher.parse("service=")).hasMessageContaining("empty value");
    assertThatThrownBy(() -> Matcher.parse("rule=~(")).hasMessageContaining("not a regular");
  }
}
