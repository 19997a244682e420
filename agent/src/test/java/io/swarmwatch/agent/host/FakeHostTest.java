package io.swarmwatch.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.TextFormat;
import io.swarmwatch.proto.v1.Filesystem;
import io.swarmwatch.proto.v1.HostSample;
import io.swarmwatch.proto.v1.NetInterface;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that the configured roots are what is read: a fake host's /proc, /sys and root filesystem
 * are written to a temporary directory and sampled by {@link FakeHostMain} in a fresh JVM (OSHI
 * reads its paths once per process, so this cannot share the test JVM).
 */
class FakeHostTest {
  private static final long TIMEOUT_S = 60;

  @TempDir Path tmp;

  @Test
  void everyValueComesFromTheConfiguredRoots() throws Exception {
    Path proc = Files.createDirectories(tmp.resolve("proc"));
    Path sys = Files.createDirectories(tmp.resolve("sys"));
    Path root = Files.createDirectories(tmp.resolve("root"));
    writeProc(proc);
    writeSys(sys);
    // The fake host's "/" is the temp directory's filesystem; its "/data disk" is /dev/shm (a
    // different filesystem, reached through a symlink); "/gone" is in the mount table but not
    // visible under the root (a plain directory of the root's filesystem) and must be skipped.
    Files.createSymbolicLink(root.resolve("data disk"), Path.of("/dev/shm"));
    Files.createDirectories(root.resolve("gone"));

    HostSample s;
    try {
      s = sampleInFreshJvm(proc, sys, root);
    } finally {
      Files.delete(root.resolve("data disk")); // @TempDir warns about links leading out of it
    }

    assertThat(s.getCpus()).isEqualTo(3); // cpuinfo (the fake /sys has no CPU topology)
    assertThat(s.getCpuPercent()).isCloseTo(60.0, within(1e-9));
    assertThat(s.getLoad1()).isEqualTo(1.25);
    assertThat(s.getLoad5()).isEqualTo(0.75);
    assertThat(s.getLoad15()).isEqualTo(0.5);
    assertThat(s.getMemoryTotalBytes()).isEqualTo(8_000_000L * 1024);
    assertThat(s.getMemoryAvailableBytes()).isEqualTo(6_000_000L * 1024);
    assertThat(s.getSwapTotalBytes()).isEqualTo(2_000_000L * 1024);
    assertThat(s.getSwapUsedBytes()).isEqualTo(1_500_000L * 1024);
    assertThat(s.getUptimeSeconds()).isEqualTo(12345);

    assertThat(s.getFilesystemsList())
        .extracting(Filesystem::getMount, Filesystem::getDevice, Filesystem::getType)
        .containsExactly(
            tuple("/", "/dev/fakeroot", "ext4"), tuple("/data disk", "/dev/fakedata", "xfs"));
    assertThat(s.getFilesystems(0).getTotalBytes())
        .isEqualTo(Files.getFileStore(tmp).getTotalSpace());
    assertThat(s.getFilesystems(1).getTotalBytes())
        .isEqualTo(Files.getFileStore(Path.of("/dev/shm")).getTotalSpace());

    assertThat(s.getInterfacesList())
        .containsExactly(
            NetInterface.newBuilder()
                .setName("bond0")
                .setRxBytes(1_000_001)
                .setTxBytes(2_000_002)
                .setRxErrors(3)
                .setTxErrors(4)
                .setRxDropped(5)
                .build(),
            NetInterface.newBuilder()
                .setName("eth0")
                .setRxBytes(10_000_000_001L)
                .setTxBytes(20_000_000_002L)
                .setRxErrors(30)
                .setTxErrors(40)
                .setRxDropped(50)
                .build());
  }

