package io.tributary.log.storage;

import io.tributary.log.storage.OpenTransactions.CompletedTxn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.Crc32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotent-producer state of one partition: per producer id, its epoch and the metadata (first/last
 * sequence, first/last offset) of its last {@value #MAX_BATCHES} batches, used to detect duplicates and
 * sequence gaps.
 *
 * <p>Rules on the leader (Kafka 2.5+ as seen by an idempotent producer):
 * <ul>
 *   <li>a batch whose epoch is below the producer's current epoch is refused (InvalidProducerEpochException);</li>
 *   <li>a batch with a higher epoch, or from a producer this partition has never seen, must start at sequence 0
 *       (else OutOfOrderSequenceException); a producer idle for producer.id.expiration.ms (and not inside a
 *       transaction) is forgotten, and then must start again at 0 like a new one;</li>
 *   <li>same epoch: a batch equal (first and last sequence) to one of the retained batches is a duplicate;
 *       otherwise its first sequence must follow the last one (with wrap-around at Integer.MAX_VALUE).</li>
 * </ul>
 * Followers apply batches without checks (the leader checked them).
 *
 * <p>Transactions (KIP-98): a producer's first transactional batch opens its transaction (its offset is kept as
 * the transaction's first offset); a control batch (a COMMIT or ABORT marker, written by the transaction
 * coordinator through WriteTxnMarkers) closes it. A marker is checked only for its epoch (no sequence). The open
 * transactions are indexed by {@link OpenTransactions}, which gives the partition's first unstable offset; each
 * commit returns the aborted transactions it closed, for the segment's {@link TransactionIndex}.
 *
 * <p>Snapshots: {@code <offset>.snapshot} in the partition directory holds the state of every producer for the
 * log up to (excluding) offset. Format (big endian): int version=2, int producer count, per producer: long id,
 * short epoch, long first offset of its open transaction (-1: none), int batch count, per batch: int firstSeq,
 * int lastSeq, long firstOffset, long lastOffset; then an int CRC32C of everything before it. Version 1 (written
 * before transactions) has no transaction field and still loads. A snapshot that fails its CRC is ignored (and
 * deleted).
 */
final class ProducerStateManager {
  private static final Logger LOG = LoggerFactory.getLogger(ProducerStateManager.class);
  static final int MAX_BATCHES = 5;
  static final String SNAPSHOT_SUFFIX = ".snapshot";
  private static final int VERSION = 2;
  private static final int VERSION_WITHOUT_TRANSACTIONS = 1;
  private static final int KEEP_SNAPSHOTS = 3;

