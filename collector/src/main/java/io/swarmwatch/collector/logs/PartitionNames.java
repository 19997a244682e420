package io.swarmwatch.collector.logs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Partition directory names: the UTC hour as {@code yyyyMMddHH}. */
final class PartitionNames {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);

  private PartitionNames() {}

  /** {@code hour} counts hours since the epoch. */
  static String format(long hour) {
    return FORMAT.format(Instant.ofEpochSecond(hour * 3600));
  }

  /** The hour a directory name stands for; null for anything else. */
  static Long parse(String name) {
    if (name.length() != 10 || !name.chars().allMatch(Character::isDigit)) {
      return null;
    }
    try {
      var t =
          java.time.LocalDateTime.parse(
              name + "0000", DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
      return t.toEpochSecond(ZoneOffset.UTC) / 3600;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
