package io.swarmwatch.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SwarmNamesTest {

  @Test
  void replicatedTaskNameGivesItsSlot() {
    assertThat(SwarmNames.slotOf("web.2.abc", "web")).isEqualTo(2);
    assertThat(SwarmNames.slotOf("web.12.x3k9q2m1", "web")).isEqualTo(12);
    assertThat(SwarmNames.slotOf("web.7", "web")).isEqualTo(7);
  }

  @Test
  void globalTaskNameGivesZero() {
    assertThat(SwarmNames.slotOf("web.nodeid123.abc", "web")).isZero();
    // a node id of digits only is still not a slot: node ids are 25 characters
    assertThat(SwarmNames.slotOf("web.1234567890123456789012345.abc", "web")).isZero();
  }

  @Test
  void otherServicesNameGivesZero() {
    assertThat(SwarmNames.slotOf("web.2.abc", "api")).isZero();
    assertThat(SwarmNames.slotOf("webapp.2.abc", "web")).isZero();
    assertThat(SwarmNames.slotOf("web.2.abc", "web.2")).isZero();
    assertThat(SwarmNames.slotOf("web.2.abc", "")).isZero();
  }

  @Test
  void serviceNamesWithDotsAndDashes() {
    assertThat(SwarmNames.slotOf("my.stack.web.3.abc", "my.stack.web")).isEqualTo(3);
    assertThat(SwarmNames.slotOf("mystack_web-api.4.abc", "mystack_web-api")).isEqualTo(4);
    assertThat(SwarmNames.slotOf("web-api.5.abc", "web")).isZero();
  }

  @Test
  void unparseableNamesGiveZero() {
    assertThat(SwarmNames.slotOf("web", "web")).isZero();
    assertThat(SwarmNames.slotOf("web.", "web")).isZero();
    assertThat(SwarmNames.slotOf("web..abc", "web")).isZero();
    assertThat(SwarmNames.slotOf("web.-1.abc", "web")).isZero();
    assertThat(SwarmNames.slotOf("web.1e3.abc", "web")).isZero();
  }
}
