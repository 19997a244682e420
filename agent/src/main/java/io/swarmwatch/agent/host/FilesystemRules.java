package io.swarmwatch.agent.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which mounts are reported: the node's disks, once each.
 *
 * <ol>
 *   <li>Pseudo and in-memory filesystems are skipped ({@link #PSEUDO_TYPES}): they have no disk
 *       behind them, or (squashfs, iso9660) are read-only images that are always 100% full.
 *   <li>Network filesystems are skipped ({@link #NETWORK_TYPES}): statvfs on an unreachable server
 *       blocks, and would stall the sampler; their space belongs to another machine anyway (9p and
 *       virtiofs: shared in from a hypervisor's host).
 *   <li>FUSE filesystems ({@code fuse}, {@code fuse.*}) are skipped for the same reason (a hung
 *       daemon blocks statvfs; most are remote or virtual: sshfs, s3fs, lxcfs), except {@code
 *       fuseblk}, which is a local block device (ntfs-3g, exfat).
 *   <li>A device mounted more than once (bind mounts, btrfs subvolumes, the Engine's own binds) is
 *       reported once, at its shortest mount point, so {@code /} wins over {@code
 *       /var/lib/docker/...}.
 * </ol>
 *
 * The order of the mount table is kept.
 */
final class FilesystemRules {
  static final Set<String> PSEUDO_TYPES =
      Set.of(
          "anon_inodefs",
          "aufs",
          "autofs",
          "bdev",
          "binfmt_misc",
          "bpf",
          "cgroup",
          "cgroup2",
          "configfs",
          "cpuset",
          "debugfs",
          "devfs",
          "devpts",
          "devtmpfs",
          "efivarfs",
          "hugetlbfs",
          "iso9660",
          "mqueue",
          "nfsd",
          "nsfs",
          "overlay",
          "pipefs",
          "proc",
          "pstore",
          "ramfs",
          "rootfs",
          "rpc_pipefs",
          "securityfs",
          "selinuxfs",
          "shiftfs",
          "sockfs",
          "squashfs",
          "sunrpc",
          "sysfs",
          "tmpfs",
          "tracefs",
          "udf",
          "usbfs");

  static final Set<String> NETWORK_TYPES =
      Set.of(
          "9p",
          "afs",
          "ceph",
          "cifs",
          "glusterfs",
          "gpfs",
          "lustre",
          "ncpfs",
          "nfs",
          "nfs4",
          "smb3",
          "smbfs",
          "virtiofs");

  private FilesystemRules() {}

  static boolean isDisk(String type) {
    if (PSEUDO_TYPES.contains(type) || NETWORK_TYPES.contains(type)) {
      return false;
    }
    return !type.equals("fuse") && !type.startsWith("fuse.");
  }

  static List<Mount> select(List<Mount> table) {
    Map<String, Mount> byDevice = new HashMap<>();
    for (Mount m : table) {
      if (isDisk(m.type())) {
        byDevice.merge(m.device(), m, FilesystemRules::shorter);
      }
    }
    List<Mount> out = new ArrayList<>(byDevice.size());
    for (Mount m : table) {
      if (byDevice.get(m.device()) == m) { // identity: a line mounted twice is still one
        out.add(m);
      }
    }
    return out;
  }

  /** The first of two mounts of one device wins a tie. */
  private static Mount shorter(Mount first, Mount second) {
    return second.mountPoint().length() < first.mountPoint().length() ? second : first;
  }
}
