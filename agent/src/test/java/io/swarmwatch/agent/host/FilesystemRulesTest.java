package io.swarmwatch.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FilesystemRulesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "proc",
        "sysfs",
        "tmpfs",
        "devtmpfs",
        "devpts",
        "overlay",
        "cgroup",
        "cgroup2",
        "nsfs",
        "squashfs",
        "autofs",
        "mqueue",
        "debugfs",
        "tracefs",
        "securityfs",
        "pstore",
        "bpf",
        "hugetlbfs",
        "binfmt_misc",
        "configfs",
        "ramfs",
        "iso9660",
        "rpc_pipefs"
      })
  void skipsPseudoAndInMemoryFilesystems(String type) {
    assertThat(FilesystemRules.isDisk(type)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"nfs", "nfs4", "cifs", "smb3", "glusterfs", "ceph", "9p", "virtiofs"})
  void skipsNetworkFilesystemsBecauseStatvfsCanHangOnThem(String type) {
    assertThat(FilesystemRules.isDisk(type)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"fuse", "fuse.sshfs", "fuse.lxcfs", "fuse.s3fs", "fuse.gvfsd-fuse"})
  void skipsFuseDaemons(String type) {
    assertThat(FilesystemRules.isDisk(type)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ext4", "ext3", "xfs", "btrfs", "zfs", "vfat", "f2fs", "fuseblk"})
  void keepsLocalDiskFilesystems(String type) {
    assertThat(FilesystemRules.isDisk(type)).isTrue();
  }

  @Test
  void keepsEachDeviceOnceAtItsShortestMountPointInTableOrder() {
    Mount varLib = new Mount("/dev/sda1", "/var/lib/docker/plugins", "ext4");
    Mount root = new Mount("/dev/sda1", "/", "ext4");
    Mount data = new Mount("/dev/sdb1", "/data", "xfs");
    Mount dataBind = new Mount("/dev/sdb1", "/srv/data", "xfs");
    Mount boot = new Mount("/dev/sda2", "/boot/efi", "vfat");

    List<Mount> selected =
        FilesystemRules.select(
            List.of(
                varLib,
                new Mount("proc", "/proc", "proc"),
                data,
                root,
                new Mount("overlay", "/var/lib/docker/overlay2/x/merged", "overlay"),
                dataBind,
                new Mount("tmpfs", "/run", "tmpfs"),
                new Mount("srv:/export", "/mnt/nfs", "nfs4"),
                boot));

    assertThat(selected).containsExactly(data, root, boot);
  }

  @Test
  void aLineRepeatedInTheTableIsReportedOnce() {
    Mount root = new Mount("/dev/vda", "/", "ext4");

    assertThat(FilesystemRules.select(List.of(root, new Mount("/dev/vda", "/", "ext4"))))
        .containsExactly(root);
  }
}
