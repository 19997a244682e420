package io.swarmwatch.agent.usage;

import static io.swarmwatch.agent.usage.CgroupFiles.ABSENT;
import static io.swarmwatch.agent.usage.CgroupFiles.MAX;
import static io.swarmwatch.agent.usage.CgroupFiles.key;
import static io.swarmwatch.agent.usage.FakeHost.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupFilesTest {
  @TempDir Path dir;
  private final CgroupFiles f = new CgroupFiles();

  private CgroupFiles load(String content) throws Exception {
    Path p = dir.resolve("f");
    write(p, content);
    return f.load(p);
  }

  @Test
  void singleValues() throws Exception {
    assertThat(load("24184312\n").first()).isEqualTo(24184312L);
    assertThat(load("9223372036854771712\n").first()).isEqualTo(9223372036854771712L);
    assertThat(load("-1\n").first()).isEqualTo(-1);
    assertThat(load("max\n").first()).isEqualTo(MAX);
    assertThat(load("").first()).isEqualTo(ABSENT);
    assertThat(load("\n").first()).isEqualTo(ABSENT);
  }

  @Test
  void pairOfCpuMax() throws Exception {
    load("50000 100000\n");
    assertThat(f.first()).isEqualTo(50000);
    assertThat(f.second()).isEqualTo(100000);
    load("max 100000\n");
    assertThat(f.first()).isEqualTo(MAX);
    assertThat(f.second()).isEqualTo(100000);
    load("max\n");
    assertThat(f.second()).isEqualTo(ABSENT);
  }

  @Test
  void keyedMatchesWholeKeysOnly() throws Exception {
    load("inactive_file 5\ntotal_inactive_file 7\nnr_periods 3\nnr_throttled 2\n");
    assertThat(f.keyed(key("inactive_file"))).isEqualTo(5);
    assertThat(f.keyed(key("total_inactive_file"))).isEqualTo(7);
    assertThat(f.keyed(key("nr_throttled"))).isEqualTo(2);
    assertThat(f.keyed(key("nr_periods"))).isEqualTo(3);
    assertThat(f.keyed(key("nr_"))).isEqualTo(ABSENT);
    assertThat(f.keyed(key("oom_kill"))).isEqualTo(ABSENT);
  }

  @Test
  void lastLineWithoutNewlineAndKeyAtEnd() throws Exception {
    load("oom_kill_disable 0\nunder_oom 0\noom_kill 4");
    assertThat(f.keyed(key("oom_kill"))).isEqualTo(4);
    load("oom_kill_disable 0\nunder_oom 0\noom_kill");
    assertThat(f.keyed(key("oom_kill"))).isEqualTo(ABSENT);
  }

  @Test
  void filesLargerThanTheBufferAreReadWhole() throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      b.append("filler_").append(i).append(' ').append(i).append('\n');
    }
    b.append("wanted 42\n");
    load(b.toString());
    assertThat(f.keyed(key("wanted"))).isEqualTo(42);
    assertThat(f.keyed(key("filler_1999"))).isEqualTo(1999);
  }

  @Test
  void aShorterFileAfterALongerOneShowsOnlyItsOwnContent() throws Exception {
    load("nr_periods 1\nnr_throttled 2\nthrottled_time 3\n");
    load("nr_periods 9\n");
    assertThat(f.keyed(key("nr_periods"))).isEqualTo(9);
    assertThat(f.keyed(key("throttled_time"))).isEqualTo(ABSENT);
  }

  @Test
  void overflowSaturatesInsteadOfWrapping() throws Exception {
    assertThat(load("99999999999999999999999\n").first()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void missingFileIsNoSuchFile() {
    assertThatThrownBy(() -> f.load(dir.resolve("nope"))).isInstanceOf(NoSuchFileException.class);
  }
}
