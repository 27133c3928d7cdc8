package io.tributary.log.faults;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Whether the replicas of one partition hold the same bytes below the high watermark, a pure function of
 * their record batches (as read from each broker's segment files): the batches that end below the high
 * watermark must be the same, byte for byte, in the same order, and reach exactly up to it.
 */
final class ReplicaComparison {
  /** One record batch as stored: its offsets and its bytes (header, CRC and records). */
  record Batch(long baseOffset, long lastOffset, byte[] bytes) {}

  private ReplicaComparison() {}

  /**
   * The differences (empty when the replicas agree) among {@code replicas} (broker id to its batches in file
   * order) below {@code highWatermark}; the first replica is the reference.
   */
  static List<String> differences(Map<Integer, List<Batch>> replicas, long highWatermark) {
    List<String> out = new ArrayList<>();
    Integer reference = null;
    List<Batch> expected = null;
    for (Map.Entry<Integer, List<Batch>> e : replicas.entrySet()) {
      List<Batch> below = e.getValue().stream().filter(b -> b.lastOffset() < highWatermark).toList();
      long reached = below.isEmpty() ? -1 : below.get(below.size() - 1).lastOffset();
      if (highWatermark > 0 && reached != highWatermark - 1) {
        out.add("broker " + e.getKey() + " holds batches up to offset " + reached + ", not up to the high watermark "
            + highWatermark + " - 1");
      }
      if (expected == null) {
        reference = e.getKey();
        expected = below;
        continue;
      }
      int n = Math.min(expected.size(), below.size());
      for (int i = 0; i < n; i++) {
        Batch a = expected.get(i);
        Batch b = below.get(i);
        if (a.baseOffset() != b.baseOffset() || a.lastOffset() != b.lastOffset() || !Arrays.equals(a.bytes(), b.bytes())) {
          out.add("broker " + e.getKey() + " differs from broker " + reference + " at batch " + i + " (offsets "
              + b.baseOffset() + ".." + b.lastOffset() + " vs " + a.baseOffset() + ".." + a.lastOffset() + ")");
          break;
        }
      }
      if (expected.size() != below.size()) {
        out.add("broker " + e.getKey() + " has " + below.size() + " batches below the high watermark, broker "
            + reference + " has " + expected.size());
      }
    }
    return out;
  }
}
