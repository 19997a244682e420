package io.swarmwatch.common;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes as operators write them: {@code 512MiB}, {@code 1GiB}, {@code 64m}, {@code 1024}. */
public final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?");

  private Sizes() {}

  static long parseBytes(String name, String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ConfigException(
          name + " must be a size like 512MiB, 1GiB or 1048576, got '" + text + "'");
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw tooLarge(name, text);
    }
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    if (n > Long.MAX_VALUE >> shift) {
      // The shift would silently wrap to a small or negative size.
      throw tooLarge(name, text);
    }
    return n << shift;
  }

  private static ConfigException tooLarge(String name, String text) {
    return new ConfigException(name + " is too large, got '" + text + "'");
  }
}
