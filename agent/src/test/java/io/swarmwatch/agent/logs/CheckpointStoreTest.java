package io.swarmwatch.agent.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  @TempDir Path dir;

  @Test
  void survivesAReopenAndIgnoresGarbageLines() throws Exception {
    var store = new CheckpointStore(dir.resolve("spool"));
    assertThat(store.get("c1")).isEqualTo(Checkpoint.START);
    store.put("c1", new Checkpoint(5_000_000_123L, 2, 7, 0));
    store.put("c2", Checkpoint.START.next(9).drained(42));
    store.flush();
    store.flush(); // unchanged: not written again
    assertThat(store.writes()).isEqualTo(1);
    Files.writeString(
        dir.resolve("spool").resolve(CheckpointStore.FILE),
        "junk\n",
        java.nio.file.StandardOpenOption.APPEND);

    var again = new CheckpointStore(dir.resolve("spool"));
    assertThat(again.get("c1")).isEqualTo(new Checkpoint(5_000_000_123L, 2, 7, 0));
    assertThat(again.get("c2")).isEqualTo(new Checkpoint(9, 1, 1, 42));
    assertThat(Files.exists(dir.resolve("spool").resolve(CheckpointStore.FILE + ".tmp"))).isFalse();
  }

  @Test
  void positionsCountLinesSharingATimestampAndSinceHasNanoseconds() {
    Checkpoint c = Checkpoint.START.next(5_000_000_007L).next(5_000_000_007L);
    assertThat(c.atTime()).isEqualTo(2);
    assertThat(c.lineNo()).isEqualTo(2);
    assertThat(c.since()).isEqualTo("5.000000007");
    assertThat(c.next(6_000_000_000L)).isEqualTo(new Checkpoint(6_000_000_000L, 1, 3, 0));
  }
}
