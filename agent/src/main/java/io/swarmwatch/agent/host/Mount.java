package io.swarmwatch.agent.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a {@code /proc/<pid>/mounts} table.
 *
 * @param device the source as the kernel reports it ({@code /dev/sda1}, {@code overlay}, ...)
 * @param mountPoint absolute, in the mount namespace whose table this came from
 * @param type the filesystem type ({@code ext4}, {@code fuse.sshfs}, ...)
 */
record Mount(String device, String mountPoint, String type) {

  /** Reads a {@code /proc/<pid>/mounts} file. */
  static List<Mount> read(Path table) throws IOException {
    return parse(Files.readAllLines(table));
  }

  /** Skips lines with fewer than three fields. */
  static List<Mount> parse(List<String> lines) {
    List<Mount> out = new ArrayList<>(lines.size());
    for (String line : lines) {
      String[] f = line.split(" ", 4);
      if (f.length >= 3) {
        out.add(new Mount(unescape(f[0]), unescape(f[1]), unescape(f[2])));
      }
    }
    return out;
  }

  /** The kernel writes space, tab, newline and backslash in these fields as {@code \ooo}. */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return true;
  }
}
