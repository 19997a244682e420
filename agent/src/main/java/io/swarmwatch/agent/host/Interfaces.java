package io.swarmwatch.agent.host;

import io.swarmwatch.proto.v1.HostSample;
import io.swarmwatch.proto.v1.NetInterface;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's network interfaces and their counters, from {@code <sysRoot>/class/net/<name>/
 * statistics/*} (the files OSHI's {@code LinuxNetworkIF} reads), filtered by {@link InterfaceRules}
 * before anything else is read.
 *
 * <p>Why not OSHI's {@code getNetworkIFs()}: it lists interfaces through {@code
 * java.net.NetworkInterface}, that is in the agent's own network namespace (a container's {@code
 * eth0}, not the host's links), whatever {@code oshi.util.sys.path} says; and for every interface,
 * the hundred veths of a busy node included, it asks libudev for the model and reads 14 files
 * (about 15 ms and 1.4 MB allocated per call with 8 interfaces). The directory listing of a {@code
 * /sys} mounted from the host shows the host's namespace.
 *
 * <p>Not thread-safe (one reused read buffer).
 */
final class Interfaces {
  private static final Logger log = LoggerFactory.getLogger(Interfaces.class);

  private final Path classNet;
  private final ByteBuffer buf = ByteBuffer.allocate(32); // a u64 in decimal is at most 20 digits
  private boolean warned;

  Interfaces(Path sysRoot) {
    this.classNet = sysRoot.resolve("class/net");
  }

  void addTo(HostSample.Builder sample) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(classNet)) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        if (InterfaceRules.include(name)) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      if (!warned) {
        warned = true;
        log.warn("cannot list {}: no network interfaces reported ({})", classNet, e.toString());
      }
      return;
    }
    Collections.sort(names);
    for (String name : names) {
      Path stats = classNet.resolve(name).resolve("statistics");
      try {
        sample.addInterfaces(
            NetInterface.newBuilder()
                .setName(name)
                .setRxBytes(counter(stats.resolve("rx_bytes")))
                .setTxBytes(counter(stats.resolve("tx_bytes")))
                .setRxErrors(counter(stats.resolve("rx_errors")))
                .setTxErrors(counter(stats.resolve("tx_errors")))
                .setRxDropped(counter(stats.resolve("rx_dropped"))));
      } catch (IOException | NumberFormatException e) {
        // Removed between the listing and the read (a device going away), or not a counter.
        log.debug("skipping interface {}: {}", name, e.toString());
      }
    }
  }

  /** A decimal counter file such as {@code 12345\n}, parsed without making a String. */
  private long counter(Path file) throws IOException {
    buf.clear();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // sysfs returns the whole value in one read; loop for the general case
      }
    }
    int end = buf.position();
    int i = 0;
    long v = 0;
    while (i < end && buf.get(i) >= '0' && buf.get(i) <= '9') {
      v = v * 10 + (buf.get(i) - '0');
      i++;
    }
    if (i == 0) {
      throw new NumberFormatException("no counter in " + file);
    }
    return v;
  }
}
