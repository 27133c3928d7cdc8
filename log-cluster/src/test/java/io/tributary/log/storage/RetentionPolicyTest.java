package io.tributary.log.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.log.storage.RetentionPolicy.SegmentFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetentionPolicyTest {
  static final long NOW_MS = 1_000_000;
  static final long UNKNOWN_AGE = Long.MAX_VALUE;
  static final String FOREVER = "-1";
  static final String NO_SIZE_LIMIT = "-1";

  /** Segments 100 offsets and 100 bytes apart from offset 0, with these largest timestamps; the last is the active one. */
  static List<SegmentFacts> segments(long... largestTimestampsMs) {
    List<SegmentFacts> out = new ArrayList<>();
    for (int i = 0; i < largestTimestampsMs.length; i++) {
      out.add(new SegmentFacts(100L * i, largestTimestampsMs[i], 100));
    }
    return out;
  }

  static LogConfig config(String policy, String retentionMs, String retentionBytes) {
    return LogConfig.fromMap(Map.of(LogConfig.CLEANUP_POLICY, policy, LogConfig.RETENTION_MS, retentionMs,
        LogConfig.RETENTION_BYTES, retentionBytes));
  }

  static Stream<Arguments> rows() {
    long fresh = NOW_MS - 10;
    long old = NOW_MS - 5_000;
    return Stream.of(
        // name, segments, log start offset, policy, retention.ms, retention.bytes, segments deleted
        Arguments.of("the active segment is never deleted", segments(old), 0L, "delete", "1000", "0", 0),
        Arguments.of("nothing expired", segments(fresh, fresh, fresh), 0L, "delete", "1000", NO_SIZE_LIMIT, 0),
        Arguments.of("log start inside the second segment frees the first", segments(fresh, fresh, fresh), 150L, "delete", FOREVER,
            NO_SIZE_LIMIT, 1),
        Arguments.of("log start at the active base frees all before it", segments(fresh, fresh, fresh), 200L, "delete", FOREVER,
            NO_SIZE_LIMIT, 2),
        Arguments.of("log start past the active base still keeps the active", segments(fresh, fresh, fresh), 250L, "delete", FOREVER,
            NO_SIZE_LIMIT, 2),
        Arguments.of("log start applies to compact-only topics too", segments(old, old, old), 150L, "compact", "1000", "0", 1),
        Arguments.of("compact-only topics ignore retention", segments(old, old, old), 0L, "compact", "1000", "0", 0),
        Arguments.of("compact,delete applies retention", segments(old, old, old), 0L, "compact,delete", "1000", NO_SIZE_LIMIT, 2),
        Arguments.of("retention.ms deletes the old prefix", segments(old, fresh, fresh), 0L, "delete", "1000", NO_SIZE_LIMIT, 1),
        Arguments.of("retention.ms stops at the first young segment", segments(fresh, old, fresh), 0L, "delete", "1000", NO_SIZE_LIMIT, 0),
        Arguments.of("exactly retention.ms old is kept", segments(NOW_MS - 1000, fresh), 0L, "delete", "1000", NO_SIZE_LIMIT, 0),
        Arguments.of("retention.ms -1 keeps forever", segments(old, old, old), 0L, "delete", FOREVER, NO_SIZE_LIMIT, 0),
        Arguments.of("unknown age is kept", segments(UNKNOWN_AGE, old, old), 0L, "delete", "1000", NO_SIZE_LIMIT, 0),
        Arguments.of("retention.bytes keeps at least that many bytes", segments(fresh, fresh, fresh), 0L, "delete", FOREVER, "150", 1),
        Arguments.of("retention.bytes met exactly after deleting", segments(fresh, fresh, fresh), 0L, "delete", FOREVER, "200", 1),
        Arguments.of("retention.bytes already met", segments(fresh, fresh, fresh), 0L, "delete", FOREVER, "300", 0),
        Arguments.of("retention.bytes 0 still keeps the active", segments(fresh, fresh, fresh), 0L, "delete", FOREVER, "0", 2),
        Arguments.of("bytes are counted after the time rule", segments(old, fresh, fresh, fresh), 0L, "delete", "1000", "200", 2),
        Arguments.of("rules add up after the log start", segments(fresh, old, fresh, fresh, fresh), 150L, "delete", "1000", "200", 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void deletesTheOldestSegmentsTheRulesAllow(String name, List<SegmentFacts> segments, long logStartOffset, String policy,
      String retentionMs, String retentionBytes, int deleted) {
    assertEquals(deleted, RetentionPolicy.segmentsToDelete(segments, logStartOffset, config(policy, retentionMs, retentionBytes), NOW_MS));
  }

  @Test
  void aLogWithoutSegmentsIsABug() {
    assertThrows(IllegalArgumentException.class,
        () -> RetentionPolicy.segmentsToDelete(List.of(), 0, config("delete", FOREVER, NO_SIZE_LIMIT), NOW_MS));
  }
}
