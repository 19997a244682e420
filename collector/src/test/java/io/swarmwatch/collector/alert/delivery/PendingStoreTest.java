package io.swarmwatch.collector.alert.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pending notifications on real files: order, rewrite, removal, crash leftovers. */
class PendingStoreTest {
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  @TempDir Path dir;

  static Pending pending(String id, Instant at) {
    return new Pending(
        id,
        "ops",
        "inc",
        "unhealthy",
        "web",
        "firing",
        at,
        0,
        "a=b",
        ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void savedNotificationsLoadInCreationOrderWithTheirAttempts() {
    PendingStore store = new PendingStore(dir);
    store.save(pending("b", T0.plusSeconds(1)));
    store.save(pending("a", T0.plusSeconds(2)));
    store.save(pending("c", T0).nextAttempt().nextAttempt());
    var loaded = new PendingStore(dir).load();
    assertThat(loaded).extracting(Pending::id).containsExactly("c", "b", "a");
    assertThat(loaded.get(0).attempt()).isEqualTo(2);
    assertThat(loaded.get(0).query()).isEqualTo("a=b");
    assertThat(new String(loaded.get(0).body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"id\":\"c\"}");
    store.remove(loaded.get(1));
    assertThat(store.load()).extracting(Pending::id).containsExactly("c", "a");
  }

  @Test
  void crashLeftoversAreCleanedAndBadFilesMovedAside() throws Exception {
    PendingStore store = new PendingStore(dir);
    store.save(pending("ok", T0));
    Files.writeString(dir.resolve("ok.json.tmp"), "{\"id\":\"ok\", \"rece");
    Files.writeString(dir.resolve("torn.json"), "{\"id\":\"torn\", \"rece");
    Files.writeString(
        dir.resolve("evil.json"),
        "{\"id\":\"../x\",\"receiver\":\"r\",\"createdAt\":\"2024-05-01T10:00:00Z\",\"body\":\"{}\"}");
    assertThat(store.load()).extracting(Pending::id).containsExactly("ok");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("evil.json.bad", "ok.json", "torn.json.bad");
    }
  }

  @Test
  void aFileUnderAnotherNameIsAdoptedSoItIsRemovedAfterDelivery() throws Exception {
    PendingStore store = new PendingStore(dir);
    store.save(pending("x", T0));
    Files.move(dir.resolve("x.json"), dir.resolve("0001-x.json"));
    var loaded = store.load();
    assertThat(loaded).hasSize(1);
    store.remove(loaded.get(0));
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.toList()).isEmpty();
    }
  }
}
