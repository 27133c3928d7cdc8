package io.tributary.log.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader-epoch cache: (epoch, start offset) pairs, both strictly increasing, persisted in
 * {@code leader-epoch-checkpoint} as text: version {@code 0}, entry count, then one {@code epoch offset}
 * line per entry (Kafka's layout). Rewritten atomically on each change. A malformed file is logged and
 * ignored (the cache restarts empty and is refilled by appends).
 */
final class LeaderEpochCache {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderEpochCache.class);
  static final String FILE = "leader-epoch-checkpoint";

  private final Path file;
  private final TreeMap<Integer, Long> epochs = new TreeMap<>();

  LeaderEpochCache(Path dir) {
    this.file = dir.resolve(FILE);
    load();
  }

  private void load() {
    if (!Files.exists(file)) {
      return;
    }
    try {
      List<String> lines = CheckpointFile.readLines(file);
      if (lines.size() < 2 || !lines.get(0).trim().equals("0")) {
        throw new IOException("bad header");
      }
      int n = Integer.parseInt(lines.get(1).trim());
      if (lines.size() < 2 + n) {
        throw new IOException("expected " + n + " entries");
      }
      TreeMap<Integer, Long> loaded = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        String[] parts = lines.get(2 + i).trim().split("\\s+");
        loaded.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
      }
      epochs.putAll(loaded);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Leader epoch checkpoint {} is malformed ({}); starting with an empty cache", file, e.toString());
    }
  }

  private void persist() {
    StringBuilder sb = new StringBuilder("0\n").append(epochs.size()).append('\n');
    for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
      sb.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
    }
    try {
      CheckpointFile.write(file, sb.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write leader epoch checkpoint " + file, e);
    }
  }

  synchronized OptionalInt latestEpoch() {
    return epochs.isEmpty() ? OptionalInt.empty() : OptionalInt.of(epochs.lastKey());
  }

  /** Records that {@code epoch} starts at {@code startOffset}; ignored unless the epoch is newer than the latest. */
  synchronized void assign(int epoch, long startOffset) {
    if (epoch < 0) {
      return;
    }
    if (!epochs.isEmpty()) {
      int latest = epochs.lastKey();
      if (epoch <= latest) {
        return;
      }
      // an entry with a start offset at or above this one cannot be right any more
      while (!epochs.isEmpty() && epochs.lastEntry().getValue() > startOffset) {
        epochs.pollLastEntry();
      }
    }
    epochs.put(epoch, startOffset);
    persist();
  }

  /** Kafka semantics: end offset of the requested epoch (start of the next higher one, or LEO for the latest), -1 if unknown. */
  synchronized long endOffsetFor(int requestedEpoch, long logEndOffset) {
    return endOffsetAndEpoch(requestedEpoch, logEndOffset)[1];
  }

  /** The largest epoch <= requested, as returned with the end offset, or -1. */
  synchronized int epochForEndOffsetQuery(int requestedEpoch, long logEndOffset) {
    return (int) endOffsetAndEpoch(requestedEpoch, logEndOffset)[0];
  }

  private long[] endOffsetAndEpoch(int requested, long leo) {
    if (requested < 0 || epochs.isEmpty()) {
      return new long[] {-1, -1};
    }
    if (requested == epochs.lastKey()) {
      return new long[] {requested, leo};
    }
    Map.Entry<Integer, Long> higher = epochs.higherEntry(requested);
    if (higher == null) {
      return new long[] {-1, -1};
    }
    Map.Entry<Integer, Long> floor = epochs.floorEntry(requested);
    return new long[] {floor == null ? requested : floor.getKey(), higher.getValue()};
  }

  /** Removes entries starting at or after offset (log truncated to offset). */
  synchronized void truncateFromEnd(long offset) {
    boolean changed = false;
    while (!epochs.isEmpty() && epochs.lastEntry().getValue() >= offset) {
      epochs.pollLastEntry();
      changed = true;
    }
    if (changed) {
      persist();
    }
  }

  /** Log start moved to offset: older entries are dropped; the one covering offset now starts there. */
  synchronized void truncateFromStart(long offset) {
    Map.Entry<Integer, Long> floor = epochs.floorEntry(Integer.MAX_VALUE);
    List<Integer> below = new ArrayList<>();
    Integer covering = null;
    for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
      if (e.getValue() <= offset) {
        if (covering != null) {
          below.add(covering);
        }
        covering = e.getKey();
      }
    }
    if (floor == null || (below.isEmpty() && (covering == null || epochs.get(covering) == offset))) {
      return;
    }
    for (Integer e : below) {
      epochs.remove(e);
    }
    if (covering != null) {
      epochs.put(covering, offset);
    }
    persist();
  }

  synchronized void clear() {
    epochs.clear();
    persist();
  }

  synchronized List<Map.Entry<Integer, Long>> entries() {
    return new ArrayList<>(epochs.entrySet());
  }
}
