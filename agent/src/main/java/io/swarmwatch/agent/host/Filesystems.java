package io.swarmwatch.agent.host;

import com.sun.jna.Native;
import com.sun.jna.platform.linux.LibC;
import io.swarmwatch.proto.v1.Filesystem;
import io.swarmwatch.proto.v1.HostSample;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's disks and their space: the host's mount table, filtered by {@link FilesystemRules},
 * each measured with {@code statvfs(2)} at {@code <rootFs>/<mount point>}.
 *
 * <p>The mount table is {@code <procRoot>/1/mounts}: pid 1 of the host's /proc is the host's init,
 * so these are the host's mounts even for an agent in a container (whose {@code self/mounts} lists
 * its overlay root and bind mounts). Where pid 1's table cannot be read ({@code hidepid}), {@code
 * <procRoot>/self/mounts} is used, with a warning: right for an agent on the host, the container's
 * own view for one in a container.
 *
 * <p>Why not OSHI's {@code FileSystem.getFileStores()}: it reads {@code <proc>/mounts}, which is
 * {@code self/mounts} (the agent's own mount namespace, so in a container the container's mounts);
 * it calls statvfs on the mount point as written, with no host-root prefix; and every call forks
 * {@code lsblk} for volume labels (about 15 ms and 135 KB allocated per call on a 2-core VM). This
 * class makes the same statvfs call OSHI does, through the same JNA binding.
 *
 * <p>Values: {@code free_bytes} is {@code f_bavail * f_frsize}, the space available to unprivileged
 * processes ({@code df}'s "Avail"; it excludes blocks reserved for root). Inodes are {@code
 * f_files} and {@code f_ffree}; both are 0 on filesystems without a fixed inode table (btrfs).
 *
 * <p>A mount that is not visible under {@code rootFs} (the host mounted it after the agent started
 * and the bind's propagation is private, or the root bind is not recursive) is skipped, not
 * reported with the numbers of the directory underneath: it is detected by the mount point having
 * the same {@code st_dev} as {@code rootFs} while the table says another device is mounted there.
 *
 * <p>Not thread-safe (one reused statvfs buffer).
 */
final class Filesystems {
  private static final Logger log = LoggerFactory.getLogger(Filesystems.class);

  private final Path hostTable;
  private final Path ownTable;
  private final Path rootFs;
  private final LibC.Statvfs buf = new LibC.Statvfs();
  private boolean warnedTable;
  private boolean warnedFallback;
  private boolean warnedStat;

  Filesystems(Path procRoot, Path rootFs) {
    this.hostTable = procRoot.resolve("1/mounts");
    this.ownTable = procRoot.resolve("self/mounts");
    this.rootFs = rootFs;
  }

  void addTo(HostSample.Builder sample) {
    List<Mount> table;
    try {
      table = readTable();
    } catch (IOException e) {
      if (!warnedTable) {
        warnedTable = true;
        log.warn("cannot read {}: no filesystems reported ({})", ownTable, e.toString());
      }
      return;
    }
    List<Mount> disks = FilesystemRules.select(table);
    String rootDevice = rootDevice(disks);
    Object rootDev = stDev(rootFs);
    for (Mount m : disks) {
      Path at = under(m.mountPoint());
      if (!m.device().equals(rootDevice) && rootDev != null && rootDev.equals(stDev(at))) {
        warnOnce(m.mountPoint() + " (" + m.device() + ") is not visible at " + at + ": skipped");
        continue;
      }
      if (LibC.INSTANCE.statvfs(at.toString(), buf) != 0) {
        int errno = Native.getLastError();
        warnOnce("statvfs(" + at + ") failed with errno " + errno + ": skipped");
        continue;
      }
      long frsize = buf.f_frsize.longValue();
      sample.addFilesystems(
          Filesystem.newBuilder()
              .setMount(m.mountPoint())
              .setType(m.type())
              .setDevice(m.device())
              .setTotalBytes(buf.f_blocks.longValue() * frsize)
              .setFreeBytes(buf.f_bavail.longValue() * frsize)
              .setTotalInodes(buf.f_files.longValue())
              .setFreeInodes(buf.f_ffree.longValue()));
    }
  }

  private List<Mount> readTable() throws IOException {
    try {
      return Mount.read(hostTable);
    } catch (NoSuchFileException | AccessDeniedException e) {
      if (!warnedFallback) {
        warnedFallback = true;
        log.warn(
            "cannot read {} ({}): reporting the mounts of the agent's own namespace from {}",
            hostTable,
            e.toString(),
            ownTable);
      }
      return Mount.read(ownTable);
    }
  }

  private Path under(String mountPoint) {
    return rootFs.resolve(mountPoint.substring(1));
  }

  private static String rootDevice(List<Mount> disks) {
    for (Mount m : disks) {
      if (m.mountPoint().equals("/")) {
        return m.device();
      }
    }
    return null;
  }

  /** {@code st_dev} of the path, or null if it cannot be read. */
  private static Object stDev(Path p) {
    try {
      return Files.getAttribute(p, "unix:dev");
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  /** The first failure is a warning; the same cause would repeat every interval, at debug. */
  private void warnOnce(String message) {
    if (warnedStat) {
      log.debug(message);
    } else {
      warnedStat = true;
      log.warn("{} (further such messages at debug level)", message);
    }
  }
}
