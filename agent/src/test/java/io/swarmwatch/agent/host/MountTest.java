package io.swarmwatch.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountTest {
  @Test
  void parsesDeviceMountPointAndType() {
    List<Mount> table =
        Mount.parse(
            List.of(
                "/dev/nvme0n1p2 / ext4 rw,relatime,errors=remount-ro 0 0",
                "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
                "sshfs#me@box:/srv /mnt/box fuse.sshfs rw,nosuid,nodev 0 0"));

    assertThat(table)
        .containsExactly(
            new Mount("/dev/nvme0n1p2", "/", "ext4"),
            new Mount("proc", "/proc", "proc"),
            new Mount("sshfs#me@box:/srv", "/mnt/box", "fuse.sshfs"));
  }

  @Test
  void decodesTheKernelsOctalEscapes() {
    List<Mount> table =
        Mount.parse(List.of("/dev/sdb1 /media/My\\040Disk\\011x\\134y vfat rw 0 0"));

    assertThat(table).containsExactly(new Mount("/dev/sdb1", "/media/My Disk\tx\\y", "vfat"));
  }

  @Test
  void leavesABackslashThatIsNotAnEscapeAlone() {
    assertThat(Mount.unescape("a\\9b\\04")).isEqualTo("a\\9b\\04");
    assertThat(Mount.unescape("plain")).isEqualTo("plain");
  }

  @Test
  void skipsLinesThatAreTooShort() {
    assertThat(Mount.parse(List.of("", "garbage", "/dev/sda1 /boot"))).isEmpty();
  }
}
