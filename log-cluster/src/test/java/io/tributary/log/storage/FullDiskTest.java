package io.tributary.log.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition log on a real full disk: a 2 MiB tmpfs mounted for the test (needs root; skipped otherwise).
 * The append that hits the full disk fails with KAFKA_STORAGE_ERROR and leaves the log exactly as before, so
 * every acknowledged record survives, appends work again once space is freed, and a crash recovery keeps them.
 */
class FullDiskTest {
  private static final int DISK_BYTES = 2 * 1024 * 1024;
  private static final int FILLER_BYTES = 1024 * 1024;
  /** Values of random bytes, so that nothing compresses and the disk fills after about a MiB of records. */
  private static final int VALUE_BYTES = 7_000;
  private static final TopicPartition TP = new TopicPartition("full-disk", 0);
  /** No roll and no index entry while the disk fills: the test is about the segment file itself. */
  private static final Map<String, String> OVERRIDES = Map.of("segment.bytes", String.valueOf(64 * 1024 * 1024),
      "index.interval.bytes", String.valueOf(64 * 1024 * 1024));

  @TempDir Path tmp;
  private Path disk;
  private boolean mounted;
  /** The log open on the disk: closed before unmounting, also when an assertion failed. */
  private PartitionLog log;
  private final ManualTime time = new ManualTime(1_700_000_000_000L);
  private final Random random = new Random(15);

  @BeforeEach
  void mountSmallDisk() throws Exception {
    disk = tmp.resolve("disk");
    Files.createDirectories(disk);
    int exit = run("mount", "-t", "tmpfs", "-o", "size=" + DISK_BYTES, "tmpfs", disk.toString());
    Assumptions.assumeTrue(exit == 0, "cannot mount a tmpfs (needs root and CAP_SYS_ADMIN): the full-disk test is skipped");
    mounted = true;
  }

  @AfterEach
  void unmount() throws Exception {
    if (log != null) {
      log.closeUncleanlyForTests(); // a clean close could fail on the full disk and keep the mount busy
    }
    if (mounted) {
      assertEquals(0, run("umount", disk.toString()), "unmounting " + disk);
    }
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
    return p.exitValue();
  }

  private MemoryRecords batchOf(String key) {
    byte[] value = new byte[VALUE_BYTES];
    random.nextBytes(value);
    return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(time.milliseconds(), key.getBytes(StandardCharsets.UTF_8), value));
  }

  private PartitionLog open(Uuid topicId) throws IOException {
    log = PartitionLog.open(disk.resolve("full-disk-0"), TP, topicId, LogConfig.fromMap(OVERRIDES), time);
    return log;
  }

  @Test
  void aFullDiskFailsTheAppendAndKeepsEveryAcknowledgedRecord() throws Exception {
    Path filler = disk.resolve("filler");
    Files.write(filler, new byte[FILLER_BYTES]);
    Uuid topicId = Uuid.randomUuid();
    open(topicId);
    List<String> acked = new ArrayList<>();
    KafkaStorageException failure = null;
    for (int i = 0; i < 1_000 && failure == null; i++) {
      String key = "k" + i;
      long endBefore = log.logEndOffset();
      long bytesBefore = log.size();
      try {
        AppendResult r = log.appendAsLeader(batchOf(key), 0);
        assertEquals(acked.size(), r.firstOffset());
        acked.add(key);
      } catch (KafkaStorageException e) {
        failure = e;
        assertEquals(endBefore, log.logEndOffset(), "the failed append did not move the log end");
        assertEquals(bytesBefore, log.size(), "the failed append left no bytes counted");
        assertEquals(bytesBefore, Files.size(Segment.logFile(log.dir(), 0)), "the failed append left no bytes in the file");
      }
    }
    assertNotNull(failure, "the disk never filled");
    assertEquals(Errors.KAFKA_STORAGE_ERROR, Errors.forException(failure), "a produce gets KAFKA_STORAGE_ERROR, not an ack");
    assertTrue(acked.size() > 10, "some records were acknowledged before the disk filled: " + acked.size());
    assertFalse(log.isOffline(), "truncating back worked: the log stays online");
    assertEquals(acked, keys(log));

    Files.delete(filler);
    AppendResult afterFreeing = log.appendAsLeader(batchOf("after-freeing"), 0);
    assertEquals(acked.size(), afterFreeing.firstOffset(), "the next offset follows the last acknowledged one");
    acked.add("after-freeing");
    assertEquals(acked, keys(log));

    log.closeUncleanlyForTests(); // a crash: recovery validates the segment batch by batch
    log = null;
    PartitionLog recovered = open(topicId);
    assertEquals(acked.size(), recovered.logEndOffset());
    assertEquals(acked, keys(recovered), "recovery kept every acknowledged record");
  }

  private static List<String> keys(PartitionLog partitionLog) throws IOException {
    return TestRecords.readAll(partitionLog).stream().map(TestRecords.Rec::key).toList();
  }
}
