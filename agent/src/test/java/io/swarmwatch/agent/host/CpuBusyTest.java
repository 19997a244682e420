package io.swarmwatch.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CpuBusyTest {
  /** user, nice, system, idle, iowait, irq, softirq, steal (OSHI's TickType order). */
  private static long[] ticks(long... t) {
    return t;
  }

  @Test
  void busyIsEverythingButIdleAndIowait() {
    long[] before = ticks(1000, 10, 500, 8000, 100, 5, 5, 0);
    long[] after = ticks(1300, 10, 600, 8500, 200, 5, 5, 0); // +300 +100 busy, +500 +100 idle

    assertThat(CpuBusy.percent(before, after)).isCloseTo(40.0, within(1e-9));
  }

  @Test
  void stealCountsAsBusy() {
    long[] before = ticks(0, 0, 0, 0, 0, 0, 0, 0);
    long[] after = ticks(100, 0, 0, 200, 0, 0, 0, 100);

    assertThat(CpuBusy.percent(before, after)).isCloseTo(50.0, within(1e-9));
  }

  @Test
  void allBusyIsOneHundredWhateverTheCoreCount() {
    assertThat(CpuBusy.percent(ticks(0, 0, 0, 0, 0, 0, 0, 0), ticks(700, 0, 100, 0, 0, 0, 0, 0)))
        .isEqualTo(100.0);
  }

  @Test
  void noTimePassedIsUnknown() {
    long[] same = ticks(1, 2, 3, 4, 5, 6, 7, 8);

    assertThat(CpuBusy.percent(same, same.clone())).isEqualTo(CpuBusy.UNKNOWN);
  }

  @Test
  void aCounterGoingBackwardsContributesNothing() {
    long[] before = ticks(100, 0, 100, 1000, 500, 0, 0, 0);
    long[] after = ticks(200, 0, 200, 1200, 450, 0, 0, 0); // iowait decreased by 50

    assertThat(CpuBusy.percent(before, after)).isCloseTo(50.0, within(1e-9));
  }
}