  /** Metadata of one batch of a producer. */
  record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset) {}

  /** State of one producer. Mutable copy-on-stage: staging copies it before changing it. */
  static final class ProducerEntry {
    short epoch;
    /** The first offset of the producer's open transaction on this partition, -1 when none is open. */
    long txnFirstOffset = -1;
    /**
     * The max timestamp of its last batch (Kafka's lastTimestamp), for producer.id.expiration.ms. Not in
     * snapshots: a producer loaded from one counts as written at load time.
     */
    long lastTimestampMs;
    final Deque<BatchMetadata> batches = new ArrayDeque<>();

    ProducerEntry(short epoch) {
      this.epoch = epoch;
    }

    ProducerEntry copy() {
      ProducerEntry e = new ProducerEntry(epoch);
      e.txnFirstOffset = txnFirstOffset;
      e.lastTimestampMs = lastTimestampMs;
      e.batches.addAll(batches);
      return e;
    }

    int lastSeq() {
      return batches.isEmpty() ? RecordBatch.NO_SEQUENCE : batches.peekLast().lastSeq();
    }

    void add(BatchMetadata b) {
      batches.addLast(b);
      while (batches.size() > MAX_BATCHES) {
        batches.removeFirst();
      }
    }
  }

  private final Path dir;
  private final TopicPartition tp;
  private final Map<Long, ProducerEntry> producers = new HashMap<>();
  /** The open transactions of {@link #producers}, kept in step with them under the same lock. */
  private final OpenTransactions openTransactions = new OpenTransactions();
  /**
   * Per producer id, the guard of a transaction verification in progress (KIP-890 part 1); under the same
   * lock. Not in snapshots: a leader that restarts has none, and the client's retry verifies again.
   */
  private final Map<Long, VerificationGuard> verificationGuards = new HashMap<>();

  ProducerStateManager(Path dir, TopicPartition tp) {
    this.dir = dir;
    this.tp = tp;
  }

  Optional<Short> producerEpoch(long producerId) {
    synchronized (producers) {
      ProducerEntry e = producers.get(producerId);
      return e == null ? Optional.empty() : Optional.of(e.epoch);
    }
  }

  /** Last offset of the producer's newest batch, or -1. */
  long lastOffsetOf(long producerId) {
    synchronized (producers) {
      ProducerEntry e = producers.get(producerId);
      return e == null || e.batches.isEmpty() ? -1 : e.batches.peekLast().lastOffset();
    }
  }

  /** The first offset of the oldest open transaction: the last stable offset never passes it. */
  OptionalLong firstUnstableOffset() {
    synchronized (producers) {
      return openTransactions.firstUnstableOffset();
    }
  }

  /**
   * Whether the producer, at this epoch, has a transaction open on this partition (Kafka's
   * {@code hasOngoingTransaction(producerId, producerEpoch)}): then a transactional batch of it needs no verification.
   */
  boolean hasOngoingTransaction(long producerId, short epoch) {
    synchronized (producers) {
      return ongoing(producers.get(producerId), epoch);
    }
  }

  private static boolean ongoing(ProducerEntry e, short epoch) {
    return e != null && e.txnFirstOffset >= 0 && e.epoch == epoch;
  }

  /**
   * The guard the leader presents with the producer's next transactional batch once the coordinator has
   * verified the partition: {@link VerificationGuard#SENTINEL} when a transaction is open here already (no
   * verification needed), else the producer's guard, created if it has none (concurrent verifications share it).
   */
  VerificationGuard maybeStartTransactionVerification(long producerId, short epoch) {
    synchronized (producers) {
      if (ongoing(producers.get(producerId), epoch)) {
        return VerificationGuard.SENTINEL;
      }
      return verificationGuards.computeIfAbsent(producerId, id -> new VerificationGuard());
    }
  }

  /** The producer's live verification guard, or the sentinel. */
  VerificationGuard verificationGuard(long producerId) {
    synchronized (producers) {
      return verificationGuards.getOrDefault(producerId, VerificationGuard.SENTINEL);
    }
  }

  /** What is known of every producer (DescribeProducers). */
  List<ProducerState> producerStates() {
    synchronized (producers) {
      List<ProducerState> out = new ArrayList<>(producers.size());
      producers.forEach((pid, e) -> {
        BatchMetadata last = e.batches.peekLast();
        out.add(new ProducerState(pid, e.epoch, last == null ? RecordBatch.NO_SEQUENCE : last.lastSeq(),
            last == null ? -1 : last.lastOffset(), e.txnFirstOffset));
      });
      return out;
    }
  }

  /**
   * Forgets the producers {@link ProducerExpiration} says are expired at {@code nowMs}; returns how many. An
   * open transaction is never forgotten, so the open-transaction index is unaffected.
   */
  int removeExpiredProducers(long nowMs, long expirationMs) {
    synchronized (producers) {
      int before = producers.size();
      producers.values().removeIf(e -> ProducerExpiration.isExpired(nowMs, e.lastTimestampMs, e.txnFirstOffset >= 0, expirationMs));
      return before - producers.size();
    }
  }

  int producerCount() {
    synchronized (producers) {
      return producers.size();
    }
  }

  /**
   * Changes prepared for one append request, applied with {@link #commit} only once the data is written.
   */
  final class Staged {
    final Map<Long, ProducerEntry> changed = new HashMap<>();
    /** The transactions the staged markers close, in offset order. */
    final List<CompletedTxn> completed = new ArrayList<>();

    ProducerEntry current(long pid) {
      ProducerEntry e = changed.get(pid);
      if (e != null) {
        return e;
      }
      synchronized (producers) {
        ProducerEntry existing = producers.get(pid);
        return existing == null ? null : existing;
      }
    }

    /** {@link #hasOngoingTransaction} including the batches staged so far. */
    boolean hasOngoingTransaction(long pid, short epoch) {
      return ongoing(current(pid), epoch);
    }

    /**
     * Checks a leader batch. Returns the retained duplicate's metadata when the batch was already
     * written, else null (and the batch is then staged with {@link #stage}).
     */
    BatchMetadata checkLeader(RecordBatch batch, long offsetForErrors) {
      long pid = batch.producerId();
      short epoch = batch.producerEpoch();
      int firstSeq = batch.baseSequence();
      int lastSeq = batch.lastSequence();
      ProducerEntry e = current(pid);
      if (batch.isControlBatch()) { // a transaction marker: no sequence, only a producer no older than the known one
        if (e != null && epoch < e.epoch) {
          throw new InvalidProducerEpochException("Transaction marker of producer " + pid + " has epoch " + epoch
              + ", older than the current epoch " + e.epoch + " on " + tp + " at offset " + offsetForErrors);
        }
        return null;
      }
      if (e == null) {
        if (firstSeq != 0) {
          throw new OutOfOrderSequenceException("Unknown producer " + pid + " (epoch " + epoch + ") sent sequence " + firstSeq
              + " to " + tp + " at offset " + offsetForErrors + "; a new producer must start at sequence 0");
        }
        return null;
      }
      if (epoch < e.epoch) {
        throw new InvalidProducerEpochException("Producer " + pid + " epoch " + epoch + " is older than the current epoch " + e.epoch
            + " on " + tp + " at offset " + offsetForErrors + " (fenced by a newer producer instance)");
      }
      if (epoch > e.epoch) {
        if (firstSeq != 0) {
          throw new OutOfOrderSequenceException("Producer " + pid + " bumped its epoch to " + epoch + " but sent sequence " + firstSeq
              + " instead of 0 to " + tp + " at offset " + offsetForErrors);
        }
        return null;
      }
      for (BatchMetadata b : e.batches) {
        if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
          return b;
        }
      }
      int last = e.lastSeq();
      boolean inSequence = last == RecordBatch.NO_SEQUENCE ? firstSeq == 0
          : (last == Integer.MAX_VALUE ? firstSeq == 0 : firstSeq == last + 1);
      if (!inSequence) {
        throw new OutOfOrderSequenceException("Out of order sequence from producer " + pid + " (epoch " + epoch + ") on " + tp
            + " at offset " + offsetForErrors + ": expected sequence " + (last == Integer.MAX_VALUE ? 0 : last + 1) + ", got " + firstSeq);
      }
      return null;
    }

    /** Records a batch (with its final offsets) in the staged state. */
    void stage(RecordBatch batch) {
      long pid = batch.producerId();
      ProducerEntry e = changed.get(pid);
      if (e == null) {
        ProducerEntry existing = current(pid);
        e = existing == null ? new ProducerEntry(batch.producerEpoch()) : existing.copy();
        changed.put(pid, e);
      }
      if (batch.producerEpoch() != e.epoch) {
        e.epoch = batch.producerEpoch();
        e.batches.clear();
      }
      e.lastTimestampMs = Math.max(e.lastTimestampMs, batch.maxTimestamp());
      if (batch.isControlBatch()) {
        Optional<ControlRecordType> type = TransactionMarkers.markerType(batch);
        if (type.isPresent()) {
          completed.add(CompletedTxn.closedBy(pid, e.txnFirstOffset, batch.baseOffset(), type.get() == ControlRecordType.ABORT));
          e.txnFirstOffset = -1;
        }
        return;
      }
      if (batch.isTransactional() && e.txnFirstOffset < 0) {
        e.txnFirstOffset = batch.baseOffset();
      }
      e.add(new BatchMetadata(batch.baseSequence(), batch.lastSequence(), batch.baseOffset(), batch.lastOffset()));
    }
  }

  Staged stage() {
    return new Staged();
  }

  /**
   * Applies staged changes (once their batches are written) and returns the aborted transactions they closed,
   * each with the last stable offset after it, for the aborted-transaction index of the segment they went to.
   */
  List<AbortedTxn> commit(Staged staged) {
    synchronized (producers) {
      producers.putAll(staged.changed);
      staged.changed.forEach((pid, e) -> {
        openTransactions.remove(pid);
        if (e.txnFirstOffset >= 0) {
          openTransactions.open(pid, e.txnFirstOffset);
          // The transaction is open here now: its later batches need no guard (Kafka's phase 2).
          verificationGuards.remove(pid);
        }
      });
      List<AbortedTxn> aborted = new ArrayList<>();
      for (CompletedTxn txn : staged.completed) {
        // A marker ends any verification in progress: a "verified" answer about the closed transaction is stale.
        verificationGuards.remove(txn.producerId());
        if (txn.aborted()) {
          aborted.add(new AbortedTxn(txn.producerId(), txn.firstOffset(), txn.lastOffset(), openTransactions.lastStableOffsetAfter(txn)));
        }
      }
      return aborted;
    }
  }

  /**
   * Applies one batch read back from the log (replay during load or after truncation); returns the aborted
   * transaction its marker closed, if it is an ABORT marker.
   */
  List<AbortedTxn> replay(RecordBatch batch) {
    if (!batch.hasProducerId()) {
      return List.of();
    }
    Staged s = stage();
    s.stage(batch);
    return commit(s);
  }

  void clear() {
    synchronized (producers) {
      producers.clear();
      openTransactions.clear();
      verificationGuards.clear();
    }
  }

  // ---- snapshots

  static Path snapshotFile(Path dir, long offset) {
    return dir.resolve(Segment.fileName(offset) + SNAPSHOT_SUFFIX);
  }

  /** Snapshot offsets present in the directory, ascending. */
  TreeMap<Long, Path> listSnapshots() throws IOException {
    TreeMap<Long, Path> out = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SNAPSHOT_SUFFIX)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        try {
          out.put(Long.parseLong(name.substring(0, name.length() - SNAPSHOT_SUFFIX.length())), p);
        } catch (NumberFormatException e) {
          LOG.warn("Ignoring unexpected file {}", p);
        }
      }
    }
    return out;
  }

  /**
   * Writes a snapshot of the current state for the log up to {@code offset} (atomic: temp file + rename).
   * Without {@code sync} the file is not fsynced (segment rolls: a snapshot torn by a crash fails its CRC
   * and an older one, or a full replay, is used instead).
   */
  void takeSnapshot(long offset, boolean sync) throws IOException {
    List<Map.Entry<Long, ProducerEntry>> entries;
    synchronized (producers) {
      entries = new ArrayList<>();
      for (Map.Entry<Long, ProducerEntry> e : producers.entrySet()) {
        entries.add(Map.entry(e.getKey(), e.getValue().copy()));
      }
    }
    int size = 8 + 4;
    for (Map.Entry<Long, ProducerEntry> e : entries) {
      size += 8 + 2 + 8 + 4 + e.getValue().batches.size() * 24;
    }
    ByteBuffer buf = ByteBuffer.allocate(size);
    buf.putInt(VERSION).putInt(entries.size());
    for (Map.Entry<Long, ProducerEntry> e : entries) {
      buf.putLong(e.getKey()).putShort(e.getValue().epoch).putLong(e.getValue().txnFirstOffset).putInt(e.getValue().batches.size());
      for (BatchMetadata b : e.getValue().batches) {
        buf.putInt(b.firstSeq()).putInt(b.lastSeq()).putLong(b.firstOffset()).putLong(b.lastOffset());
      }
    }
    buf.putInt((int) Crc32C.compute(buf.array(), 0, buf.position()));
    buf.flip();
    Path target = snapshotFile(dir, offset);
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (var ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      if (sync) {
        ch.force(true);
      }
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    // keep the newest few
    TreeMap<Long, Path> all = listSnapshots();
    while (all.size() > KEEP_SNAPSHOTS) {
      Files.deleteIfExists(all.pollFirstEntry().getValue());
    }
  }

  /**
   * Loads the newest valid snapshot at or below {@code maxOffset} (deleting newer ones, which describe data
   * no longer in the log) and returns its offset, or -1 when none (state then empty).
   */
  long loadLatestSnapshot(long maxOffset) throws IOException {
    clear();
    TreeMap<Long, Path> all = listSnapshots();
    for (Map.Entry<Long, Path> e : all.tailMap(maxOffset, false).entrySet()) {
      Files.deleteIfExists(e.getValue());
    }
    for (Map.Entry<Long, Path> e : all.headMap(maxOffset, true).descendingMap().entrySet()) {
      Map<Long, ProducerEntry> loaded = read(e.getValue());
      if (loaded != null) {
        synchronized (producers) {
          producers.putAll(loaded);
          // Snapshots hold no timestamps: a loaded producer gets a full expiration period from now.
          long loadedAtMs = System.currentTimeMillis();
          loaded.forEach((pid, entry) -> {
            entry.lastTimestampMs = loadedAtMs;
            if (entry.txnFirstOffset >= 0) {
              openTransactions.open(pid, entry.txnFirstOffset);
            }
          });
        }
        return e.getKey();
      }
      LOG.warn("Producer state snapshot {} of {} is corrupt; deleting it", e.getValue(), tp);
      Files.deleteIfExists(e.getValue());
    }
    return -1;
  }

  /** Deletes snapshots above offset (after a truncation). */
  void deleteSnapshotsAbove(long offset) throws IOException {
    for (Path p : listSnapshots().tailMap(offset, false).values()) {
      Files.deleteIfExists(p);
    }
  }

  /** Deletes snapshots below offset except the newest one. */
  void deleteSnapshotsBelow(long offset) throws IOException {
    TreeMap<Long, Path> all = listSnapshots();
    if (!all.isEmpty()) {
      all.pollLastEntry();
    }
    for (Path p : all.headMap(offset, false).values()) {
      Files.deleteIfExists(p);
    }
  }

  private static Map<Long, ProducerEntry> read(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length < 12) {
        return null;
      }
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      int crc = buf.getInt(bytes.length - 4);
      if ((int) Crc32C.compute(bytes, 0, bytes.length - 4) != crc) {
        return null;
      }
      int version = buf.getInt();
      if (version != VERSION && version != VERSION_WITHOUT_TRANSACTIONS) {
        return null;
      }
      int n = buf.getInt();
      Map<Long, ProducerEntry> out = new HashMap<>();
      for (int i = 0; i < n; i++) {
        long pid = buf.getLong();
        ProducerEntry e = new ProducerEntry(buf.getShort());
        if (version == VERSION) {
          e.txnFirstOffset = buf.getLong();
        }
        int batches = buf.getInt();
        for (int j = 0; j < batches; j++) {
          e.add(new BatchMetadata(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong()));
        }
        out.put(pid, e);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  Map<Long, ProducerEntry> snapshotForTests() {
    synchronized (producers) {
      return Collections.unmodifiableMap(new HashMap<>(producers));
    }
  }
}
