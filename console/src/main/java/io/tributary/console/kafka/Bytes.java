package io.tributary.console.kafka;

/** Byte counts for people: 1023 B, 1.5 KiB, 20.0 MiB. */
public final class Bytes {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};
  private static final int STEP = 1024;

  private Bytes() {}

  public static String human(long bytes) {
    if (bytes < STEP) {
      return bytes + " B";
    }
    double v = bytes;
    int unit = 0;
    while (v >= STEP && unit < UNITS.length - 1) {
      v /= STEP;
      unit++;
    }
    return String.format("%.1f %s", v, UNITS[unit]);
  }
}
