package io.swarmwatch.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmwatch.common.ConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In the shared test JVM only the default roots are ever applied; other roots are tried in {@link
 * FakeHostTest}'s own JVM.
 */
class OshiPathsTest {
  @Test
  void applyingTheSameRootsAgainIsANoOp() {
    OshiPaths.apply(HostConfig.defaults());

    assertThatCode(() -> OshiPaths.apply(HostConfig.defaults())).doesNotThrowAnyException();
  }

  @Test
  void refusesOtherRootsOnceOshiIsSet(@TempDir Path elsewhere) {
    OshiPaths.apply(HostConfig.defaults());

    assertThatThrownBy(
            () -> OshiPaths.apply(new HostConfig(elsewhere, elsewhere, HostConfig.DEFAULT_ROOT_FS)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot be pointed at " + elsewhere);
  }

  @Test
  void aMissingRootIsAConfigErrorNamingThePath(@TempDir Path tmp) {
    Path missing = tmp.resolve("no-such-proc");

    assertThatThrownBy(
            () ->
                OshiPaths.apply(
                    new HostConfig(
                        missing, HostConfig.DEFAULT_SYS_ROOT, HostConfig.DEFAULT_ROOT_FS)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void configRejectsRelativePathsAndNormalizes() {
    assertThatThrownBy(() -> new HostConfig(Path.of("host/proc"), Path.of("/sys"), Path.of("/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("procRoot");
    assertThat(
            new HostConfig(Path.of("/host/proc/"), Path.of("/host/./sys"), Path.of("/host/root"))
                .sysRoot())
        .isEqualTo(Path.of("/host/sys"));
  }
}
