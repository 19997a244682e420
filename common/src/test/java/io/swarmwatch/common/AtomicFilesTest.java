package io.swarmwatch.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void replacesTheWholeFileAndLeavesNoTemporary() throws Exception {
    Path f = dir.resolve("sub/state.json");
    AtomicFiles.write(f, "first, longer content".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(f, "second".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(f)).isEqualTo("second");
    try (var files = Files.list(f.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json");
    }
  }

  @Test
  void aStaleTemporaryFromACrashIsOverwritten() throws Exception {
    Path f = dir.resolve("state.json");
    Files.writeString(dir.resolve("state.json.tmp"), "torn garbage from a crash mid-write");
    AtomicFiles.write(f, "ok".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(f)).isEqualTo("ok");
    assertThat(dir.resolve("state.json.tmp")).doesNotExist();
  }
}