  private static void writeProc(Path proc) throws IOException {
    write(
        proc.resolve("meminfo"),
        """
        MemTotal:        8000000 kB
        MemFree:         1000000 kB
        MemAvailable:    6000000 kB
        Buffers:          100000 kB
        Cached:          2000000 kB
        SwapCached:            0 kB
        SwapTotal:       2000000 kB
        SwapFree:         500000 kB
        """);
    write(proc.resolve("loadavg"), "1.25 0.75 0.50 3/456 7890\n");
    write(proc.resolve("uptime"), "12345.67 20000.00\n");
    write(proc.resolve("stat"), stat(100, 100, 800));
    StringBuilder cpuinfo = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      cpuinfo.append("processor\t: ").append(i).append("\nmodel name\t: Fake CPU\n\n");
    }
    write(proc.resolve("cpuinfo"), cpuinfo.toString());
    write(
        proc.resolve("1/mounts"),
        """
        /dev/fakeroot / ext4 rw,relatime 0 0
        proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
        tmpfs /run tmpfs rw,nosuid,nodev 0 0
        /dev/fakeroot /var/lib/docker ext4 rw,relatime 0 0
        overlay /var/lib/docker/overlay2/abc/merged overlay rw 0 0
        srv:/export /mnt/nfs nfs4 rw 0 0
        /dev/fakedata /data\\040disk xfs rw 0 0
        /dev/fakegone /gone xfs rw 0 0
        """);
    // What an agent in a container would see as its own: must not be used while 1/mounts is there.
    write(proc.resolve("self/mounts"), "/dev/wrong / ext4 rw 0 0\n");
  }

  /** Only the aggregate line matters; per-CPU lines as the kernel writes them. */
  private static String stat(long user, long system, long idle) {
    String cpu = "cpu  " + user + " 0 " + system + " " + idle + " 0 0 0 0 0 0\n";
    return cpu
        + "cpu0 1 0 1 1 0 0 0 0 0 0\ncpu1 1 0 1 1 0 0 0 0 0 0\ncpu2 1 0 1 1 0 0 0 0 0 0\n"
        + "ctxt 1000\nbtime 1700000000\nprocesses 100\n";
  }

  private static void writeSys(Path sys) throws IOException {
    Map<String, long[]> counters =
        Map.of(
            "eth0", new long[] {10_000_000_001L, 20_000_000_002L, 30, 40, 50},
            "bond0", new long[] {1_000_001, 2_000_002, 3, 4, 5},
            "lo", new long[] {7, 7, 7, 7, 7},
            "veth9a8b7c6", new long[] {8, 8, 8, 8, 8},
            "docker0", new long[] {9, 9, 9, 9, 9},
            "br-0123456789ab", new long[] {6, 6, 6, 6, 6});
    List<String> files = List.of("rx_bytes", "tx_bytes", "rx_errors", "tx_errors", "rx_dropped");
    for (Map.Entry<String, long[]> e : counters.entrySet()) {
      for (int i = 0; i < files.size(); i++) {
        write(
            sys.resolve("class/net/" + e.getKey() + "/statistics/" + files.get(i)),
            e.getValue()[i] + "\n");
      }
    }
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private HostSample sampleInFreshJvm(Path proc, Path sys, Path root) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path stderr = tmp.resolve("stderr.txt");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                // OSHI caches /proc/stat for 300 ms; the sample below may come sooner than that.
                "-Doshi.util.memoizer.expiration=1",
                FakeHostMain.class.getName(),
                proc.toString(),
                sys.toString(),
                root.toString())
            .redirectError(stderr.toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String ready = bounded(() -> out.readLine(), p, stderr);
      assertThat(ready).as("child stderr:%n%s", read(stderr)).isEqualTo("READY");

      // The sampler took its first CPU reading at creation; move the counters on by 300 ms busy
      // and 200 ms idle.
      write(proc.resolve("stat"), stat(300, 200, 1000));
      OutputStream in = p.getOutputStream();
      in.write('\n');
      in.flush();

      String text =
          bounded(
              () -> {
                StringBuilder b = new StringBuilder();
                for (String line = out.readLine(); line != null && !line.equals("END"); ) {
                  b.append(line).append('\n');
                  line = out.readLine();
                }
                return b.toString();
              },
              p,
              stderr);
      assertThat(p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("child stderr:%n%s", read(stderr)).isZero();
      return TextFormat.parse(text, HostSample.class);
    } finally {
      p.destroyForcibly();
    }
  }

  private interface Read {
    String get() throws IOException;
  }

  /** A blocking read of the child's output, bounded so that a hung child fails the test. */
  private static String bounded(Read read, Process p, Path stderr) throws Exception {
    CompletableFuture<String> f =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return read.get();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    try {
      return f.get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      p.destroyForcibly();
      throw new AssertionError("no output from the child in " + TIMEOUT_S + " s: " + read(stderr));
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }
}
