package io.tributary.log.broker;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

/** The fuzzer's mutations of a serialised request (header and body, without the size prefix). */
final class Mutations {
  /** Values written over a length or count field: huge, negative, or just past what the frame holds. */
  private static final int[] HUGE_INTS = {Integer.MAX_VALUE, Integer.MIN_VALUE, -2, 1 << 28, 65_536, 1_000_000};

  private Mutations() {}

  /** A copy of {@code template} with one mutation chosen by {@code random} (sometimes none). */
  static byte[] mutate(ByteBuffer template, Random random) {
    if (template.remaining() == 0) {
      return new byte[0];
    }
    byte[] frame = new byte[template.remaining()];
    template.duplicate().get(frame);
    switch (random.nextInt(10)) {
      case 0 -> {
        int flips = 1 + random.nextInt(8);
        for (int i = 0; i < flips; i++) {
          frame[random.nextInt(frame.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> frame = Arrays.copyOf(frame, random.nextInt(frame.length));
      case 2 -> putInt(frame, random.nextInt(frame.length), HUGE_INTS[random.nextInt(HUGE_INTS.length)]);
      case 3 -> putShort(frame, random.nextInt(frame.length), random.nextBoolean() ? Short.MAX_VALUE : (short) -2);
      case 4 -> {
        // A huge unsigned varint (compact lengths and counts of flexible versions).
        int at = random.nextInt(frame.length);
        byte[] varint = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
        for (int i = 0; i < varint.length && at + i < frame.length; i++) {
          frame[at + i] = varint[i];
        }
      }
      case 5 -> {
        // An overlong varint: continuation bits past the five bytes an int may take.
        int at = random.nextInt(frame.length);
        for (int i = 0; i < 6 + random.nextInt(6) && at + i < frame.length; i++) {
          frame[at + i] = (byte) 0x80;
        }
      }
      case 6 -> {
        // Compact-length edge values: 0 (null), 1 (empty), 0x7f (one byte's largest).
        byte[] edges = {0, 1, 0x7f};
        frame[random.nextInt(frame.length)] = edges[random.nextInt(edges.length)];
      }
      case 7 -> {
        // The body read at another version: the header's api version replaced (0..20 covers every API's range).
        putShort(frame, 2, (short) random.nextInt(21));
      }
      case 8 -> {
        // Raw bytes: the header's api key and version kept half the time, the rest random, of a random length.
        byte[] raw = new byte[random.nextInt(2 * frame.length + 1)];
        random.nextBytes(raw);
        if (random.nextBoolean()) {
          System.arraycopy(frame, 0, raw, 0, Math.min(4, raw.length));
        }
        frame = raw;
      }
      default -> { }
    }
    return frame;
  }

  private static void putInt(byte[] frame, int at, int value) {
    if (at + 4 <= frame.length) {
      ByteBuffer.wrap(frame).putInt(at, value);
    }
  }

  private static void putShort(byte[] frame, int at, short value) {
    if (at + 2 <= frame.length) {
      ByteBuffer.wrap(frame).putShort(at, value);
    }
  }
}
